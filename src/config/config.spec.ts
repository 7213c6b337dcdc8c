import { BUILTIN_RULES_DIR, ConfigError, loadConfig, parseSize } from './config';

describe('loadConfig', () => {
  it('defaults to SQLite in ./data, port 3000, 10mb bodies, 60 s budget, one engine worker and seeding outside production', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.sqlitePath).toMatch(/data\/lantern\.sqlite$/);
    expect(config.bodyLimitBytes).toBe(10 * 1024 * 1024);
    expect(config.timeoutMs).toBe(60_000);
    expect(config.engineWorkers).toBe(1);
    expect(loadConfig({ LANTERN_ENGINE_WORKERS: '0' }).engineWorkers).toBe(0);
    expect(config.rulePaths).toEqual([BUILTIN_RULES_DIR]);
    expect(config.seed).toBe(true);
  });

  it('never seeds in production', () => {
    const config = loadConfig({ NODE_ENV: 'production', LANTERN_KEY_PEPPER: 'x'.repeat(32), LANTERN_SEED: 'true' });
    expect(config.seed).toBe(false);
  });

  it('names every bad variable in one error', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', LANTERN_BODY_LIMIT: 'huge', LANTERN_TIMEOUT_MS: '0', DATABASE_URL: 'mysql://x', LANTERN_RULES: '/nonexistent/rules' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.message;
    for (const name of ['PORT', 'LANTERN_BODY_LIMIT', 'LANTERN_TIMEOUT_MS', 'DATABASE_URL', 'LANTERN_RULES']) expect(text).toContain(name);
  });

  it('accepts a PostgreSQL URL and extra rule folders', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://localhost/test', LANTERN_RULES: `${__dirname}:${__dirname}` });
    expect(config.databaseUrl).toBe('postgres://localhost/test');
    expect(config.rulePaths).toEqual([BUILTIN_RULES_DIR, __dirname, __dirname]);
  });

  it('rejects a short pepper', () => {
    expect(() => loadConfig({ LANTERN_KEY_PEPPER: 'short' })).toThrow('at least 32 characters');
  });
});

describe('parseSize', () => {
  it.each([
    ['10mb', 10 * 1024 * 1024],
    ['512kb', 512 * 1024],
    ['100', 100],
    ['1.5MB', 1.5 * 1024 * 1024],
  ])('reads %s as %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each(['', 'ten', '-1mb', '0'])('rejects %p', (text) => expect(parseSize(text)).toBeUndefined());
});
