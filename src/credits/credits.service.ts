import type { DataSource, EntityManager } from 'typeorm';
import { AccountEntity } from '../persistence/entities/account.entity';
import { CreditLedgerEntity, LedgerReason } from '../persistence/entities/credit-ledger.entity';
import type { TransactionRunner } from '../persistence/transactions';

export class InsufficientCreditsError extends Error {
  constructor(
    readonly required: number,
    readonly balance: number,
  ) {
    super(`This request costs ${required} credits; the account has ${balance}.`);
  }
}

/** Credits taken for one request; `refund()` gives them back at most once. */
export interface Reservation {
  accountId: string;
  amount: number;
  requestId: string;
  balanceAfter: number;
  refunded: boolean;
}

/**
 * The credit ledger. Every change is ONE transaction holding a conditional UPDATE and a ledger
 * insert, so balances never go below zero under concurrency and SUM(ledger.delta) == balance.
 */
export class CreditsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Atomically takes `amount` credits, or throws InsufficientCreditsError without changing anything. */
  async reserve(accountId: string, amount: number, requestId: string): Promise<Reservation> {
    const balanceAfter = await this.transactions.run(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(AccountEntity)
        .set({ balance: () => 'balance - :amount' })
        .where('id = :id AND balance >= :amount', { id: accountId, amount })
        .setParameter('amount', amount)
        .execute();
      if (!result.affected) return undefined;
      return this.record(manager, accountId, -amount, 'reserve', requestId);
    });
    if (balanceAfter === undefined) throw new InsufficientCreditsError(amount, await this.balance(accountId));
    return { accountId, amount, requestId, balanceAfter, refunded: false };
  }

  /** Returns a reservation's credits (idempotent per reservation object). */
  async refund(reservation: Reservation, note?: string): Promise<number> {
    if (reservation.refunded) return reservation.balanceAfter;
    reservation.refunded = true;
    const balance = await this.credit(reservation.accountId, reservation.amount, 'refund', reservation.requestId, note);
    reservation.balanceAfter = balance;
    return balance;
  }

  async grant(accountId: string, amount: number, note?: string): Promise<number> {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error('amount must be a positive integer');
    return this.credit(accountId, amount, 'grant', null, note);
  }

  async balance(accountId: string): Promise<number> {
    const account = await this.dataSource.getRepository(AccountEntity).findOneBy({ id: accountId });
    return account?.balance ?? 0;
  }

  /** The newest `limit` ledger entries, newest first. */
  recentLedger(accountId: string, limit: number): Promise<CreditLedgerEntity[]> {
    if (limit === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(CreditLedgerEntity).find({ where: { accountId }, order: { id: 'DESC' }, take: limit });
  }

  ledger(accountId: string): Promise<CreditLedgerEntity[]> {
    return this.dataSource.getRepository(CreditLedgerEntity).find({ where: { accountId }, order: { id: 'ASC' } });
  }

  private credit(
    accountId: string,
    amount: number,
    reason: LedgerReason,
    requestId: string | null,
    note?: string,
  ): Promise<number> {
    return this.transactions.run(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(AccountEntity)
        .set({ balance: () => 'balance + :amount' })
        .where('id = :id', { id: accountId })
        .setParameter('amount', amount)
        .execute();
      if (!result.affected) throw new Error(`account ${accountId} does not exist`);
      return this.record(manager, accountId, amount, reason, requestId, note);
    });
  }

  /** Writes the ledger row for a change already applied in this transaction; returns the new balance. */
  private async record(
    manager: EntityManager,
    accountId: string,
    delta: number,
    reason: LedgerReason,
    requestId: string | null,
    note?: string,
  ): Promise<number> {
    const account = await manager.findOneByOrFail(AccountEntity, { id: accountId });
    await manager.insert(CreditLedgerEntity, {
      accountId,
      delta,
      balanceAfter: account.balance,
      reason,
      requestId,
      note: note ?? null,
    });
    return account.balance;
  }
}
