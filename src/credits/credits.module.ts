import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../persistence/transactions';
import { CreditsService } from './credits.service';

@Module({
  providers: [
    {
      provide: CreditsService,
      inject: [DataSource, TransactionRunner],
      useFactory: (ds: DataSource, tx: TransactionRunner) => new CreditsService(ds, tx),
    },
  ],
  exports: [CreditsService],
})
export class CreditsModule {}
