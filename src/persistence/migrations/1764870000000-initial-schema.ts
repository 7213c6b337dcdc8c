import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Accounts, API keys and the credit ledger. Written with the Table API so one migration serves SQLite and PostgreSQL. */
export class InitialSchema1764870000000 implements MigrationInterface {
  name = 'InitialSchema1764870000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const createdAt = {
      name: 'created_at',
      type: postgres ? 'timestamp' : 'datetime',
      default: postgres ? 'now()' : "(datetime('now'))",
      isNullable: false,
    };

    await queryRunner.createTable(
      new Table({
        name: 'accounts',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200', isUnique: true },
          { name: 'plan', type: 'varchar', length: '32' },
          { name: 'balance', type: 'integer' },
          createdAt,
        ],
        checks: [{ name: 'CHK_accounts_balance_non_negative', expression: 'balance >= 0' }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'account_id', type: 'varchar', length: '36' },
          { name: 'lookup_id', type: 'varchar', length: '32', isUnique: true },
          { name: 'prefix', type: 'varchar', length: '64' },
          { name: 'hash', type: 'varchar', length: '64' },
          { name: 'scopes', type: 'varchar', length: '500' },
          { name: 'label', type: 'varchar', length: '200', isNullable: true },
          createdAt,
          { name: 'revoked_at', type: 'varchar', length: '32', isNullable: true },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_api_keys_account',
            columnNames: ['account_id'],
            referencedTableName: 'accounts',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [new TableIndex({ name: 'IDX_api_keys_account', columnNames: ['account_id'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'credit_ledger',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'account_id', type: 'varchar', length: '36' },
          { name: 'delta', type: 'integer' },
          { name: 'balance_after', type: 'integer' },
          { name: 'reason', type: 'varchar', length: '16' },
          { name: 'request_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'note', type: 'varchar', length: '500', isNullable: true },
          createdAt,
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_credit_ledger_account',
            columnNames: ['account_id'],
            referencedTableName: 'accounts',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
        indices: [
          new TableIndex({ name: 'IDX_credit_ledger_account', columnNames: ['account_id'] }),
          new TableIndex({ name: 'IDX_credit_ledger_request', columnNames: ['request_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('credit_ledger');
    await queryRunner.dropTable('api_keys');
    await queryRunner.dropTable('accounts');
  }
}
