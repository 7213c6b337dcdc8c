import { HttpException } from '@nestjs/common';

/** One entry of `error.details`: which field (dotted path) and what is wrong with it. */
export interface ErrorDetail {
  field?: string;
  message: string;
  [extra: string]: unknown;
}

/** Machine-readable error codes of the envelope, one per HTTP status we answer with. */
export const ERROR_CODES = {
  400: 'invalid_request',
  401: 'unauthenticated',
  402: 'insufficient_credits',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'service_unavailable',
  504: 'analysis_timeout',
} as const;

export function codeForStatus(status: number): string {
  return (ERROR_CODES as Record<number, string>)[status] ?? (status >= 500 ? 'internal_error' : 'request_error');
}

/** An error the client should see as-is inside the envelope. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message, status);
  }
}

export interface ErrorEnvelope {
  error: { code: string; message: string; details: ErrorDetail[] };
  meta: { request_id: string };
}
