import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs units of work in database transactions.
 * TypeORM drives SQLite through ONE shared connection and query runner, so two overlapping
 * `dataSource.transaction()` calls would interleave their statements inside one SQLite
 * transaction. On SQLite every transaction therefore waits for the previous one (a FIFO
 * queue); PostgreSQL transactions run concurrently on pooled connections and rely on row locks.
 */
export class TransactionRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serialize: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.serialize = dataSource.options.type !== 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialize) return this.dataSource.transaction(work);
    const result = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }
}
