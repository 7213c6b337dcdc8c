import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AccountController } from './account.controller';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../persistence/transactions';
import { CreditsService } from './credits.service';

@Module({
  imports: [AuthModule],
  controllers: [AccountController],
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
