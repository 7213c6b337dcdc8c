import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Metrics } from './metrics';

@ApiTags('Health')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  /** Prometheus text exposition (requests, latencies, analyses, credits, process). */
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOkResponse({ description: 'Prometheus metrics.' })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
