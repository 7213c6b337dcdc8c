import { Reflector } from '@nestjs/core';
import type { Plan } from '../persistence/entities/account.entity';
import type { Permission } from './scopes';

/** Metadata keys (typed by Reflector.createDecorator), read by PermissionsGuard and PlanGuard. */
export const PERMISSIONS = Reflector.createDecorator<Permission[]>();
export const PLANS = Reflector.createDecorator<Plan[]>();

/** Route metadata: every listed permission is required, e.g. `@RequirePermissions('ai:read')`. */
export const RequirePermissions = (...permissions: Permission[]) => PERMISSIONS(permissions);
/** Route metadata: the account's plan must be one of these. */
export const RequirePlans = (...plans: Plan[]) => PLANS(plans);

export const PAID_PLANS: Plan[] = ['starter', 'professional', 'enterprise'];
