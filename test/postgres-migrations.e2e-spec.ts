/** Several instances starting at once against one PostgreSQL schema: migrations run once, nobody fails. */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../src/config/config';
import { openDataSource } from '../src/persistence/data-source';
import { describePostgres, POSTGRES_URL } from './support/databases';

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describePostgres('PostgreSQL migrations', () => {
  const schema = `lantern_test_${randomBytes(6).toString('hex')}`;
  beforeAll(() => admin(`CREATE SCHEMA "${schema}"`));
  afterAll(() => admin(`DROP SCHEMA "${schema}" CASCADE`));

  it('apply once when three instances start at the same time', async () => {
    const config = loadConfig({ DATABASE_URL: POSTGRES_URL, LANTERN_DB_SCHEMA: schema, LANTERN_KEY_PEPPER: 'p'.repeat(32) });
    const sources = await Promise.all([openDataSource(config), openDataSource(config), openDataSource(config)]);
    try {
      const rows = await sources[0].query(`SELECT name FROM "${schema}".migrations`);
      expect(rows).toHaveLength(1);
      const tables = await sources[0].query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema]);
      expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual(['accounts', 'api_keys', 'credit_ledger', 'migrations']);
    } finally {
      await Promise.all(sources.map((s) => s.destroy()));
    }
  });
});
