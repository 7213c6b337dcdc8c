import { Reflector } from '@nestjs/core';
import type { Plan } from '../persistence/entities/account.entity';
import type { Permission } from './scopes';

/** Route metadata: every listed permission is required. */
export const RequirePermissions = Reflector.createDecorator<Permission[]>();
/** Route metadata: the account's plan must be one of these. */
export const RequirePlans = Reflector.createDecorator<Plan[]>();

export const PAID_PLANS: Plan[] = ['starter', 'professional', 'enterprise'];
