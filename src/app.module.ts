import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AnalysisModule } from './analysis/analysis.module';
import { AuthModule } from './auth/auth.module';
import { ErrorEnvelopeFilter } from './common/error-envelope.filter';
import { loggerParams } from './common/logging';
import { RequestValidationPipe } from './common/validation';
import type { AppConfig } from './config/config';
import { AppConfigModule } from './config/config.module';
import { CreditsModule } from './credits/credits.module';
import { HealthModule } from './health/health.module';
import { PersistenceModule } from './persistence/persistence.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: { logStream?: DestinationStream; env?: Record<string, string | undefined> } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config, options.logStream)),
        PersistenceModule,
        AuthModule,
        CreditsModule,
        AnalysisModule.forRoot(options.env ?? process.env),
        HealthModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: RequestValidationPipe },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
      ],
    };
  }
}
