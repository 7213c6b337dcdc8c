import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An API key. Only its peppered HMAC is stored; `lookupId` (public, part of the key) finds the row. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId: string;

  @Column({ name: 'lookup_id', type: 'varchar', length: 32, unique: true })
  lookupId: string;

  /** Display prefix, e.g. `lnt_live_AbCd2345`: safe to show in lists and logs. */
  @Column({ type: 'varchar', length: 64 })
  prefix: string;

  /** Hex HMAC-SHA256(pepper, key). */
  @Column({ type: 'varchar', length: 64 })
  hash: string;

  @Column({ type: 'varchar', length: 500 })
  scopes: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  label: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'varchar', length: 32, nullable: true })
  revokedAt: string | null;
}
