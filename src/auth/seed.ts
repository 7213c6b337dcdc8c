import { QueryFailedError } from 'typeorm';
import { AccountExistsError, AccountsService } from '../persistence/accounts.service';
import type { ApiKeysService, CreatedKey } from './api-keys.service';
import { SCOPES } from './scopes';

export const STARTER_ACCOUNT = { name: 'starter', plan: 'starter' as const, credits: 500 };

/**
 * First start of an empty database (outside production): one Starter account with 500 credits
 * and one ai:read key, so a newcomer can call the API at once. Returns undefined when any account
 * exists, including when another instance starting at the same moment seeded first.
 */
export async function seedStarterAccount(accounts: AccountsService, keys: ApiKeysService): Promise<CreatedKey | undefined> {
  if ((await accounts.count()) > 0) return undefined;
  let accountId: string;
  try {
    accountId = (await accounts.create(STARTER_ACCOUNT)).id;
  } catch (err) {
    // The unique account name lost a race against another instance seeding the same database.
    if (err instanceof AccountExistsError || err instanceof QueryFailedError) return undefined;
    throw err;
  }
  return keys.create({ accountId, scopes: [SCOPES.aiRead], label: 'first-start key' });
}
