import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type Plan = 'free' | 'starter' | 'professional' | 'enterprise';
export const PLANS: readonly Plan[] = ['free', 'starter', 'professional', 'enterprise'];

/** A customer: plan and credit balance. The balance is only ever changed together with a ledger row. */
@Entity({ name: 'accounts' })
export class AccountEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 32 })
  plan: Plan;

  @Column({ type: 'integer' })
  balance: number;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
