import type { AccountsService } from '../persistence/accounts.service';
import type { ApiKeysService, CreatedKey } from './api-keys.service';
import { SCOPES } from './scopes';

export const STARTER_ACCOUNT = { name: 'starter', plan: 'starter' as const, credits: 500 };

/**
 * First start of an empty database (outside production): one Starter account with 500 credits
 * and one ai:read key, so a newcomer can call the API at once. Returns undefined when any account exists.
 */
export async function seedStarterAccount(accounts: AccountsService, keys: ApiKeysService): Promise<CreatedKey | undefined> {
  if ((await accounts.count()) > 0) return undefined;
  const account = await accounts.create(STARTER_ACCOUNT);
  return keys.create({ accountId: account.id, scopes: [SCOPES.aiRead], label: 'first-start key' });
}
