import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

export function newRequestId(): string {
  return `req_${randomUUID()}`;
}

export interface RequestWithId {
  id?: string | number | object;
  /** Epoch ms when the request arrived: the start of its time budget. */
  receivedAt?: number;
}

/** Gives every request a fresh id (response header, logs, error envelope, meta) before anything else runs, plus safe caching headers. */
export function requestIdMiddleware(req: IncomingMessage & RequestWithId, res: ServerResponse, next: () => void): void {
  const id = newRequestId();
  req.id = id;
  req.receivedAt = Date.now();
  res.setHeader(REQUEST_ID_HEADER, id);
  // Analyses describe a customer's incident: never cache them, never let a browser sniff them.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}

export function requestIdOf(req: RequestWithId | undefined): string {
  return typeof req?.id === 'string' ? req.id : 'req_unknown';
}
