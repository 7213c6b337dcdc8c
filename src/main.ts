/**
 * The HTTP server. `createApp()` builds the fully configured Nest application (also used by the
 * e2e tests and the benchmark); `main()` adds first-start seeding and listens.
 */
import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { ApiKeysService } from './auth/api-keys.service';
import { seedStarterAccount } from './auth/seed';
import { jsonOnlyMiddleware } from './common/json-only.middleware';
import { requestIdMiddleware } from './common/request-id';
import { tuneV8 } from './common/v8-tuning';
import { AppConfig, ConfigError, loadConfig } from './config/config';
import { Metrics } from './health/metrics';
import { AccountsService } from './persistence/accounts.service';

export interface CreateAppOptions {
  logStream?: DestinationStream;
  /** Environment of the LLM settings (process.env by default; loadConfig already validated it). */
  env?: Record<string, string | undefined>;
}

export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(app.get(Metrics).middleware());
  app.use(jsonOnlyMiddleware);
  app.useBodyParser('json', { limit: config.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] });
  app.enableShutdownHooks();
  setupOpenApi(app);
  await app.init();
  return app;
}

function setupOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Lantern incident analysis API')
      .setDescription(
        'Sigma detection, attack-chain correlation, MITRE ATT&CK mapping and a narrative for batches of security events.\n\n' +
          'Authenticate with `Authorization: Bearer lnt_live_...`. Every response carries `X-Request-Id`.\n\n' +
          'Errors use one envelope: `{ "error": { "code", "message", "details": [ { "field", "message", ... } ] }, "meta": { "request_id" } }`. Codes: ' +
          '400 `invalid_request` (details name the field), 401 `unauthenticated` (details[0].reason: missing, malformed, unknown, revoked), ' +
          '402 `insufficient_credits`, 403 `insufficient_scope` / `plan_not_allowed`, 404 `not_found`, 413 `payload_too_large`, ' +
          '415 `unsupported_media_type`, 429 `rate_limited` (with `Retry-After`), 500 `internal_error`, 503 `service_unavailable` (with `Retry-After`), ' +
          '504 `analysis_timeout` (credits refunded).',
      )
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'lnt_live_ API key' }, 'api-key')
      .build(),
  );
  // The UI page links its assets relatively (./docs/...), so /docs/ would load a blank page: send it to /docs.
  app.use('/docs/', (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void) => {
    const [path, query] = (req.originalUrl ?? req.url ?? '').split('?', 2);
    if (req.method !== 'GET' || path !== '/docs/') return next();
    res.writeHead(301, { Location: `/docs${query === undefined ? '' : `?${query}`}` }).end();
  });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}

/** Creates the starter account and prints its key once (stdout); logs never carry the key itself. */
export async function seedIfEmpty(app: NestExpressApplication, config: AppConfig): Promise<string | undefined> {
  if (!config.seed) return undefined;
  const created = await seedStarterAccount(app.get(AccountsService), app.get(ApiKeysService));
  if (!created) return undefined;
  new NestLogger('Bootstrap').log(
    { account: 'starter', plan: 'starter', credits: 500, key_id: created.record.id, key_prefix: created.record.prefix },
    'Empty database: created a Starter account with 500 credits and one ai:read key (printed once on stdout)',
  );
  process.stdout.write(
    `\nLantern: first start. Your API key (shown only once, keep it safe):\n\n  ${created.key}\n\n` +
      `Try: curl -X POST http://localhost:${config.port}/api/v1/ai/analysis -H "Authorization: Bearer ${created.key}" ` +
      `-H "Content-Type: application/json" -d @examples/api-doc-example.json\n\n`,
  );
  return created.key;
}

export async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`lantern: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(config);
  // A stray promise rejection (e.g. a provider SDK's background request) must not take the server down.
  process.on('unhandledRejection', (reason) => new NestLogger('Process').error({ err: reason }, 'unhandled promise rejection'));
  await app.listen(config.port, config.host);
  // Longer than common load-balancer idle timeouts (60 s), so the balancer closes idle connections first.
  const server = app.getHttpServer();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  app.get(Logger).log(`Lantern listening on http://${config.host}:${config.port} (docs at /docs)`, 'Bootstrap');
  // Last, so the one-time key ends the console output instead of being lost among start-up logs.
  await seedIfEmpty(app, config);
}

if (require.main === module) {
  // Before the rule packs are loaded and compiled: a faster start-up for each instance (src/common/v8-tuning.ts).
  tuneV8();
  main().catch((err: unknown) => {
    process.stderr.write(`lantern: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
