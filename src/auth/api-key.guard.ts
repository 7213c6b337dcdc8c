import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { ApiKeysService } from './api-keys.service';
import type { RequestWithPrincipal } from './principal';

const MESSAGES = {
  missing: 'Missing API key: send "Authorization: Bearer <key>".',
  malformed: 'Malformed API key: expected "Authorization: Bearer lnt_live_...".',
  unknown: 'Invalid API key.',
  revoked: 'This API key has been revoked.',
} as const;

interface HeaderRequest extends RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
}

/** Authentication: resolves the bearer key to a principal, or answers 401 saying which of missing/malformed/unknown/revoked. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<HeaderRequest>();
    const header = req.headers.authorization;
    if (header === undefined || header === '') throw unauthenticated('missing');
    const match = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    if (!match) throw unauthenticated('malformed');
    const check = await this.keys.verify(match[1]);
    if (!check.ok) throw unauthenticated(check.reason);
    req.principal = check.principal;
    return true;
  }
}

function unauthenticated(reason: keyof typeof MESSAGES): ApiError {
  return new ApiError(401, 'unauthenticated', MESSAGES[reason], [{ field: 'Authorization', message: MESSAGES[reason], reason }]);
}
