/**
 * LANTERN_ENGINE_WORKERS > 0: the engine runs in worker threads. The API answers as usual, and an
 * analysis past its budget is cut (504, refunded) while the server keeps answering other requests.
 */
import request from 'supertest';
import { DOC_EXAMPLE, startTestApp, TestApp } from './support/test-app';

describe('engine in worker threads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { LANTERN_ENGINE_WORKERS: '1', LANTERN_TIMEOUT_MS: '3000' });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('answers the API document example', async () => {
    const { key } = await t.customer();
    const res = await request(t.server).post('/api/v1/ai/analysis').set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);
    expect(res.body.meta.credits_remaining).toBe(485);
    expect(res.body.data.indicators.map((i: { value: string }) => i.value)).toContain('185.220.101.42');
  });

  it('cuts an analysis past its budget with 504 and a refund, while /health keeps answering', async () => {
    const { key, accountId } = await t.customer();
    const logs = Array.from({ length: 30_000 }, (_, i) => ({ ...DOC_EXAMPLE.events.logs[i % 3], src_ip: `185.220.${i % 200}.${i % 250}`, seq: i }));
    const slow = request(t.server).post('/api/v1/ai/analysis').set('Authorization', `Bearer ${key}`).send({ events: { logs } });
    const pending = slow.then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await request(t.server).get('/health').expect(200);
    const res = await pending;
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('analysis_timeout');
    expect(await t.credits.balance(accountId)).toBe(500);
  }, 120_000);
});
