import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { requestIdOf, RequestWithId } from './request-id';

/** `{ requestId, receivedAt }` of the current request (set by requestIdMiddleware). */
export const RequestContext = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<RequestWithId>();
  return { requestId: requestIdOf(req), receivedAt: req.receivedAt ?? Date.now() };
});
