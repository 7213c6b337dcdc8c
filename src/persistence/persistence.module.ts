import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AccountsService } from './accounts.service';
import { buildDataSourceOptions, ensureSqliteDir, initializeDataSource } from './data-source';
import { TransactionRunner } from './transactions';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        ensureSqliteDir(config);
        return { ...buildDataSourceOptions(config), retryAttempts: 2, retryDelay: 500 };
      },
      dataSourceFactory: async (options) => initializeDataSource(new DataSource(options!)),
    }),
  ],
  providers: [
    { provide: TransactionRunner, inject: [DataSource], useFactory: (ds: DataSource) => new TransactionRunner(ds) },
    {
      provide: AccountsService,
      inject: [DataSource, TransactionRunner],
      useFactory: (ds: DataSource, tx: TransactionRunner) => new AccountsService(ds, tx),
    },
  ],
  exports: [TransactionRunner, AccountsService],
})
export class PersistenceModule {}
