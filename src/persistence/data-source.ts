/**
 * One DataSource configuration for the server, the admin CLI and the tests:
 * SQLite (better-sqlite3, WAL, busy timeout) by default, PostgreSQL when DATABASE_URL is set.
 * Schema changes only through migrations, which run at start-up.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/config';
import { AccountEntity } from './entities/account.entity';
import { ApiKeyEntity } from './entities/api-key.entity';
import { CreditLedgerEntity } from './entities/credit-ledger.entity';
import { InitialSchema1764870000000 } from './migrations/1764870000000-initial-schema';

export const ENTITIES = [AccountEntity, ApiKeyEntity, CreditLedgerEntity];
export const MIGRATIONS = [InitialSchema1764870000000];

/** How long a SQLite writer waits for another process's lock (server and CLI share the file). */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export function buildDataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    // Run by initializeDataSource() (under a lock on PostgreSQL), not by TypeORM's initialize().
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (config.databaseUrl) {
    return {
      ...common,
      type: 'postgres',
      url: config.databaseUrl,
      schema: config.databaseSchema,
      extra: { max: 10, connectionTimeoutMillis: 5_000 },
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.sqlitePath,
    enableWAL: true,
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
      db.pragma('synchronous = NORMAL');
    },
  };
}

export function ensureSqliteDir(config: AppConfig): void {
  if (!config.databaseUrl) mkdirSync(dirname(config.sqlitePath), { recursive: true });
}

/** Arbitrary constant naming Lantern's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_ID = 7_391_204_118;

/**
 * Connects and applies pending migrations. On PostgreSQL several instances may start at once,
 * so migrations run under a session advisory lock: the others wait, then find nothing to do.
 */
export async function initializeDataSource(dataSource: DataSource): Promise<DataSource> {
  await dataSource.initialize();
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'each' });
    return dataSource;
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
  return dataSource;
}

/** Opens a DataSource outside Nest (admin CLI) and applies pending migrations. */
export async function openDataSource(config: AppConfig): Promise<DataSource> {
  ensureSqliteDir(config);
  return initializeDataSource(new DataSource(buildDataSourceOptions(config)));
}
