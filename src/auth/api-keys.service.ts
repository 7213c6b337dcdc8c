import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AccountEntity } from '../persistence/entities/account.entity';
import { ApiKeyEntity } from '../persistence/entities/api-key.entity';
import type { TransactionRunner } from '../persistence/transactions';
import { digestsEqual, generateApiKey, hashApiKey, KEY_PREFIX, parseApiKey } from './api-key-format';
import type { Principal } from './principal';
import { isPermission } from './scopes';

export type KeyCheck =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' };

export interface CreatedKey {
  /** The full key: shown once, never stored. */
  key: string;
  record: ApiKeyEntity;
}

export class KeyNotFoundError extends Error {}

export function parseScopes(text: string): string[] {
  const scopes = [...new Set(text.split(/[\s,]+/).filter((s) => s !== ''))];
  if (scopes.length === 0) throw new Error('at least one scope is required (e.g. ai:read)');
  const unknown = scopes.filter((s) => !isPermission(s));
  if (unknown.length > 0) throw new Error(`unknown scope(s): ${unknown.join(', ')}`);
  return scopes;
}

/** Issues, verifies and revokes API keys. Only HMAC-SHA256(pepper, key) is stored. */
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly pepper: string,
  ) {}

  async create(input: { accountId: string; scopes: string[]; label?: string }): Promise<CreatedKey> {
    const generated = generateApiKey();
    const record = this.dataSource.getRepository(ApiKeyEntity).create({
      id: randomUUID(),
      accountId: input.accountId,
      lookupId: generated.lookupId,
      prefix: generated.displayPrefix,
      hash: hashApiKey(generated.key, this.pepper),
      scopes: input.scopes.join(' '),
      label: input.label ?? null,
      revokedAt: null,
    });
    await this.transactions.run((manager) => manager.insert(ApiKeyEntity, record));
    return { key: generated.key, record };
  }

  /** Resolves a presented key. The lookup id finds the row; the digest comparison is constant-time. */
  async verify(candidate: string): Promise<KeyCheck> {
    const parsed = parseApiKey(candidate);
    if (!parsed) return { ok: false, reason: 'malformed' };
    const record = await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ lookupId: parsed.lookupId });
    const digest = hashApiKey(parsed.key, this.pepper);
    if (!record || !digestsEqual(digest, record.hash)) return { ok: false, reason: 'unknown' };
    if (record.revokedAt) return { ok: false, reason: 'revoked' };
    const account = await this.dataSource.getRepository(AccountEntity).findOneBy({ id: record.accountId });
    if (!account) return { ok: false, reason: 'unknown' };
    return {
      ok: true,
      principal: {
        keyId: record.id,
        keyPrefix: record.prefix,
        accountId: account.id,
        accountName: account.name,
        plan: account.plan,
        scopes: record.scopes.split(' ').filter((s) => s !== ''),
      },
    };
  }

  /** Revokes by key id (uuid) or display prefix (`lnt_live_XXXXXXXX`); a full key is accepted too. */
  async revoke(idOrPrefix: string): Promise<ApiKeyEntity> {
    const record = await this.find(idOrPrefix.trim());
    if (!record) throw new KeyNotFoundError(`no API key with id or prefix "${idOrPrefix}"`);
    if (record.revokedAt) return record;
    record.revokedAt = new Date().toISOString();
    await this.transactions.run((manager) =>
      manager.update(ApiKeyEntity, { id: record.id }, { revokedAt: record.revokedAt }),
    );
    return record;
  }

  list(accountId?: string): Promise<ApiKeyEntity[]> {
    return this.dataSource
      .getRepository(ApiKeyEntity)
      .find({ where: accountId ? { accountId } : {}, order: { createdAt: 'ASC' } });
  }

  private find(idOrPrefix: string): Promise<ApiKeyEntity | null> {
    const repo = this.dataSource.getRepository(ApiKeyEntity);
    if (idOrPrefix.startsWith(KEY_PREFIX)) {
      const lookupId = idOrPrefix.slice(KEY_PREFIX.length, KEY_PREFIX.length + 8);
      return repo.findOneBy({ lookupId });
    }
    return repo.findOneBy({ id: idOrPrefix });
  }
}
