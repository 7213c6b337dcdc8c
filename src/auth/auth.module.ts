import { Module, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { TransactionRunner } from '../persistence/transactions';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysService } from './api-keys.service';
import { PermissionsGuard } from './permissions.guard';
import { PlanGuard } from './plan.guard';
import { resolvePepper } from './pepper';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { ApiKeyThrottlerGuard } from './throttler.guard';

const RATE_WINDOW_MS = 60_000;

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: RATE_WINDOW_MS, limit: config.rateLimit }],
        storage: config.redisUrl ? new RedisThrottlerStorage(config.redisUrl) : undefined,
      }),
    }),
  ],
  providers: [
    {
      provide: ApiKeysService,
      inject: [DataSource, TransactionRunner, APP_CONFIG],
      useFactory: (ds: DataSource, tx: TransactionRunner, config: AppConfig) => new ApiKeysService(ds, tx, resolvePepper(config)),
    },
    ApiKeyGuard,
    ApiKeyThrottlerGuard,
    PermissionsGuard,
    PlanGuard,
  ],
  exports: [ApiKeysService, ApiKeyGuard, ApiKeyThrottlerGuard, PermissionsGuard, PlanGuard, ThrottlerModule],
})
export class AuthModule implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...RedisThrottlerStorage.open].map((storage) => storage.close()));
  }
}
