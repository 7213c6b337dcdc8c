import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Requests carrying a body must say it is JSON (application/json or +json); anything else is 415. */
export function jsonOnlyMiddleware(req: IncomingMessage, _res: ServerResponse, next: (err?: unknown) => void): void {
  if (!BODY_METHODS.has(req.method ?? '') || !hasBody(req)) return next();
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return next();
  next(
    new ApiError(415, 'unsupported_media_type', 'Request body must be JSON (Content-Type: application/json).', [
      { field: 'Content-Type', message: type ? `"${type}" is not supported` : 'header is missing' },
    ]),
  );
}
