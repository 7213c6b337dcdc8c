import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/config';
import { openDataSource } from './data-source';

describe('migrations on SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lantern-migrations-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('create the tables on an empty database, once, and run with WAL and a busy timeout', async () => {
    const config = loadConfig({ LANTERN_DATA_DIR: dir });
    const first = await openDataSource(config);
    const tables = (await first.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r: { name: string }) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['accounts', 'api_keys', 'credit_ledger', 'migrations']));
    expect((await first.query('PRAGMA journal_mode'))[0].journal_mode).toBe('wal');
    expect((await first.query('PRAGMA busy_timeout'))[0].timeout).toBeGreaterThan(0);
    await first.destroy();

    const second = await openDataSource(config);
    expect(await second.query('SELECT name FROM migrations')).toHaveLength(1);
    await second.destroy();
  });

  it('refuse a negative balance at the database level', async () => {
    const ds = await openDataSource(loadConfig({ LANTERN_DATA_DIR: dir }));
    try {
      await expect(ds.query("INSERT INTO accounts (id, name, plan, balance) VALUES ('a', 'n', 'starter', -1)")).rejects.toThrow(/CHECK/);
    } finally {
      await ds.destroy();
    }
  });
});
