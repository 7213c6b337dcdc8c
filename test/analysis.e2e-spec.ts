/**
 * POST /api/v1/ai/analysis end to end, through the real Nest app, on SQLite and PostgreSQL:
 * the contract of the API document, every error of the envelope, credits and their ledger.
 */
import request from 'supertest';
import { CreditLedgerEntity } from '../src/persistence/entities/credit-ledger.entity';
import { generateApiKey } from '../src/auth/api-key-format';
import { describeEachDatabase, Driver } from './support/databases';
import { DOC_EXAMPLE, startTestApp, TestApp } from './support/test-app';

const ROUTE = '/api/v1/ai/analysis';

function expectEnvelope(body: Record<string, any>, status: number, code: string): void {
  expect(Object.keys(body).sort()).toEqual(['error', 'meta']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(Array.isArray(body.error.details)).toBe(true);
  expect(body.meta.request_id).toMatch(/^req_[0-9a-f-]{36}$/);
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/); // never a stack trace
  void status;
}

async function ledgerOf(t: TestApp, accountId: string): Promise<CreditLedgerEntity[]> {
  return t.dataSource.getRepository(CreditLedgerEntity).find({ where: { accountId }, order: { id: 'ASC' } });
}

describeEachDatabase('analysis API', (driver: Driver) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(driver);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('the API document example', () => {
    it('answers 200 with exactly the documented fields and charges 15 of 500 credits', async () => {
      const { key } = await t.customer({ credits: 500 });
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);

      expect(Object.keys(res.body).sort()).toEqual(['data', 'meta']);
      const { data, meta } = res.body;
      expect(Object.keys(data).sort()).toEqual(
        ['attack_mapping', 'impact', 'indicators', 'recommendations', 'root_cause', 'severity', 'summary', 'timeline'],
      );
      for (const field of ['summary', 'impact', 'root_cause']) expect(typeof data[field]).toBe('string');
      expect(['info', 'low', 'medium', 'high', 'critical']).toContain(data.severity);
      expect(data.timeline.length).toBeGreaterThan(0);
      for (const step of data.timeline) {
        expect(typeof step.timestamp).toBe('string');
        expect(typeof step.description).toBe('string');
      }
      for (const indicator of data.indicators) {
        for (const field of ['type', 'value', 'role']) expect(typeof indicator[field]).toBe('string');
      }
      for (const mapping of data.attack_mapping) {
        expect(mapping.technique_id).toMatch(/^T\d{4}(\.\d{3})?$/);
        expect(typeof mapping.name).toBe('string');
        expect(typeof mapping.tactic).toBe('string');
        expect(typeof mapping.confidence).toBe('number');
      }
      expect(data.recommendations.every((r: unknown) => typeof r === 'string')).toBe(true);

      expect(meta.credits_used).toBe(15);
      expect(meta.credits_remaining).toBe(485);
      expect(typeof meta.processing_time_ms).toBe('number');
      expect(meta.request_id).toMatch(/^req_/);
      expect(res.headers['x-request-id']).toBe(meta.request_id);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(meta.formats).toEqual(expect.any(Object));
      expect(meta.narrative.source).toMatch(/^(llm|deterministic)$/);
    });

    it('finds the attacker, target, account and recon tool of the example', async () => {
      const { key } = await t.customer();
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);
      const roles = Object.fromEntries(res.body.data.indicators.map((i: any) => [i.value, i.role]));
      expect(roles['185.220.101.42']).toBe('attacker');
      expect(roles['10.0.1.15']).toBe('target');
      const techniques = res.body.data.attack_mapping.map((m: any) => m.technique_id);
      expect(techniques).toContain('T1033');
    });

    it('serves the same route at /v1/ai/analysis, with a fresh request id each time', async () => {
      const { key } = await t.customer({ credits: 500 });
      const first = await request(t.server).post('/v1/ai/analysis').set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);
      const second = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);
      expect(first.body.meta.credits_remaining).toBe(485);
      expect(second.body.meta.credits_remaining).toBe(470);
      expect(first.body.meta.request_id).not.toBe(second.body.meta.request_id);
    });

    it('accepts events under any key, and line strings', async () => {
      const { key } = await t.customer();
      const body = {
        events: {
          alerts: [{ timestamp: '2026-04-03T14:25:00Z', source: 'endpoint', action: 'process_create', host: 'srv-prod-01', process: 'whoami.exe', parent: 'cmd.exe', user: 'admin' }],
          syslog: ['Apr  3 14:22:00 srv-prod-01 sshd[811]: Accepted password for admin from 185.220.101.42 port 51234 ssh2'],
        },
      };
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(body).expect(200);
      expect(res.body.meta.credits_used).toBe(15);
    });
  });

  describe('400 validation (nothing charged)', () => {
    let key: string;
    let accountId: string;
    beforeAll(async () => {
      ({ key, accountId } = await t.customer({ credits: 100 }));
    });
    afterAll(async () => {
      expect(await t.credits.balance(accountId)).toBe(100);
    });

    const post = (body: unknown) =>
      request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json').send(JSON.stringify(body));

    it.each([
      ['events is missing', { context: 'x' }, 'events'],
      ['events is not an object', { events: 'logs' }, 'events'],
      ['events is an array', { events: [{ a: 1 }] }, 'events'],
      ['scope is not one of incident, campaign, artifact', { ...DOC_EXAMPLE, scope: 'everything' }, 'scope'],
      ['context is not a string', { ...DOC_EXAMPLE, context: 42 }, 'context'],
      ['context is too long', { ...DOC_EXAMPLE, context: 'x'.repeat(4001) }, 'context'],
      ['an unknown top-level field is sent', { ...DOC_EXAMPLE, verbose: true }, 'verbose'],
      ['events holds no events', { events: { logs: [] } }, 'events'],
      ['an event is a number', { events: { logs: [{ a: 1 }, 42] } }, 'events.logs[1]'],
      ['an events entry is neither an array nor a string', { events: { logs: { a: 1 } } }, 'events.logs'],
    ])('answers 400 naming the field when %s', async (_what, body, field) => {
      const res = await post(body).expect(400);
      expectEnvelope(res.body, 400, 'invalid_request');
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
      expect(res.body.error.message).toContain(field.replace(/\[.*$/, ''));
    });

    it('answers 400 for absurdly nested events', async () => {
      let nested: Record<string, unknown> = { leaf: true };
      for (let i = 0; i < 40; i++) nested = { n: nested };
      const res = await post({ events: { logs: [nested] } }).expect(400);
      expectEnvelope(res.body, 400, 'invalid_request');
      expect(res.body.error.message).toContain('nested more than 32 levels');
    });

    it('answers 400 (not 500) for nesting deep enough to overflow a recursive walker', async () => {
      const depth = 5000;
      const text = `{"events":{"logs":[${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}]}}`;
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json').send(text);
      expect(res.status).toBe(400);
      expectEnvelope(res.body, 400, 'invalid_request');
    });

    it('answers 400 for a body that is not an object', async () => {
      const res = await post([DOC_EXAMPLE]).expect(400);
      expectEnvelope(res.body, 400, 'invalid_request');
      expect(res.body.error.message).toContain('JSON object');
    });

    it('answers 400 for malformed JSON', async () => {
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json').send('{"events": {').expect(400);
      expectEnvelope(res.body, 400, 'invalid_request');
      expect(res.body.error.message).toBe('Request body is not valid JSON.');
    });
  });

  describe('401 authentication', () => {
    it('answers 401 when the key is missing', async () => {
      const res = await request(t.server).post(ROUTE).send(DOC_EXAMPLE).expect(401);
      expectEnvelope(res.body, 401, 'unauthenticated');
      expect(res.body.error.details[0].reason).toBe('missing');
    });

    it.each([
      ['a non-Bearer scheme', 'Basic dXNlcjpwYXNz'],
      ['a key of the wrong shape', 'Bearer sk-dfir-your-key-here'],
      ['a key with a bad checksum', `Bearer ${withBadChecksum(generateApiKey().key)}`],
    ])('answers 401 malformed for %s', async (_what, header) => {
      const res = await request(t.server).post(ROUTE).set('Authorization', header).send(DOC_EXAMPLE).expect(401);
      expectEnvelope(res.body, 401, 'unauthenticated');
      expect(res.body.error.details[0].reason).toBe('malformed');
    });

    it('answers 401 for a well-formed key nobody issued', async () => {
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${generateApiKey().key}`).send(DOC_EXAMPLE).expect(401);
      expect(res.body.error.details[0].reason).toBe('unknown');
    });

    it('answers 401 for a revoked key, which worked before', async () => {
      const { key, prefix } = await t.customer();
      await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);
      await t.keys.revoke(prefix);
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(401);
      expect(res.body.error.details[0].reason).toBe('revoked');
    });
  });

  describe('403 authorisation', () => {
    it('answers 403 when the key lacks ai:read', async () => {
      const { key, accountId } = await t.customer({ scopes: [] });
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(403);
      expectEnvelope(res.body, 403, 'insufficient_scope');
      expect(res.body.error.message).toContain('ai:read');
      expect(await t.credits.balance(accountId)).toBe(500);
    });

    it('answers 403 for the Free plan', async () => {
      const { key, accountId } = await t.customer({ plan: 'free' });
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(403);
      expectEnvelope(res.body, 403, 'plan_not_allowed');
      expect(await t.credits.balance(accountId)).toBe(500);
    });

    it.each(['professional', 'enterprise'] as const)('serves the %s plan', async (plan) => {
      const { key } = await t.customer({ plan });
      await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);
    });
  });

  describe('402 credits', () => {
    it('answers 402 when the balance is below 15 and changes nothing', async () => {
      const { key, accountId } = await t.customer({ credits: 14 });
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(402);
      expectEnvelope(res.body, 402, 'insufficient_credits');
      expect(res.body.error.details[0]).toEqual(expect.objectContaining({ required: 15, balance: 14 }));
      expect(await t.credits.balance(accountId)).toBe(14);
      expect((await ledgerOf(t, accountId)).map((r) => r.reason)).toEqual(['grant']);
    });

    it('lets exactly 20 of 50 concurrent requests through on 300 credits; the balance ends at 0 and the ledger agrees', async () => {
      const { key, accountId } = await t.customer({ credits: 300 });
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE)),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(20);
      expect(statuses.filter((s) => s === 402)).toHaveLength(30);
      expect(await t.credits.balance(accountId)).toBe(0);
      const ledger = await ledgerOf(t, accountId);
      expect(ledger.reduce((sum, row) => sum + row.delta, 0)).toBe(0);
      expect(ledger.filter((r) => r.reason === 'reserve')).toHaveLength(20);
      expect(ledger.every((r) => r.balanceAfter >= 0)).toBe(true);
      const remaining = responses.filter((r) => r.status === 200).map((r) => r.body.meta.credits_remaining).sort((a, b) => a - b);
      expect(remaining).toEqual(Array.from({ length: 20 }, (_, i) => i * 15));
    });
  });

  describe('415 and 404', () => {
    it('answers 415 for a body that is not JSON, before charging', async () => {
      const { key, accountId } = await t.customer();
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).set('Content-Type', 'text/plain').send('events').expect(415);
      expectEnvelope(res.body, 415, 'unsupported_media_type');
      expect(await t.credits.balance(accountId)).toBe(500);
    });

    it('accepts a +json media type', async () => {
      const { key } = await t.customer();
      await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/vnd.lantern+json').send(JSON.stringify(DOC_EXAMPLE)).expect(200);
    });

    it('answers 415 for a form post', async () => {
      const { key } = await t.customer();
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).type('form').send({ events: 'x' }).expect(415);
      expectEnvelope(res.body, 415, 'unsupported_media_type');
    });

    it('answers unknown routes with the envelope', async () => {
      const res = await request(t.server).get('/api/v1/nothing').expect(404);
      expectEnvelope(res.body, 404, 'not_found');
    });
  });

  describe('GET /api/v1/account', () => {
    it('shows plan, balance and the ledger of the calling key, free of charge, newest first', async () => {
      const { key } = await t.customer({ credits: 500 });
      const analysis = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);
      const res = await request(t.server).get('/api/v1/account').set('Authorization', `Bearer ${key}`).expect(200);
      expect(res.body.data).toEqual(expect.objectContaining({ plan: 'starter', credits_remaining: 485, scopes: ['ai:read'], key_prefix: key.slice(0, 17) }));
      expect(res.body.data.ledger.map((e: any) => [e.reason, e.delta, e.request_id])).toEqual([
        ['reserve', -15, analysis.body.meta.request_id],
        ['grant', 500, null],
      ]);
      expect(res.body.meta.request_id).toBe(res.headers['x-request-id']);
      await request(t.server).get('/v1/account?ledger=0').set('Authorization', `Bearer ${key}`).expect(200);
    });

    it('is open to every plan and scope, but not without a key', async () => {
      const { key } = await t.customer({ plan: 'free', scopes: [] });
      const res = await request(t.server).get('/api/v1/account').set('Authorization', `Bearer ${key}`).expect(200);
      expect(res.body.data.plan).toBe('free');
      await request(t.server).get('/api/v1/account').expect(401);
    });

    it('answers 400 for a bad ledger limit', async () => {
      const { key } = await t.customer();
      const res = await request(t.server).get('/api/v1/account?ledger=all').set('Authorization', `Bearer ${key}`).expect(400);
      expect(res.body.error.details[0].field).toBe('ledger');
    });
  });

  describe('operations', () => {
    it('reports liveness at /health and database readiness at /ready', async () => {
      expect((await request(t.server).get('/health').expect(200)).body).toEqual({ status: 'ok' });
      const ready = await request(t.server).get('/ready').expect(200);
      expect(ready.body.status).toBe('ok');
    });

    it('serves Swagger UI at /docs and the OpenAPI document with the bearer scheme and error codes', async () => {
      await request(t.server).get('/docs').expect(200).expect('Content-Type', /html/);
      const doc = (await request(t.server).get('/docs/openapi.json').expect(200)).body;
      const op = doc.paths['/api/v1/ai/analysis'].post;
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '402', '403', '413', '415', '429', '504']));
      expect(doc.components.securitySchemes['api-key']).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
      expect(doc.components.schemas.AnalysisRequestDto.properties.scope.enum).toEqual(['incident', 'campaign', 'artifact']);
    });

    it('exposes Prometheus metrics: requests by route and status, analyses, credits', async () => {
      const { key } = await t.customer();
      await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);
      const res = await request(t.server).get('/metrics').expect(200).expect('Content-Type', /text\/plain/);
      expect(res.text).toMatch(/lantern_http_requests_total\{method="POST",route="\/api\/v1\/ai\/analysis",status="200"\} \d+/);
      expect(res.text).toMatch(/lantern_analyses_total\{outcome="ok",narrative="deterministic"\} \d+/);
      expect(res.text).toMatch(/lantern_credits_total\{kind="reserved"\} \d+/);
      expect(res.text).not.toContain(key.slice(17));
    });

    it('logs every line of a request with its request id, and never the key or the events', async () => {
      const { key } = await t.customer();
      const before = t.logs.length;
      const res = await request(t.server).post(ROUTE).set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);
      const lines = t.logs.slice(before).map((l) => JSON.parse(l));
      const mine = lines.filter((l) => l.request_id === res.body.meta.request_id);
      expect(mine.length).toBeGreaterThanOrEqual(2); // the service's line and the access line
      const text = t.logs.slice(before).join('\n');
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(17));
      expect(text).not.toContain('185.220.101.42');
      expect(text).not.toContain('whoami.exe');
    });
  });
});

/** The key with its last checksum character changed (never to the character it already was). */
function withBadChecksum(key: string): string {
  return key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
}
