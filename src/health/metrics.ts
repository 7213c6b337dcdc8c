import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one app instance (its own registry, so several apps in one process,
 * as in the tests, do not collide). Exposed at GET /metrics.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'lantern_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'lantern_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly analyses = new Counter({
    name: 'lantern_analyses_total',
    help: 'Analyses by outcome (ok, timeout, error) and narrative source',
    labelNames: ['outcome', 'narrative'] as const,
    registers: [this.registry],
  });

  readonly analysisDuration = new Histogram({
    name: 'lantern_analysis_duration_seconds',
    help: 'Server-side processing time of successful analyses',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly analysisEvents = new Histogram({
    name: 'lantern_analysis_events',
    help: 'Events per analysed request',
    buckets: [1, 10, 100, 1_000, 10_000, 100_000],
    registers: [this.registry],
  });

  readonly credits = new Counter({
    name: 'lantern_credits_total',
    help: 'Credits reserved and refunded',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'lantern_' });
  }

  /** Express-style middleware recording every response (route label from the matched route, never the raw URL). */
  middleware() {
    return (req: IncomingMessage & { route?: { path?: string }; baseUrl?: string }, res: ServerResponse, next: () => void): void => {
      const end = this.httpDuration.startTimer();
      res.on('finish', () => {
        const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
        const method = req.method ?? 'GET';
        end({ method, route });
        this.httpRequests.inc({ method, route, status: String(res.statusCode) });
      });
      next();
    };
  }
}
