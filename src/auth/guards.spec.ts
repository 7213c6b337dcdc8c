import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../common/api-error';
import { ApiKeyGuard } from './api-key.guard';
import type { ApiKeysService, KeyCheck } from './api-keys.service';
import { RequirePermissions, RequirePlans } from './metadata';
import { PermissionsGuard } from './permissions.guard';
import { PlanGuard } from './plan.guard';
import type { Principal } from './principal';

const principal: Principal = {
  keyId: 'k1',
  keyPrefix: 'lnt_live_AbCd2345',
  accountId: 'a1',
  accountName: 'acme',
  plan: 'starter',
  scopes: ['ai:read'],
};

function contextFor(req: Record<string, unknown>): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => req }),
    getHandler: () => function handler() {},
    getClass: () => class Controller {},
  } as unknown as ExecutionContext;
}

function reflectorReturning(value: unknown): Reflector {
  return { getAllAndOverride: () => value } as unknown as Reflector;
}

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('PermissionsGuard', () => {
  it('lets a key with the required permission through', () => {
    const guard = new PermissionsGuard(reflectorReturning(['ai:read']));
    expect(guard.canActivate(contextFor({ principal }))).toBe(true);
  });

  it('refuses a key without the required permission with 403 insufficient_scope', () => {
    const guard = new PermissionsGuard(reflectorReturning(['ai:read']));
    const error = errorOf(() => guard.canActivate(contextFor({ principal: { ...principal, scopes: [] } })));
    expect(error.getStatus()).toBe(403);
    expect(error.code).toBe('insufficient_scope');
    expect(error.message).toContain('ai:read');
  });

  it('allows routes that declare no permission', () => {
    const guard = new PermissionsGuard(reflectorReturning(undefined));
    expect(guard.canActivate(contextFor({}))).toBe(true);
  });
});

describe('PlanGuard', () => {
  const paid = reflectorReturning(['starter', 'professional', 'enterprise']);

  it.each(['starter', 'professional', 'enterprise'] as const)('lets the %s plan through', (plan) => {
    expect(new PlanGuard(paid).canActivate(contextFor({ principal: { ...principal, plan } }))).toBe(true);
  });

  it('refuses the Free plan with 403 plan_not_allowed', () => {
    const error = errorOf(() => new PlanGuard(paid).canActivate(contextFor({ principal: { ...principal, plan: 'free' } })));
    expect(error.getStatus()).toBe(403);
    expect(error.code).toBe('plan_not_allowed');
    expect(error.message).toContain('free');
  });
});

describe('ApiKeyGuard', () => {
  function guardWith(check: KeyCheck) {
    const verify = jest.fn(async () => check);
    return { guard: new ApiKeyGuard({ verify } as unknown as ApiKeysService), verify };
  }

  async function rejection(guard: ApiKeyGuard, headers: Record<string, string>): Promise<ApiError> {
    try {
      await guard.canActivate(contextFor({ headers }));
    } catch (err) {
      if (err instanceof ApiError) return err;
      throw err;
    }
    throw new Error('expected rejection');
  }

  it('attaches the principal of a valid bearer key', async () => {
    const { guard, verify } = guardWith({ ok: true, principal });
    const req: Record<string, unknown> = { headers: { authorization: 'Bearer lnt_live_x' } };
    await expect(guard.canActivate(contextFor(req))).resolves.toBe(true);
    expect(verify).toHaveBeenCalledWith('lnt_live_x');
    expect(req.principal).toEqual(principal);
  });

  it('answers 401 for a missing Authorization header without touching the database', async () => {
    const { guard, verify } = guardWith({ ok: true, principal });
    const error = await rejection(guard, {});
    expect([error.getStatus(), error.code, error.details[0].reason]).toEqual([401, 'unauthenticated', 'missing']);
    expect(verify).not.toHaveBeenCalled();
  });

  it('answers 401 malformed for a non-Bearer scheme', async () => {
    const { guard } = guardWith({ ok: true, principal });
    const error = await rejection(guard, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(error.details[0].reason).toBe('malformed');
  });

  it.each(['malformed', 'unknown', 'revoked'] as const)('answers 401 %s when the key service says so', async (reason) => {
    const { guard } = guardWith({ ok: false, reason });
    const error = await rejection(guard, { authorization: 'Bearer something' });
    expect(error.getStatus()).toBe(401);
    expect(error.details[0].reason).toBe(reason);
  });
});

describe('route metadata read by the real Reflector', () => {
  class Routes {
    @RequirePermissions('ai:read')
    @RequirePlans('professional')
    analyse(): void {}
  }
  const routeContext = (req: Record<string, unknown>) =>
    ({ switchToHttp: () => ({ getRequest: () => req }), getHandler: () => Routes.prototype.analyse, getClass: () => Routes }) as unknown as ExecutionContext;

  it('@RequirePermissions(\'ai:read\') makes PermissionsGuard refuse a key without it', () => {
    const guard = new PermissionsGuard(new Reflector());
    expect(guard.canActivate(routeContext({ principal }))).toBe(true);
    expect(() => guard.canActivate(routeContext({ principal: { ...principal, scopes: [] } }))).toThrow(ApiError);
  });

  it('@RequirePlans makes PlanGuard refuse other plans', () => {
    const guard = new PlanGuard(new Reflector());
    expect(() => guard.canActivate(routeContext({ principal }))).toThrow('requires professional');
    expect(guard.canActivate(routeContext({ principal: { ...principal, plan: 'professional' } }))).toBe(true);
  });
});
