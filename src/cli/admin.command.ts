/**
 * Administration commands: `lantern accounts ...`, `lantern keys ...`, `lantern credits ...`.
 * They open the same database as the server (same environment variables: DATABASE_URL,
 * LANTERN_DATA_DIR, LANTERN_KEY_PEPPER) and apply pending migrations first.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { DataSource } from 'typeorm';
import { ApiKeysService, parseScopes } from '../auth/api-keys.service';
import { resolvePepper } from '../auth/pepper';
import { AppConfig, loadConfig } from '../config/config';
import { CreditsService } from '../credits/credits.service';
import { AccountsService, parsePlan } from '../persistence/accounts.service';
import { openDataSource } from '../persistence/data-source';
import { TransactionRunner } from '../persistence/transactions';

interface AdminServices {
  config: AppConfig;
  accounts: AccountsService;
  keys: ApiKeysService;
  credits: CreditsService;
}

type Output = (line: string) => void;

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a non-negative integer');
  return Number(value);
}

function positiveInt(value: string): number {
  const n = nonNegativeInt(value);
  if (n === 0) throw new InvalidArgumentError('must be greater than 0');
  return n;
}

/** Opens the database, runs `work`, and always closes it. */
async function openServices<T>(work: (services: AdminServices) => Promise<T>, env: NodeJS.ProcessEnv): Promise<T> {
  const config = loadConfig(env);
  const dataSource: DataSource = await openDataSource(config);
  try {
    const tx = new TransactionRunner(dataSource);
    return await work({
      config,
      accounts: new AccountsService(dataSource, tx),
      keys: new ApiKeysService(dataSource, tx, resolvePepper(config)),
      credits: new CreditsService(dataSource, tx),
    });
  } finally {
    await dataSource.destroy();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export function registerAdminCommands(
  program: Command,
  out: Output = (line) => process.stdout.write(`${line}\n`),
  env: NodeJS.ProcessEnv = process.env,
): void {
  const withServices = <T>(work: (services: AdminServices) => Promise<T>) => openServices(work, env);

  const accounts = program.command('accounts').description('manage customer accounts (plan, credit balance)');
  accounts
    .command('create')
    .description('create an account; its opening credits are recorded in the ledger')
    .requiredOption('--name <name>', 'unique account name')
    .option('--plan <plan>', 'free | starter | professional | enterprise', 'starter')
    .option('--credits <n>', 'opening credit balance', nonNegativeInt, 0)
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; plan: string; credits: number; json?: boolean }) => {
      const plan = parsePlan(opts.plan);
      const account = await withServices((s) => s.accounts.create({ name: opts.name, plan, credits: opts.credits }));
      if (opts.json) return out(JSON.stringify({ id: account.id, name: account.name, plan: account.plan, balance: account.balance }));
      out(`Created account ${account.name} (${account.id}), plan ${account.plan}, ${account.balance} credits.`);
    });
  accounts
    .command('set-plan')
    .description('change an account\'s plan (takes effect on its next request)')
    .requiredOption('--account <idOrName>', 'account id or name')
    .requiredOption('--plan <plan>', 'free | starter | professional | enterprise')
    .action(async (opts: { account: string; plan: string }) => {
      const plan = parsePlan(opts.plan);
      const account = await withServices((s) => s.accounts.setPlan(opts.account, plan));
      out(`Account ${account.name} is now on the ${account.plan} plan.`);
    });
  accounts
    .command('list')
    .description('list accounts with plan and balance')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await withServices((s) => s.accounts.list());
      if (opts.json) return out(JSON.stringify(list.map((a) => ({ id: a.id, name: a.name, plan: a.plan, balance: a.balance }))));
      if (list.length === 0) return out('No accounts.');
      out(table([['ID', 'NAME', 'PLAN', 'BALANCE'], ...list.map((a) => [a.id, a.name, a.plan, String(a.balance)])]));
    });

  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create')
    .description('create an API key for an account (printed once; only its hash is stored)')
    .requiredOption('--account <idOrName>', 'account id or name')
    .option('--scopes <scopes>', 'comma-separated permissions', 'ai:read')
    .option('--label <text>', 'a note to recognise the key by')
    .option('--json', 'print JSON')
    .action(async (opts: { account: string; scopes: string; label?: string; json?: boolean }) => {
      const scopes = parseScopes(opts.scopes);
      const created = await withServices(async (s) => {
        const account = await s.accounts.resolve(opts.account);
        return s.keys.create({ accountId: account.id, scopes, label: opts.label });
      });
      if (opts.json) {
        return out(JSON.stringify({ id: created.record.id, prefix: created.record.prefix, scopes, key: created.key }));
      }
      out(`Created key ${created.record.id} (${created.record.prefix}...) with scopes ${scopes.join(', ')}.`);
      out('Copy it now, it will not be shown again:');
      out(created.key);
    });
  keys
    .command('list')
    .description('list API keys (prefix, scopes, status); never the keys themselves')
    .option('--account <idOrName>', 'only this account')
    .option('--json', 'print JSON')
    .action(async (opts: { account?: string; json?: boolean }) => {
      const { list, accounts } = await withServices(async (s) => ({
        list: await s.keys.list(opts.account ? (await s.accounts.resolve(opts.account)).id : undefined),
        accounts: await s.accounts.list(),
      }));
      const names = new Map(accounts.map((a) => [a.id, a.name]));
      const rows = list.map((k) => ({ id: k.id, prefix: k.prefix, account_id: k.accountId, account: names.get(k.accountId) ?? k.accountId, scopes: k.scopes, revoked_at: k.revokedAt, label: k.label }));
      if (opts.json) return out(JSON.stringify(rows));
      if (rows.length === 0) return out('No API keys.');
      out(table([['ID', 'PREFIX', 'ACCOUNT', 'SCOPES', 'STATUS'], ...rows.map((r) => [r.id, r.prefix, r.account, r.scopes, r.revoked_at ? `revoked ${r.revoked_at}` : 'active'])]));
    });
  keys
    .command('revoke')
    .description('revoke an API key by id or prefix (lnt_live_XXXXXXXX)')
    .argument('<keyIdOrPrefix>')
    .action(async (idOrPrefix: string) => {
      const record = await withServices((s) => s.keys.revoke(idOrPrefix));
      out(`Revoked key ${record.id} (${record.prefix}...) at ${record.revokedAt}.`);
    });

  const credits = program.command('credits').description('manage credit balances');
  credits
    .command('grant')
    .description('add credits to an account (recorded in the ledger)')
    .requiredOption('--account <idOrName>', 'account id or name')
    .requiredOption('--amount <n>', 'credits to add', positiveInt)
    .option('--note <text>', 'reason, kept in the ledger')
    .action(async (opts: { account: string; amount: number; note?: string }) => {
      const { account, balance } = await withServices(async (s) => {
        const found = await s.accounts.resolve(opts.account);
        return { account: found, balance: await s.credits.grant(found.id, opts.amount, opts.note ?? 'granted by admin CLI') };
      });
      out(`Granted ${opts.amount} credits to ${account.name}; balance is now ${balance}.`);
    });
  credits
    .command('ledger')
    .description("show an account's credit ledger and check that it adds up to the balance")
    .requiredOption('--account <idOrName>', 'account id or name')
    .option('--json', 'print JSON')
    .action(async (opts: { account: string; json?: boolean }) => {
      const { account, ledger } = await withServices(async (s) => {
        const found = await s.accounts.resolve(opts.account);
        return { account: found, ledger: await s.credits.ledger(found.id) };
      });
      const sum = ledger.reduce((total, row) => total + row.delta, 0);
      const consistent = sum === account.balance;
      if (opts.json) {
        const rows = ledger.map((r) => ({ id: r.id, delta: r.delta, balance_after: r.balanceAfter, reason: r.reason, request_id: r.requestId, note: r.note, created_at: r.createdAt }));
        out(JSON.stringify({ account: account.name, balance: account.balance, ledger_sum: sum, consistent, entries: rows }));
      } else {
        const rows = ledger.map((r) => [String(r.id), new Date(r.createdAt).toISOString(), r.reason, String(r.delta), String(r.balanceAfter), r.requestId ?? r.note ?? '']);
        out(table([['ID', 'TIME', 'REASON', 'DELTA', 'BALANCE', 'REQUEST / NOTE'], ...rows]));
        out(`Balance ${account.balance}, ledger sum ${sum}: ${consistent ? 'consistent' : 'INCONSISTENT'}.`);
      }
      if (!consistent) process.exitCode = 2;
    });
}
