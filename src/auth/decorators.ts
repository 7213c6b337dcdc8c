import { applyDecorators, createParamDecorator, ExecutionContext, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '../common/error-envelope.dto';
import type { Plan } from '../persistence/entities/account.entity';
import { ApiKeyGuard } from './api-key.guard';
import { RequirePermissions, RequirePlans } from './metadata';
import { PermissionsGuard } from './permissions.guard';
import { PlanGuard } from './plan.guard';
import type { Principal, RequestWithPrincipal } from './principal';
import type { Permission } from './scopes';
import { ApiKeyThrottlerGuard } from './throttler.guard';

export { PAID_PLANS, RequirePermissions, RequirePlans } from './metadata';


/**
 * One decorator for an API-key protected route: metadata, guards and OpenAPI annotations together.
 * Guard order matters: who you are (401) before how often you call (429, keyed by your key)
 * before what you may do (403 scope, then 403 plan).
 */
export function Authenticated(options: { permissions?: Permission[]; plans?: Plan[] } = {}): MethodDecorator & ClassDecorator {
  const permissions = options.permissions ?? [];
  const plans = options.plans ?? [];
  const forbidden = [
    ...(permissions.length > 0 ? [`the key lacks ${permissions.join(', ')} (code \`insufficient_scope\`)`] : []),
    ...(plans.length > 0 ? [`the plan is not ${plans.join('/')} (code \`plan_not_allowed\`)`] : []),
  ];
  return applyDecorators(
    RequirePermissions(...permissions),
    RequirePlans(...plans),
    UseGuards(ApiKeyGuard, ApiKeyThrottlerGuard, PermissionsGuard, PlanGuard),
    ApiBearerAuth('api-key'),
    ApiUnauthorizedResponse({ type: ErrorEnvelopeDto, description: 'Missing, malformed, unknown or revoked API key (code `unauthenticated`).' }),
    ...(forbidden.length > 0 ? [ApiForbiddenResponse({ type: ErrorEnvelopeDto, description: `Forbidden when ${forbidden.join(' or ')}.` })] : []),
    ApiTooManyRequestsResponse({ type: ErrorEnvelopeDto, description: 'Per-key rate limit exceeded (code `rate_limited`, `Retry-After` header).' }),
  );
}

/** The authenticated caller (set by ApiKeyGuard). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<RequestWithPrincipal>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without ApiKeyGuard');
  return principal;
});
