import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { requestIdOf, RequestWithId } from './request-id';

/**
 * `{ requestId, receivedAt, signal }` of the current request (id and arrival time set by
 * requestIdMiddleware). `signal` aborts when the client goes away before the response is sent,
 * so downstream work that costs money (a model call) can stop early.
 */
export const RequestContext = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const http = ctx.switchToHttp();
  const req = http.getRequest<RequestWithId>();
  const res = http.getResponse<ServerResponse>();
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return { requestId: requestIdOf(req), receivedAt: req.receivedAt ?? Date.now(), signal: controller.signal };
});
