/**
 * Which databases the e2e suites run against. SQLite always; PostgreSQL when reachable.
 * With CI=true an unreachable PostgreSQL fails the run loudly instead of being skipped.
 */
import { spawnSync } from 'node:child_process';

export type Driver = 'sqlite' | 'postgres';

export const POSTGRES_URL = process.env.LANTERN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

export const REDIS_URL = process.env.LANTERN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let postgresReachable: boolean | undefined;

/** Synchronous PING, for the same reason as the PostgreSQL probe. */
export function redisReachable(): boolean {
  const script = `
    const Redis = require('ioredis');
    const r = new Redis(process.argv[1], { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
    r.connect().then(() => r.ping()).then(() => r.quit()).then(() => process.exit(0), () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', script, REDIS_URL], { timeout: 10_000, cwd: __dirname }).status === 0;
}

/** A suite that needs Redis: skipped with a message when it is unreachable, a failure under CI=true. */
export function describeWithRedis(name: string, suite: () => void): void {
  if (redisReachable()) return describe(name, suite);
  if (IN_CI) {
    return describe(name, () => {
      it('needs Redis (CI=true)', () => {
        throw new Error(`Redis is unreachable at ${REDIS_URL}; CI requires the Redis suites to run`);
      });
    });
  }
  // eslint-disable-next-line no-console
  console.warn(`[${name}] Redis unreachable at ${REDIS_URL}: suite skipped (set CI=true to make this fail)`);
  describe.skip(name, suite);
}

/** Synchronous probe, so that `describe.skip` can be decided while Jest collects tests. */
function probePostgres(): boolean {
  if (postgresReachable !== undefined) return postgresReachable;
  const script = `
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.query('select 1')).then(() => c.end()).then(() => process.exit(0), () => process.exit(1));`;
  const result = spawnSync(process.execPath, ['-e', script, POSTGRES_URL], { timeout: 10_000, cwd: __dirname });
  postgresReachable = result.status === 0;
  return postgresReachable;
}

/** A PostgreSQL-only suite, with the same skip/fail rules as describeEachDatabase. */
export function describePostgres(name: string, suite: () => void): void {
  if (probePostgres()) return describe(name, suite);
  if (IN_CI) {
    return describe(name, () => {
      it('needs PostgreSQL (CI=true)', () => {
        throw new Error(`PostgreSQL is unreachable at ${POSTGRES_URL}; CI requires the PostgreSQL suites to run`);
      });
    });
  }
  // eslint-disable-next-line no-console
  console.warn(`[${name}] PostgreSQL unreachable at ${POSTGRES_URL}: suite skipped (set CI=true to make this fail)`);
  describe.skip(name, suite);
}

/** Runs `suite` once per database: `describe('<name> [sqlite]')`, `describe('<name> [postgres]')`. */
export function describeEachDatabase(name: string, suite: (driver: Driver) => void): void {
  describe(`${name} [sqlite]`, () => suite('sqlite'));
  if (probePostgres()) {
    describe(`${name} [postgres]`, () => suite('postgres'));
    return;
  }
  if (IN_CI) {
    describe(`${name} [postgres]`, () => {
      it('needs PostgreSQL (CI=true)', () => {
        throw new Error(`PostgreSQL is unreachable at ${POSTGRES_URL}; CI requires the PostgreSQL suites to run`);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`[${name}] PostgreSQL unreachable at ${POSTGRES_URL}: PostgreSQL suite skipped (set CI=true to make this fail)`);
  describe.skip(`${name} [postgres]`, () => suite('postgres'));
}
