/**
 * Limits that need their own configuration: body size (413), per-key rate limit (429 with
 * Retry-After) and the request time budget (504 with the credits refunded), on SQLite and PostgreSQL.
 */
import request from 'supertest';
import { CreditLedgerEntity } from '../src/persistence/entities/credit-ledger.entity';
import { describeEachDatabase, Driver } from './support/databases';
import { DOC_EXAMPLE, startTestApp, TestApp } from './support/test-app';

const ROUTE = '/api/v1/ai/analysis';

describeEachDatabase('request limits', (driver: Driver) => {
  describe('body limit and rate limit', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(driver, { LANTERN_BODY_LIMIT: '4kb', LANTERN_RATE_LIMIT: '3' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers 413 for a body over LANTERN_BODY_LIMIT, without charging', async () => {
      const { key, accountId } = await t.customer();
      const logs = Array.from({ length: 100 }, (_, i) => ({ ...DOC_EXAMPLE.events.logs[0], n: i }));
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send({ events: { logs } }).expect(413);
      expect(res.body.error.code).toBe('payload_too_large');
      expect(res.body.meta.request_id).toMatch(/^req_/);
      expect(await t.credits.balance(accountId)).toBe(500);
    });

    it('answers 429 with Retry-After once a key exceeds its per-minute limit; other keys are unaffected', async () => {
      const first = await t.customer();
      const second = await t.customer();
      const send = (key: string) => request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE);
      for (let i = 0; i < 3; i++) expect((await send(first.key)).status).toBe(200);
      const limited = await send(first.key).expect(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(await t.credits.balance(first.accountId)).toBe(500 - 3 * 15);
      expect((await send(second.key)).status).toBe(200);
    });
  });

  describe('time budget', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(driver, { LANTERN_TIMEOUT_MS: '1' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers 504 past LANTERN_TIMEOUT_MS and refunds the credits, as the ledger shows', async () => {
      const { key, accountId } = await t.customer({ credits: 500 });
      // Enough events that parsing and validation alone outlast a 1 ms budget.
      const logs = Array.from({ length: 3000 }, (_, i) => ({ ...DOC_EXAMPLE.events.logs[i % 3], seq: i }));
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send({ events: { logs } }).expect(504);
      expect(res.body.error.code).toBe('analysis_timeout');
      expect(await t.credits.balance(accountId)).toBe(500);
      const ledger = await t.dataSource.getRepository(CreditLedgerEntity).find({ where: { accountId }, order: { id: 'ASC' } });
      expect(ledger.map((r) => [r.reason, r.delta, r.requestId])).toEqual([
        ['grant', 500, null],
        ['reserve', -15, res.body.meta.request_id],
        ['refund', 15, res.body.meta.request_id],
      ]);
    });
  });
});
