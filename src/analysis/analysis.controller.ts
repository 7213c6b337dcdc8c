import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiGatewayTimeoutResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiPaymentRequiredResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, PAID_PLANS } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { SCOPES } from '../auth/scopes';
import { RequestContext } from '../common/request-context.decorator';
import { AnalysisRequestDto } from './analysis-request.dto';
import { ErrorEnvelopeDto } from '../common/error-envelope.dto';
import { AnalysisResponseDto } from './analysis-response.dto';
import { ANALYSIS_COST, AnalysisResponse, AnalysisService, RequestInfo } from './analysis.service';
import { EventsShapePipe } from './events-shape.pipe';

@ApiTags('AI Analysis')
@Controller(['api/v1/ai', 'v1/ai'])
export class AnalysisController {
  constructor(private readonly analysis: AnalysisService) {}

  @Post('analysis')
  @HttpCode(200)
  @Authenticated({ permissions: [SCOPES.aiRead], plans: PAID_PLANS })
  @ApiOperation({
    summary: 'Analyse security events',
    description: `Root cause, attack timeline, indicators, MITRE ATT&CK mapping and recommendations. Costs ${ANALYSIS_COST} credits; requires ai:read and a Starter, Professional or Enterprise plan.`,
  })
  @ApiOkResponse({ type: AnalysisResponseDto })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'Invalid body; `error.details[].field` names the field.' })
  @ApiPaymentRequiredResponse({ type: ErrorEnvelopeDto, description: 'Not enough credits (code `insufficient_credits`).' })
  @ApiPayloadTooLargeResponse({ type: ErrorEnvelopeDto, description: 'Body over LANTERN_BODY_LIMIT.' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorEnvelopeDto, description: 'Body is not JSON.' })
  @ApiGatewayTimeoutResponse({ type: ErrorEnvelopeDto, description: 'Analysis exceeded its time budget; credits refunded.' })
  analyze(
    @Body(EventsShapePipe) body: AnalysisRequestDto,
    @CurrentPrincipal() principal: Principal,
    @RequestContext() info: RequestInfo,
  ): Promise<AnalysisResponse> {
    return this.analysis.analyze(body, principal, info);
  }
}
