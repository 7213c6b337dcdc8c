import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../config/config';
import { AccountsService } from '../persistence/accounts.service';
import { openDataSource } from '../persistence/data-source';
import { TransactionRunner } from '../persistence/transactions';
import { CreditsService, InsufficientCreditsError } from './credits.service';

describe('CreditsService on SQLite', () => {
  let dir: string;
  let dataSource: DataSource;
  let credits: CreditsService;
  let accounts: AccountsService;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lantern-credits-'));
    dataSource = await openDataSource(loadConfig({ LANTERN_DATA_DIR: dir }));
    const tx = new TransactionRunner(dataSource);
    credits = new CreditsService(dataSource, tx);
    accounts = new AccountsService(dataSource, tx);
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ledgerSum(accountId: string): Promise<number> {
    return (await credits.ledger(accountId)).reduce((sum, row) => sum + row.delta, 0);
  }

  it('records the opening balance of a new account in the ledger', async () => {
    const account = await accounts.create({ name: 'acme', plan: 'starter', credits: 500 });
    const ledger = await credits.ledger(account.id);
    expect(ledger.map((r) => [r.reason, r.delta, r.balanceAfter])).toEqual([['grant', 500, 500]]);
  });

  it('reserves credits and reports the balance left', async () => {
    const account = await accounts.create({ name: 'acme', plan: 'starter', credits: 500 });
    const reservation = await credits.reserve(account.id, 15, 'req_1');
    expect(reservation.balanceAfter).toBe(485);
    expect(await credits.balance(account.id)).toBe(485);
    expect(await ledgerSum(account.id)).toBe(485);
  });

  it('refuses a reservation larger than the balance and changes nothing', async () => {
    const account = await accounts.create({ name: 'acme', plan: 'starter', credits: 10 });
    await expect(credits.reserve(account.id, 15, 'req_1')).rejects.toBeInstanceOf(InsufficientCreditsError);
    expect(await credits.balance(account.id)).toBe(10);
    expect(await credits.ledger(account.id)).toHaveLength(1);
  });

  it('refunds a reservation once, even when asked twice', async () => {
    const account = await accounts.create({ name: 'acme', plan: 'starter', credits: 30 });
    const reservation = await credits.reserve(account.id, 15, 'req_1');
    await credits.refund(reservation);
    await credits.refund(reservation);
    expect(await credits.balance(account.id)).toBe(30);
    const reasons = (await credits.ledger(account.id)).map((r) => `${r.reason}:${r.delta}:${r.requestId ?? ''}`);
    expect(reasons).toEqual(['grant:30:', 'reserve:-15:req_1', 'refund:15:req_1']);
  });

  it('never lets concurrent reservations overdraw the balance', async () => {
    const account = await accounts.create({ name: 'acme', plan: 'starter', credits: 300 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => credits.reserve(account.id, 15, `req_${i}`)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(20);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(30);
    expect(await credits.balance(account.id)).toBe(0);
    expect(await ledgerSum(account.id)).toBe(0);
  });

  it('grants credits with a ledger entry', async () => {
    const account = await accounts.create({ name: 'acme', plan: 'starter', credits: 0 });
    expect(await credits.grant(account.id, 100, 'top-up')).toBe(100);
    expect(await ledgerSum(account.id)).toBe(100);
    await expect(credits.grant(account.id, -5)).rejects.toThrow('positive integer');
  });
});
