/**
 * Service configuration, read once from the environment and validated at start-up.
 * Every problem is collected so one failed start names all bad variables at once.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { intelDirFrom } from '../engine/intel';
import { LlmConfigError, validateLlmConfig } from '../llm/config';

export type NodeEnv = 'production' | 'development' | 'test';

export interface AppConfig {
  nodeEnv: NodeEnv;
  production: boolean;
  port: number;
  host: string;
  /** PostgreSQL when set (postgres://...); SQLite otherwise. */
  databaseUrl?: string;
  /** PostgreSQL schema (tests use a throw-away schema per run). */
  databaseSchema?: string;
  dataDir: string;
  sqlitePath: string;
  /** Built-in `rules/` first, then LANTERN_RULES entries. */
  rulePaths: string[];
  bodyLimitBytes: number;
  bodyLimit: string;
  timeoutMs: number;
  /** Engine worker threads (0: run the engine on the event loop). */
  engineWorkers: number;
  /** Requests per API key per minute. */
  rateLimit: number;
  redisUrl?: string;
  keyPepper?: string;
  /** Offline threat-intel feeds (LANTERN_INTEL_DIR, else ./intel when it exists). */
  intelDir?: string;
  /** Create a starter account and key on an empty database (never in production). */
  seed: boolean;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** The repo's `rules/` folder, valid from both `src/config` (ts-node, jest) and `dist/config`. */
export const BUILTIN_RULES_DIR = resolve(__dirname, '..', '..', 'rules');

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]);
  return bytes > 0 ? bytes : undefined;
}

type Env = Record<string, string | undefined>;

function readInt(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
    return fallback;
  }
  const value = Number(raw.trim());
  if (value < min || value > max) problems.push(`${name} must be between ${min} and ${max} (got ${value})`);
  return value;
}

function readNodeEnv(env: Env, problems: string[]): NodeEnv {
  const raw = (env.NODE_ENV ?? 'development').trim();
  if (raw === 'production' || raw === 'development' || raw === 'test') return raw;
  problems.push(`NODE_ENV must be production, development or test (got "${raw}")`);
  return 'development';
}

function readDatabaseUrl(env: Env, problems: string[]): string | undefined {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return undefined;
  if (!/^postgres(ql)?:\/\//i.test(raw)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use the embedded SQLite database)');
    return undefined;
  }
  try {
    new URL(raw);
  } catch {
    problems.push('DATABASE_URL is not a valid URL');
    return undefined;
  }
  return raw;
}

function readRulePaths(env: Env, problems: string[]): string[] {
  const extra = (env.LANTERN_RULES ?? '')
    .split(':')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => resolve(p));
  for (const p of extra) {
    if (!existsSync(p)) problems.push(`LANTERN_RULES entry "${p}" does not exist`);
  }
  return [BUILTIN_RULES_DIR, ...extra];
}

function readBoolean(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  problems.push(`${name} must be true or false (got "${env[name]}")`);
  return fallback;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = readNodeEnv(env, problems);
  const production = nodeEnv === 'production';

  const bodyLimit = (env.LANTERN_BODY_LIMIT ?? '10mb').trim();
  const bodyLimitBytes = parseSize(bodyLimit);
  if (bodyLimitBytes === undefined) {
    problems.push(`LANTERN_BODY_LIMIT must be a size such as 512kb or 10mb (got "${bodyLimit}")`);
  }

  const keyPepper = env.LANTERN_KEY_PEPPER?.trim() || undefined;
  if (production && !keyPepper) {
    problems.push('LANTERN_KEY_PEPPER is required in production (a random secret of at least 32 characters)');
  }
  if (keyPepper && keyPepper.length < 32) {
    problems.push('LANTERN_KEY_PEPPER must be at least 32 characters long');
  }

  const logLevel = (env.LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\//i.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');

  const schema = env.LANTERN_DB_SCHEMA?.trim() || undefined;
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/i.test(schema)) problems.push('LANTERN_DB_SCHEMA must be a plain SQL identifier');

  try {
    validateLlmConfig(env);
  } catch (err) {
    if (!(err instanceof LlmConfigError)) throw err;
    problems.push(...err.issues);
  }

  const dataDir = resolve(env.LANTERN_DATA_DIR?.trim() || 'data');
  const config: AppConfig = {
    nodeEnv,
    production,
    port: readInt(env, 'PORT', 3000, 0, 65535, problems),
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl: readDatabaseUrl(env, problems),
    databaseSchema: schema,
    dataDir,
    sqlitePath: resolve(env.LANTERN_SQLITE_PATH?.trim() || resolve(dataDir, 'lantern.sqlite')),
    rulePaths: readRulePaths(env, problems),
    bodyLimit,
    bodyLimitBytes: bodyLimitBytes ?? 0,
    timeoutMs: readInt(env, 'LANTERN_TIMEOUT_MS', 60_000, 1, 600_000, problems),
    // One worker by default: the engine never blocks the event loop and a run past its budget is cut
    // on time, at no measurable throughput cost for small requests; 0 runs it on the event loop.
    engineWorkers: readInt(env, 'LANTERN_ENGINE_WORKERS', 1, 0, 64, problems),
    rateLimit: readInt(env, 'LANTERN_RATE_LIMIT', 60, 1, 1_000_000, problems),
    redisUrl,
    keyPepper,
    intelDir: intelDirFrom(env, process.cwd()),
    seed: !production && readBoolean(env, 'LANTERN_SEED', true, problems),
    logLevel,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
