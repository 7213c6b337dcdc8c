import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../config/config';
import { AccountsService } from '../persistence/accounts.service';
import { openDataSource } from '../persistence/data-source';
import { ApiKeyEntity } from '../persistence/entities/api-key.entity';
import { TransactionRunner } from '../persistence/transactions';
import { generateApiKey } from './api-key-format';
import { ApiKeysService, parseScopes } from './api-keys.service';
import { PEPPER_FILE, resolvePepper } from './pepper';

describe('ApiKeysService', () => {
  let dir: string;
  let dataSource: DataSource;
  let keys: ApiKeysService;
  let accountId: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lantern-keys-'));
    const config = loadConfig({ LANTERN_DATA_DIR: dir });
    dataSource = await openDataSource(config);
    const tx = new TransactionRunner(dataSource);
    keys = new ApiKeysService(dataSource, tx, resolvePepper(config));
    accountId = (await new AccountsService(dataSource, tx).create({ name: 'acme', plan: 'professional', credits: 0 })).id;
  });

  afterEach(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores only the HMAC of a new key, never the key', async () => {
    const { key, record } = await keys.create({ accountId, scopes: ['ai:read'] });
    const rows = await dataSource.getRepository(ApiKeyEntity).find();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(key.slice(17));
    expect(rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(record.prefix).toBe(key.slice(0, 17));
  });

  it('verifies a key to its account, plan and scopes', async () => {
    const { key } = await keys.create({ accountId, scopes: ['ai:read'] });
    const check = await keys.verify(key);
    expect(check).toEqual({ ok: true, principal: expect.objectContaining({ accountId, accountName: 'acme', plan: 'professional', scopes: ['ai:read'] }) });
  });

  it('tells malformed, unknown and revoked keys apart', async () => {
    const { key, record } = await keys.create({ accountId, scopes: ['ai:read'] });
    expect(await keys.verify('lnt_live_nope')).toEqual({ ok: false, reason: 'malformed' });
    expect(await keys.verify(generateApiKey().key)).toEqual({ ok: false, reason: 'unknown' });
    await keys.revoke(record.prefix);
    expect(await keys.verify(key)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('revokes by key id too, and fails clearly for an unknown id', async () => {
    const { key, record } = await keys.create({ accountId, scopes: ['ai:read'] });
    await keys.revoke(record.id);
    expect(await keys.verify(key)).toEqual({ ok: false, reason: 'revoked' });
    await expect(keys.revoke('lnt_live_ZZZZZZZZ')).rejects.toThrow('no API key');
  });

  it('keeps the generated pepper in the data directory, readable only by the owner', () => {
    const file = join(dir, PEPPER_FILE);
    expect(readFileSync(file, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o077).toBe(0);
  });
});

describe('parseScopes', () => {
  it('accepts known scopes, comma or space separated, without duplicates', () => {
    expect(parseScopes('ai:read, ai:read')).toEqual(['ai:read']);
  });
  it('rejects unknown scopes and empty lists', () => {
    expect(() => parseScopes('ai:write')).toThrow('unknown scope');
    expect(() => parseScopes(' ')).toThrow('at least one scope');
  });
});

describe('resolvePepper', () => {
  it('requires LANTERN_KEY_PEPPER in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('LANTERN_KEY_PEPPER is required in production');
  });
});
