import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerAdminCommands } from './admin.command';
import { ApiKeysService } from '../auth/api-keys.service';
import { resolvePepper } from '../auth/pepper';
import { loadConfig } from '../config/config';
import { openDataSource } from '../persistence/data-source';
import { TransactionRunner } from '../persistence/transactions';

describe('admin CLI', () => {
  let dir: string;
  let lines: string[];
  const env = () => ({ LANTERN_DATA_DIR: dir, LOG_LEVEL: 'silent' });

  async function run(...args: string[]): Promise<string> {
    lines = [];
    const program = new Command().exitOverride();
    registerAdminCommands(program, (line) => lines.push(line), env());
    await program.parseAsync(['node', 'lantern', ...args]);
    return lines.join('\n');
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lantern-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates and lists accounts with plan and balance', async () => {
    expect(await run('accounts', 'create', '--name', 'acme', '--plan', 'starter', '--credits', '500')).toMatch(/Created account acme .* plan starter, 500 credits/);
    const list = JSON.parse(await run('accounts', 'list', '--json'));
    expect(list).toEqual([expect.objectContaining({ name: 'acme', plan: 'starter', balance: 500 })]);
  });

  it('prints a new key once, and the key authenticates until revoked by prefix', async () => {
    await run('accounts', 'create', '--name', 'acme', '--credits', '10');
    const out = await run('keys', 'create', '--account', 'acme', '--scopes', 'ai:read');
    const key = out.split('\n').pop()!;
    expect(key).toMatch(/^lnt_live_[0-9A-Za-z]{46}$/);

    const config = loadConfig(env());
    const ds = await openDataSource(config);
    const keys = new ApiKeysService(ds, new TransactionRunner(ds), resolvePepper(config));
    try {
      expect((await keys.verify(key)).ok).toBe(true);
      const listed = await run('keys', 'list');
      expect(listed).toContain(key.slice(0, 17));
      expect(listed).not.toContain(key);
      expect(listed).toMatch(/\bacme\b/);
      await run('keys', 'revoke', key.slice(0, 17));
      expect(await keys.verify(key)).toEqual({ ok: false, reason: 'revoked' });
    } finally {
      await ds.destroy();
    }
  });

  it('changes an account\'s plan', async () => {
    await run('accounts', 'create', '--name', 'acme', '--plan', 'free');
    expect(await run('accounts', 'set-plan', '--account', 'acme', '--plan', 'professional')).toBe('Account acme is now on the professional plan.');
    expect(JSON.parse(await run('accounts', 'list', '--json'))[0].plan).toBe('professional');
  });

  it('grants credits and reports the new balance', async () => {
    await run('accounts', 'create', '--name', 'acme', '--credits', '10');
    expect(await run('credits', 'grant', '--account', 'acme', '--amount', '90')).toBe('Granted 90 credits to acme; balance is now 100.');
  });

  it('shows the ledger and confirms it adds up to the balance', async () => {
    await run('accounts', 'create', '--name', 'acme', '--credits', '10');
    await run('credits', 'grant', '--account', 'acme', '--amount', '5', '--note', 'goodwill');
    const report = JSON.parse(await run('credits', 'ledger', '--account', 'acme', '--json'));
    expect(report).toEqual(expect.objectContaining({ balance: 15, ledger_sum: 15, consistent: true }));
    expect(report.entries.map((e: { reason: string; delta: number }) => [e.reason, e.delta])).toEqual([['grant', 10], ['grant', 5]]);
    expect(await run('credits', 'ledger', '--account', 'acme')).toContain('Balance 15, ledger sum 15: consistent.');
  });

  it('fails clearly for an unknown plan, scope or account', async () => {
    await expect(run('accounts', 'create', '--name', 'x', '--plan', 'gold')).rejects.toThrow('unknown plan "gold"');
    await expect(run('keys', 'create', '--account', 'nobody')).rejects.toThrow('no account with id or name "nobody"');
    await run('accounts', 'create', '--name', 'acme');
    await expect(run('keys', 'create', '--account', 'acme', '--scopes', 'root')).rejects.toThrow('unknown scope(s): root');
    await expect(run('accounts', 'create', '--name', 'acme')).rejects.toThrow('already exists');
  });
});
