import { classifyFailure, retryAfterMs } from './errors';

const httpError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`${status} status code`), { status, headers: new Headers(headers) });

describe('classifyFailure', () => {
  it('sorts HTTP statuses into rate limits, server errors and refusals', () => {
    expect(classifyFailure(httpError(429, { 'retry-after': '2' }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2000 });
    expect(classifyFailure(httpError(503))).toMatchObject({ kind: 'server_error' });
    expect(classifyFailure(httpError(401))).toMatchObject({ kind: 'rejected' });
    expect(classifyFailure(Object.assign(new Error('busy'), { status_code: 500 }))).toMatchObject({ kind: 'server_error' });
  });

  it('recognises unparseable answers as malformed', () => {
    expect(classifyFailure(new SyntaxError('Unexpected end of JSON input'))).toMatchObject({ kind: 'malformed' });
    expect(classifyFailure(Object.assign(new Error('bad'), { name: 'OutputParserException' }))).toMatchObject({ kind: 'malformed' });
  });

  it('recognises a provider that cannot be reached', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(classifyFailure(refused)).toMatchObject({ kind: 'unreachable' });
  });

  it('does not retry what it does not understand', () => {
    expect(classifyFailure(new TypeError('x is not a function'))).toMatchObject({ kind: 'rejected' });
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    expect(retryAfterMs(httpError(429, { 'retry-after-ms': '150' }))).toBe(150);
    expect(retryAfterMs(httpError(429, { 'retry-after': '1.5' }))).toBe(1500);
    const now = Date.parse('2026-04-03T14:20:00Z');
    expect(retryAfterMs(httpError(429, { 'retry-after': 'Fri, 03 Apr 2026 14:20:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(httpError(429))).toBeUndefined();
  });
});
