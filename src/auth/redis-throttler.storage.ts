import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis from 'ioredis';

/**
 * Fixed-window counter plus block marker, updated in one Lua call so that several Lantern
 * instances behind a load balancer share one limit per key. Times returned in seconds, like
 * the built-in in-memory storage.
 */
const SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local block = redis.call('PTTL', KEYS[2])
if block <= 0 and hits > tonumber(ARGV[2]) and tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  block = tonumber(ARGV[3])
end
return { hits, ttl, block }
`;

export class RedisThrottlerStorage implements ThrottlerStorage {
  /** Open storages, closed by AuthModule on shutdown (the throttler module owns the instances). */
  static readonly open = new Set<RedisThrottlerStorage>();
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix = 'lantern:throttle:') {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2 });
    RedisThrottlerStorage.open.add(this);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}${throttlerName}:${key}`;
    const [hits, ttlMs, blockMs] = (await this.redis.eval(SCRIPT, 2, `${base}:hits`, `${base}:block`, ttl, limit, blockDuration)) as [
      number,
      number,
      number,
    ];
    const blocked = blockMs > 0;
    return {
      totalHits: hits,
      timeToExpire: Math.max(0, Math.ceil(ttlMs / 1000)),
      isBlocked: blocked,
      timeToBlockExpire: blocked ? Math.ceil(blockMs / 1000) : 0,
    };
  }

  async close(): Promise<void> {
    RedisThrottlerStorage.open.delete(this);
    await this.redis.quit().catch(() => undefined);
  }
}
