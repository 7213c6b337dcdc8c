/** Sorting provider failures into what the narrator does next. */

export type FailureKind = 'aborted' | 'timeout' | 'malformed' | 'rate_limited' | 'server_error' | 'unreachable' | 'rejected';

export interface ClassifiedFailure {
  kind: FailureKind;
  /** Server-requested wait (Retry-After), in ms, when given. */
  retryAfterMs?: number;
  detail: string;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  status_code?: unknown;
  code?: unknown;
  headers?: unknown;
  response?: { status?: unknown; headers?: unknown };
  cause?: unknown;
  lc_error_code?: unknown;
}

const asErrorLike = (e: unknown): ErrorLike => (e !== null && typeof e === 'object' ? (e as ErrorLike) : {});

function statusOf(e: ErrorLike): number | undefined {
  for (const candidate of [e.status, e.status_code, e.response?.status]) {
    if (typeof candidate === 'number') return candidate;
  }
  return undefined;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Retry-After (seconds or HTTP date) or retry-after-ms, as used by OpenAI-compatible servers. */
export function retryAfterMs(e: unknown, now: number = Date.now()): number | undefined {
  const err = asErrorLike(e);
  const headers = err.headers ?? err.response?.headers;
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = header(headers, 'retry-after');
  if (after === undefined) return undefined;
  if (Number.isFinite(Number(after))) return Math.max(0, Number(after) * 1000);
  const at = Date.parse(after);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const MALFORMED_NAMES = new Set(['SyntaxError', 'ZodError', '$ZodError', 'OutputParserException', 'LengthFinishReasonError', 'ContentFilterFinishReasonError']);
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

function connectionCode(e: ErrorLike, depth = 0): string | undefined {
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return e.code;
  if (depth > 3 || !e.cause) return undefined;
  return connectionCode(asErrorLike(e.cause), depth + 1);
}

export function classifyFailure(error: unknown): ClassifiedFailure {
  const e = asErrorLike(error);
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const detail = `${name || 'Error'}: ${message}`.slice(0, 300);
  const status = statusOf(e);
  if (status === 429) return { kind: 'rate_limited', retryAfterMs: retryAfterMs(error), detail };
  if (status !== undefined && status >= 500) return { kind: 'server_error', retryAfterMs: retryAfterMs(error), detail };
  if (status !== undefined && status >= 400) return { kind: 'rejected', detail };
  if (name === 'TimeoutError') return { kind: 'timeout', detail };
  if (name === 'AbortError' || message === 'AbortError' || message === 'Aborted') return { kind: 'aborted', detail };
  if (MALFORMED_NAMES.has(name) || e.lc_error_code === 'OUTPUT_PARSING_FAILURE' || /No structured output|No tool call|Failed to parse/i.test(message)) {
    return { kind: 'malformed', detail };
  }
  if (connectionCode(e) || name === 'APIConnectionError' || /fetch failed|Connection error|ECONNREFUSED/i.test(message)) {
    return { kind: 'unreachable', detail };
  }
  // Unknown failures are not retried: repeating a bug only burns the budget.
  return { kind: 'rejected', detail };
}
