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
export function Authenticated(options: { permissions: Permission[]; plans: Plan[] }): MethodDecorator & ClassDecorator {
  return applyDecorators(
    RequirePermissions(...options.permissions),
    RequirePlans(...options.plans),
    UseGuards(ApiKeyGuard, ApiKeyThrottlerGuard, PermissionsGuard, PlanGuard),
    ApiBearerAuth('api-key'),
    ApiUnauthorizedResponse({ type: ErrorEnvelopeDto, description: 'Missing, malformed, unknown or revoked API key (code `unauthenticated`).' }),
    ApiForbiddenResponse({
      type: ErrorEnvelopeDto,
      description: `Key lacks ${options.permissions.join(', ')} (code \`insufficient_scope\`) or plan is not ${options.plans.join('/')} (code \`plan_not_allowed\`).`,
    }),
    ApiTooManyRequestsResponse({ type: ErrorEnvelopeDto, description: 'Per-key rate limit exceeded (code `rate_limited`, `Retry-After` header).' }),
  );
}

/** The authenticated caller (set by ApiKeyGuard). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<RequestWithPrincipal>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without ApiKeyGuard');
  return principal;
});
