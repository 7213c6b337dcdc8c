import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../common/api-error';
import { PLANS } from './metadata';
import type { RequestWithPrincipal } from './principal';

/** Authorisation by plan: the account's plan must be one the route allows (403 otherwise, e.g. the Free plan). */
@Injectable()
export class PlanGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.reflector.getAllAndOverride(PLANS, [context.getHandler(), context.getClass()]) ?? [];
    if (allowed.length === 0) return true;
    const plan = context.switchToHttp().getRequest<RequestWithPrincipal>().principal?.plan;
    if (plan && allowed.includes(plan)) return true;
    throw new ApiError(403, 'plan_not_allowed', `This endpoint is not available on the ${plan ?? 'current'} plan; it requires ${allowed.join(', ')}.`, [
      { field: 'plan', message: `plan ${plan ?? 'unknown'} is not allowed`, allowed },
    ]);
  }
}
