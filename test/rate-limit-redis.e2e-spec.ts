/**
 * With REDIS_URL set, instances behind a load balancer share one per-key limit:
 * two app instances on the same database and Redis, alternating requests, refuse the 4th of a limit of 3.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describeWithRedis, REDIS_URL } from './support/databases';
import { DOC_EXAMPLE, startTestApp, TestApp } from './support/test-app';

describeWithRedis('rate limit shared through Redis', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lantern-e2e-redis-'));
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const env = { REDIS_URL, LANTERN_RATE_LIMIT: '3' };
    a = await startTestApp('sqlite', env, { dataDir });
    b = await startTestApp('sqlite', env, { dataDir });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts requests of one key across instances and answers 429 with Retry-After', async () => {
    const { key } = await a.customer();
    const send = (t: TestApp) => request(t.server).post('/api/v1/ai/analysis').set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE);
    expect((await send(a)).status).toBe(200);
    expect((await send(b)).status).toBe(200);
    expect((await send(a)).status).toBe(200);
    const limited = await send(b);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
