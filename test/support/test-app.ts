/**
 * Boots the real Nest application for an e2e suite on a fresh database:
 * SQLite in a temp data dir, or PostgreSQL in a throw-away schema (created here, dropped on close).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { loadConfig, AppConfig } from '../../src/config/config';
import { CreditsService } from '../../src/credits/credits.service';
import { createApp } from '../../src/main';
import { AccountsService } from '../../src/persistence/accounts.service';
import type { Plan } from '../../src/persistence/entities/account.entity';
import { Driver, POSTGRES_URL } from './databases';

export const TEST_PEPPER = 'test-pepper-test-pepper-test-pepper-0123456789';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  server: ReturnType<NestExpressApplication['getHttpServer']>;
  accounts: AccountsService;
  keys: ApiKeysService;
  credits: CreditsService;
  dataSource: DataSource;
  /** Every log line the app wrote (JSON strings). */
  logs: string[];
  /** Creates an account with a key; returns both. */
  customer(options?: { plan?: Plan; credits?: number; scopes?: string[] }): Promise<{ accountId: string; key: string; keyId: string; prefix: string }>;
  close(): Promise<void>;
}

export async function startTestApp(driver: Driver, env: Record<string, string> = {}, shared?: { dataDir: string }): Promise<TestApp> {
  const dataDir = shared?.dataDir ?? mkdtempSync(join(tmpdir(), 'lantern-e2e-'));
  const schema = driver === 'postgres' ? `lantern_test_${randomBytes(6).toString('hex')}` : undefined;
  if (schema) await adminQuery(`CREATE SCHEMA "${schema}"`);
  const fullEnv: Record<string, string> = {
    NODE_ENV: 'test',
    LANTERN_DATA_DIR: dataDir,
    LANTERN_KEY_PEPPER: TEST_PEPPER,
    LOG_LEVEL: 'info',
    LANTERN_SEED: 'false',
    // The engine on the event loop: starting a worker per suite (transpiling the engine from sources)
    // would slow every suite down; test/engine-workers.e2e-spec.ts covers the worker pool (the default).
    LANTERN_ENGINE_WORKERS: '0',
    ...(schema ? { DATABASE_URL: POSTGRES_URL, LANTERN_DB_SCHEMA: schema } : {}),
    ...env,
  };
  const config = loadConfig(fullEnv);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const app = await createApp(config, { logStream, env: fullEnv });
  const accounts = app.get(AccountsService);
  const keys = app.get(ApiKeysService);
  let counter = 0;
  return {
    app,
    config,
    server: app.getHttpServer(),
    accounts,
    keys,
    credits: app.get(CreditsService),
    dataSource: app.get(DataSource),
    logs,
    async customer(options = {}) {
      const account = await accounts.create({
        name: `customer-${++counter}-${randomBytes(3).toString('hex')}`,
        plan: options.plan ?? 'starter',
        credits: options.credits ?? 500,
      });
      const created = await keys.create({ accountId: account.id, scopes: options.scopes ?? ['ai:read'] });
      return { accountId: account.id, key: created.key, keyId: created.record.id, prefix: created.record.prefix };
    },
    async close() {
      await app.close();
      if (schema) await adminQuery(`DROP SCHEMA "${schema}" CASCADE`);
      if (!shared) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The API document's example request. */
export const DOC_EXAMPLE = {
  events: {
    logs: [
      { timestamp: '2026-04-03T14:20:00Z', source: 'firewall', action: 'allow', src_ip: '185.220.101.42', dst_ip: '10.0.1.15', dst_port: 22, protocol: 'tcp' },
      { timestamp: '2026-04-03T14:22:00Z', source: 'auth', action: 'login_success', user: 'admin', src_ip: '185.220.101.42', dst_ip: '10.0.1.15' },
      { timestamp: '2026-04-03T14:25:00Z', source: 'endpoint', action: 'process_create', host: 'srv-prod-01', process: 'whoami.exe', parent: 'cmd.exe', user: 'admin' },
    ],
  },
  context: 'Production environment, server handles customer PII',
  scope: 'incident',
};
