import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ApiError, codeForStatus, ErrorDetail, ErrorEnvelope } from './api-error';
import { requestIdOf, RequestWithId } from './request-id';

/** Errors thrown by body-parser carry a `type`; map them to what the client did wrong. */
const BODY_PARSER_ERRORS: Record<string, { status: number; message: (e: BodyParserError) => string }> = {
  'entity.too.large': { status: 413, message: (e) => `Request body exceeds the limit of ${e.limit ?? 'the server'} bytes.` },
  'entity.parse.failed': { status: 400, message: () => 'Request body is not valid JSON.' },
  'encoding.unsupported': { status: 415, message: () => 'Request body encoding is not supported.' },
  'charset.unsupported': { status: 415, message: () => 'Request body charset is not supported; use UTF-8.' },
  'request.aborted': { status: 400, message: () => 'Request was aborted by the client.' },
  'request.size.invalid': { status: 400, message: () => 'Request body length does not match Content-Length.' },
  'stream.encoding.set': { status: 500, message: () => 'Internal error.' },
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  expose?: boolean;
  code?: string;
}

/**
 * A body that could not be read for a reason of the client's own (body-parser marks it with a 4xx
 * status and `expose`, but no `type`): most often a Content-Encoding whose bytes do not decompress.
 */
function bodyReadFailure(error: BodyParserError | null): { status: number; message: string } | undefined {
  if (!error || error.expose !== true || typeof error.status !== 'number' || error.status < 400 || error.status > 499) return undefined;
  if (typeof error.code === 'string' && error.code.startsWith('Z_')) {
    return { status: 400, message: 'Request body could not be decompressed: it is not valid data for its Content-Encoding.' };
  }
  return { status: error.status, message: 'Request body could not be read.' };
}

/** The part of Express's response the filter uses. */
interface JsonResponse {
  headersSent: boolean;
  setHeader(name: string, value: string): void;
  status(code: number): { json(body: unknown): unknown };
}

/** Database unavailability (connection refused/reset, PostgreSQL shutting down or out of connections, SQLite busy): retryable. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
const RETRY_AFTER_SECONDS = 5;

function errorCode(exception: unknown): string | undefined {
  const error = exception as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = error?.driverError?.code ?? error?.code;
  return typeof code === 'string' ? code : undefined;
}

const GENERIC_MESSAGES: Record<number, string> = {
  401: 'Authentication required.',
  403: 'Forbidden.',
  404: 'Not found.',
  429: 'Too many requests.',
};

/** The body @nestjs/terminus throws when a readiness check fails. */
function isHealthReport(value: unknown): value is { status: string; details: Record<string, { status: string }> } {
  const details = (value as { details?: unknown } | null)?.details;
  return typeof details === 'object' && details !== null && (value as { status?: unknown }).status === 'error';
}

/**
 * The single error envelope `{ error: { code, message, details }, meta: { request_id } }` for every
 * failure, including ones raised before routing (body parsing, content type) and unknown errors.
 * Never leaks a stack trace; unexpected errors are logged server-side and answered with 500.
 */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<RequestWithId>();
    const res = ctx.getResponse<JsonResponse>();
    const { status, code, message, details } = this.describe(exception);
    if (status >= 500) this.logger.error({ err: exception, status }, 'request failed');
    const body: ErrorEnvelope = { error: { code, message, details }, meta: { request_id: requestIdOf(req) } };
    if (res.headersSent) return;
    if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(status).json(body);
  }

  describe(exception: unknown): { status: number; code: string; message: string; details: ErrorDetail[] } {
    if (exception instanceof ApiError) {
      return { status: exception.getStatus(), code: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    const bodyError = exception as BodyParserError;
    const known = bodyError?.type ? BODY_PARSER_ERRORS[bodyError.type] : undefined;
    if (known) return { status: known.status, code: codeForStatus(known.status), message: known.message(bodyError), details: [] };
    const unreadable = bodyReadFailure(bodyError);
    if (unreadable) return { status: unreadable.status, code: codeForStatus(unreadable.status), message: unreadable.message, details: [] };
    const dbCode = errorCode(exception);
    if (dbCode && UNAVAILABLE_CODES.has(dbCode)) {
      return { status: 503, code: 'service_unavailable', message: 'The service is temporarily unavailable; retry shortly.', details: [] };
    }
    return { status: 500, code: 'internal_error', message: 'Internal error. Quote the request id when reporting it.', details: [] };
  }

  private fromHttpException(exception: HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    let message = GENERIC_MESSAGES[status] ?? exception.message;
    const details: ErrorDetail[] = [];
    if (status === 503 && isHealthReport(response)) {
      const checks = Object.entries(response.details).map(([field, check]) => ({ field, message: `${field} is ${String(check.status)}`, ...check }));
      return { status, code: codeForStatus(status), message: 'Service not ready.', details: checks };
    }
    if (typeof response === 'object' && response !== null) {
      const raw = (response as { message?: unknown }).message;
      if (typeof raw === 'string') message = raw;
      if (Array.isArray(raw)) details.push(...raw.map((m) => ({ message: String(m) })));
    } else if (typeof response === 'string') {
      message = response;
    }
    if (status === 400 && /JSON/i.test(message)) message = 'Request body is not valid JSON.';
    if (status >= 500 && status !== 503 && status !== 504) message = 'Internal error. Quote the request id when reporting it.';
    return { status, code: codeForStatus(status), message, details };
  }
}
