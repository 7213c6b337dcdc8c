/** First start outside production: one Starter account with 500 credits and a working key. */
import request from 'supertest';
import { seedIfEmpty } from '../src/main';
import { DOC_EXAMPLE, startTestApp, TestApp } from './support/test-app';

describe('first start', () => {
  let t: TestApp;
  let stdout: jest.SpyInstance;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    stdout.mockRestore();
    await t?.close();
  });

  it('creates a Starter account with 500 credits, prints its key once, and the key works', async () => {
    const key = await seedIfEmpty(t.app, { ...t.config, seed: true });
    expect(key).toMatch(/^lnt_live_/);
    expect(stdout.mock.calls.map((c) => String(c[0])).join('')).toContain(key!);
    expect(t.logs.join('\n')).not.toContain(key!);
    const accounts = await t.accounts.list();
    expect(accounts.map((a) => [a.plan, a.balance])).toEqual([['starter', 500]]);
    const res = await request(t.server).post('/api/v1/ai/analysis').set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);
    expect(res.body.meta.credits_remaining).toBe(485);
  });

  it('does nothing once an account exists, and never in production', async () => {
    expect(await seedIfEmpty(t.app, { ...t.config, seed: true })).toBeUndefined();
    expect(await seedIfEmpty(t.app, { ...t.config, seed: false, production: true })).toBeUndefined();
  });
});

describe('readiness', () => {
  it('answers /ready with 503 and the failing check when the database is gone, while /health stays 200', async () => {
    const t = await startTestApp('sqlite');
    try {
      await t.dataSource.destroy();
      await request(t.server).get('/health').expect(200);
      const res = await request(t.server).get('/ready').expect(503);
      expect(res.body.error.code).toBe('service_unavailable');
      expect(res.body.error.details[0]).toEqual(expect.objectContaining({ field: 'database', status: 'down' }));
      expect(res.body.meta.request_id).toMatch(/^req_/);
    } finally {
      await t.close();
    }
  });
});

describe('API documentation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves Swagger UI at /docs with its assets, and /docs/ redirects there (its relative asset links would break)', async () => {
    const page = await request(t.server).get('/docs').expect(200);
    expect(page.text).toContain('./docs/swagger-ui-bundle.js');
    await request(t.server).get('/docs/swagger-ui-bundle.js').expect(200);
    const slash = await request(t.server).get('/docs/').expect(301);
    expect(slash.headers.location).toBe('/docs');
    const spec = await request(t.server).get('/docs/openapi.json').expect(200);
    expect(Object.keys(spec.body.paths)).toContain('/api/v1/ai/analysis');
  });
});
