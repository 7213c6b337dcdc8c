import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { destination, DestinationStream } from 'pino';
import type { AppConfig } from '../config/config';
import { requestIdOf, RequestWithId } from './request-id';

/**
 * Structured JSON logs. Every line logged while serving a request carries its `request_id`.
 * Bodies are never logged and credentials are redacted, so neither API keys nor event payloads
 * reach the logs.
 */
export function loggerParams(config: AppConfig, stream?: DestinationStream): Params {
  const options = {
    level: config.logLevel,
    genReqId: (req: IncomingMessage) => requestIdOf(req as IncomingMessage & RequestWithId),
    customAttributeKeys: { reqId: 'request_id' },
    quietReqLogger: true,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'headers.authorization'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  };
  // A [options, stream] pair makes both the per-request and the application logger write to `stream`.
  // stdout is written synchronously: lines keep their order with other console output (the first-start
  // key banner) and are not lost when the process exits right after logging.
  return { pinoHttp: [options, stream ?? destination({ dest: 1, sync: true })] };
}
