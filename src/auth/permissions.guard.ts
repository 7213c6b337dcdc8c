import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../common/api-error';
import { PERMISSIONS } from './metadata';
import type { RequestWithPrincipal } from './principal';

/** Authorisation by scope: the key must carry every permission the route requires (403 otherwise). */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride(PERMISSIONS, [context.getHandler(), context.getClass()]) ?? [];
    if (required.length === 0) return true;
    const principal = context.switchToHttp().getRequest<RequestWithPrincipal>().principal;
    const granted = new Set(principal?.scopes ?? []);
    const missing = required.filter((p) => !granted.has(p));
    if (missing.length === 0) return true;
    throw new ApiError(403, 'insufficient_scope', `This API key lacks the permission ${missing.join(', ')}.`, [
      { field: 'Authorization', message: `missing permission ${missing.join(', ')}`, required, granted: [...granted] },
    ]);
  }
}
