import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AccountEntity, Plan, PLANS } from './entities/account.entity';
import { CreditLedgerEntity } from './entities/credit-ledger.entity';
import type { TransactionRunner } from './transactions';

export class AccountExistsError extends Error {}
export class AccountNotFoundError extends Error {}

export function parsePlan(value: string): Plan {
  const plan = value.trim().toLowerCase();
  if (!(PLANS as readonly string[]).includes(plan)) {
    throw new Error(`unknown plan "${value}" (expected one of: ${PLANS.join(', ')})`);
  }
  return plan as Plan;
}

/** Accounts: creation with an opening grant (so the ledger always explains the balance), lookup, listing. */
export class AccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  async create(input: { name: string; plan: Plan; credits: number }): Promise<AccountEntity> {
    if (!Number.isSafeInteger(input.credits) || input.credits < 0) throw new Error('credits must be a non-negative integer');
    const name = input.name.trim();
    if (name === '') throw new Error('account name must not be empty');
    if (await this.findByName(name)) throw new AccountExistsError(`an account named "${name}" already exists`);
    return this.transactions.run(async (manager) => {
      const account = manager.create(AccountEntity, { id: randomUUID(), name, plan: input.plan, balance: input.credits });
      await manager.insert(AccountEntity, account);
      if (input.credits > 0) {
        await manager.insert(CreditLedgerEntity, {
          accountId: account.id,
          delta: input.credits,
          balanceAfter: input.credits,
          reason: 'grant',
          requestId: null,
          note: 'opening balance',
        });
      }
      return account;
    });
  }

  async setPlan(idOrName: string, plan: Plan): Promise<AccountEntity> {
    const account = await this.resolve(idOrName);
    await this.transactions.run((manager) => manager.update(AccountEntity, { id: account.id }, { plan }));
    return { ...account, plan };
  }

  findByName(name: string): Promise<AccountEntity | null> {
    return this.dataSource.getRepository(AccountEntity).findOneBy({ name });
  }

  findById(id: string): Promise<AccountEntity | null> {
    return this.dataSource.getRepository(AccountEntity).findOneBy({ id });
  }

  /** Accepts an account id or name (what the admin CLI's --account takes). */
  async resolve(idOrName: string): Promise<AccountEntity> {
    const account = (await this.findById(idOrName)) ?? (await this.findByName(idOrName));
    if (!account) throw new AccountNotFoundError(`no account with id or name "${idOrName}"`);
    return account;
  }

  list(): Promise<AccountEntity[]> {
    return this.dataSource.getRepository(AccountEntity).find({ order: { createdAt: 'ASC', name: 'ASC' } });
  }

  count(): Promise<number> {
    return this.dataSource.getRepository(AccountEntity).count();
  }
}
