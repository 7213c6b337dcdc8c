/**
 * The API with an LLM narrator configured (an OpenAI-compatible server on 127.0.0.1 that the test
 * starts): the model's narrative is served with its provenance in meta; a model slower than the
 * request budget is cut and the deterministic narrative is served in time, still charged once.
 */
import request from 'supertest';
import { startOpenAiMock, MockHandler, OpenAiMock } from '../src/llm/testing/openai-mock-server';
import { DOC_EXAMPLE, startTestApp, TestApp } from './support/test-app';

const GROUNDED = {
  summary: 'An attacker at 185.220.101.42 logged in over SSH as admin on 10.0.1.15 and ran whoami.exe on srv-prod-01.',
  impact: 'The admin account on a production server handling customer data is under attacker control.',
  root_cause: 'Password logins over SSH were reachable from the internet for the admin account.',
  recommendations: ['Isolate srv-prod-01.', 'Reset the admin credentials.', 'Block 185.220.101.42 at the perimeter.'],
};

describe('narrative by an LLM over HTTP', () => {
  let mock: OpenAiMock;
  let t: TestApp;

  async function start(handler: MockHandler, env: Record<string, string> = {}) {
    mock = await startOpenAiMock(handler);
    t = await startTestApp('sqlite', {
      LANTERN_LLM_PROVIDER: 'openai',
      LANTERN_LLM_MODEL: 'local-test-model',
      LANTERN_LLM_BASE_URL: mock.baseUrl,
      LANTERN_LLM_API_KEY: 'sk-local-test',
      LANTERN_LLM_SAFETY_MARGIN_MS: '300',
      ...env,
    });
  }

  afterEach(async () => {
    await t?.close();
    await mock?.close();
  });

  it('serves the model narrative with provenance llm in meta', async () => {
    await start(() => ({ content: JSON.stringify(GROUNDED) }));
    const { key } = await t.customer();
    const res = await request(t.server).post('/api/v1/ai/analysis').set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE).expect(200);
    expect(res.body.meta.narrative).toEqual(expect.objectContaining({ source: 'llm', model: 'local-test-model' }));
    expect(res.body.data.summary).toBe(GROUNDED.summary);
    expect(res.body.meta.credits_used).toBe(15);
    expect(mock.requests.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(mock.requests[0].headers)).not.toContain(key);
  });

  it('falls back to the deterministic narrative when the model is slower than the request budget', async () => {
    await start(() => ({ content: JSON.stringify(GROUNDED), delayMs: 30_000 }), { LANTERN_TIMEOUT_MS: '5000', LANTERN_LLM_SAFETY_MARGIN_MS: '1000' });
    const { key, accountId } = await t.customer();
    const res = await request(t.server).post('/api/v1/ai/analysis').set('Authorization', `Bearer ${key}`).send(DOC_EXAMPLE);
    expect(res.status).toBe(200);
    expect(res.body.meta.narrative.source).toBe('deterministic');
    expect(res.body.meta.narrative.fallback_reason).toEqual(expect.any(String));
    expect(res.body.data.summary).not.toBe(GROUNDED.summary);
    expect(await t.credits.balance(accountId)).toBe(485);
  });
});
