import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { ApiError } from '../common/api-error';
import type { RequestWithPrincipal } from './principal';

/** The framework's ThrottlerGuard, keyed by API key (after authentication) instead of client IP. */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = (req as RequestWithPrincipal).principal;
    return principal ? `key:${principal.keyId}` : `ip:${String(req.ip)}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new ApiError(429, 'rate_limited', `Rate limit of ${detail.limit} requests per minute exceeded; retry in ${retryAfter} s.`, [
      { message: 'per-key rate limit exceeded', limit: detail.limit, retry_after_seconds: retryAfter },
    ]);
  }
}
