/**
 * Hostile and malformed bodies against POST /api/v1/ai/analysis on the real app (SQLite):
 * every one must get a 4xx error envelope (never a 5xx, never a crash) and leave the balance
 * untouched; odd-but-valid event shapes must get a 200 charged exactly 15 credits.
 * Ends with a seeded random-shape fuzz loop (deterministic, bounded).
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { DOC_EXAMPLE, startTestApp, TestApp } from './support/test-app';

const ROUTE = '/api/v1/ai/analysis';
const BODY_LIMIT_BYTES = 1024 * 1024;
const COST = 15;

let t: TestApp;
let customer: { key: string; accountId: string };
let expectedBalance: number;


function post(): request.Test {
  return request(t.server).post(ROUTE).set('Authorization', `Bearer ${customer.key}`);
}

/** What the assertions read of a response (supertest's or postRaw's). */
interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Sends exactly these bytes with these headers (supertest would re-serialise a Buffer as JSON). */
function postRaw(body: Buffer | string, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Promise<Answer> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const { port } = t.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: ROUTE, headers: { Authorization: `Bearer ${customer.key}`, 'Content-Length': String(bytes.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = { raw: text };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}

/** A 4xx in the error envelope, and not a credit spent. */
async function expectRejected(res: Answer, status?: number): Promise<Answer> {
  if (res.status >= 500 || res.status < 400) throw new Error(`expected a 4xx, got ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
  if (status !== undefined) expect(res.status).toBe(status);
  expect(typeof res.body.error?.code).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
  expect(res.body.meta.request_id).toMatch(/^req_/);
  expect(await t.credits.balance(customer.accountId)).toBe(expectedBalance);
  return res;
}

/** A 200 with an analysis, charged exactly once. */
async function expectAnalysed(res: Answer): Promise<Answer> {
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
  expectedBalance -= COST;
  expect(res.body.meta.credits_used).toBe(COST);
  expect(await t.credits.balance(customer.accountId)).toBe(expectedBalance);
  expect(typeof res.body.data.summary).toBe('string');
  return res;
}

/** Whatever the outcome, it is not a 5xx and the balance moved by exactly 0 or 15. */
async function expectHandled(res: Answer): Promise<void> {
  if (res.status >= 500) throw new Error(`5xx ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
  if (res.status === 200) expectedBalance -= COST;
  else expect(res.body.error?.code).toEqual(expect.any(String));
  expect(await t.credits.balance(customer.accountId)).toBe(expectedBalance);
}

function nested(depth: number): unknown {
  let value: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

function nestedJsonText(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** mulberry32: small, seeded, good enough to spread shapes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELD_NAMES = [
  'timestamp', '@timestamp', 'time', 'source', 'action', 'user', 'src_ip', 'dst_ip', 'dst_port', 'host', 'process', 'parent',
  'EventID', 'Channel', 'Image', 'CommandLine', 'ParentImage', 'TargetUserName', 'eventName', 'eventSource', 'Records',
  'Event', 'System', 'EventData', 'message', 'query', '__proto__', 'constructor', 'prototype', 'length', '', 'x',
];
const STRINGS = [
  '', ' ', '2026-04-03T14:20:00Z', '185.220.101.42', '10.0.1.15', 'powershell.exe -enc SQBFAFgA', 'cmd.exe', 'admin',
  'Apr  3 14:20:01 h sshd[1]: Failed password for root from 1.2.3.4 port 2 ssh2', '\u0000', '\u202E', '💥', '\uD800',
  'null', 'NaN', '-1', '1e309', '::1', '999.999.999.999', 'Security', '4625', 'x'.repeat(300),
];

function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 4 || r < 0.35) return STRINGS[Math.floor(next() * STRINGS.length)];
  if (r < 0.45) return Math.floor((next() - 0.5) * 1e6) / (next() < 0.5 ? 1 : 7);
  if (r < 0.5) return next() < 0.5;
  if (r < 0.55) return null;
  if (r < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const obj: Record<string, unknown> = {};
  const n = Math.floor(next() * 6);
  for (let i = 0; i < n; i++) obj[FIELD_NAMES[Math.floor(next() * FIELD_NAMES.length)]] = randomValue(next, depth + 1);
  return obj;
}

function randomBody(next: () => number): unknown {
  const r = next();
  if (r < 0.1) return randomValue(next, 0);
  const body: Record<string, unknown> = {};
  if (r < 0.75) {
    const events: Record<string, unknown> = {};
    const sources = 1 + Math.floor(next() * 3);
    for (let s = 0; s < sources; s++) {
      const items = Array.from({ length: Math.floor(next() * 6) }, () => (next() < 0.8 ? randomValue(next, 3) : randomValue(next, 0)));
      events[next() < 0.8 ? `src${s}` : FIELD_NAMES[Math.floor(next() * FIELD_NAMES.length)]] = next() < 0.9 ? items : randomValue(next, 1);
    }
    body.events = events;
  } else {
    body.events = randomValue(next, 0);
  }
  if (next() < 0.3) body.scope = next() < 0.5 ? 'incident' : randomValue(next, 3);
  if (next() < 0.3) body.context = next() < 0.5 ? 'Production' : randomValue(next, 3);
  return body;
}

describe.each([
  ['the engine on the event loop', '0'],
  ['the engine in a worker thread (the default)', '1'],
])('with %s', (_mode, workers) => {
  beforeAll(async () => {
    t = await startTestApp('sqlite', { LANTERN_BODY_LIMIT: '1mb', LANTERN_RATE_LIMIT: '1000000', LANTERN_ENGINE_WORKERS: workers });
    await t.app.listen(0, '127.0.0.1');
    customer = await t.customer({ credits: 100_000 });
    expectedBalance = 100_000;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('hostile bodies on POST /api/v1/ai/analysis', () => {
    describe('a body that is not an object', () => {
      it.each([
        ['an array', '[1,2,3]'],
        ['an array of events', JSON.stringify([DOC_EXAMPLE.events.logs[0]])],
        ['a string', '"events"'],
        ['a number', '42'],
        ['null', 'null'],
        ['true', 'true'],
      ])('%s is a 400 naming the body', async (_name, text) => {
        const res = await expectRejected(await postRaw(text), 400);
        expect(res.body.error.message).toMatch(/JSON object|not valid JSON/);
      });
    });

    describe('events missing or of the wrong shape', () => {
      it.each([
        ['missing', { context: 'x' }, /events is required/],
        ['null', { events: null }, /events/],
        ['an array', { events: [DOC_EXAMPLE.events.logs[0]] }, /events must be an object/],
        ['a string', { events: 'Apr  3 14:20:00 host sshd[1]: Failed password' }, /events must be an object/],
        ['a number', { events: 7 }, /events must be an object/],
        ['an empty object', { events: {} }, /at least one event/],
        ['an object with only empty arrays', { events: { logs: [], alerts: [] } }, /at least one event/],
        ['an object with only blank strings', { events: { syslog: '   \n  ' } }, /at least one event/],
        ['an object holding an object', { events: { logs: { a: 1 } } }, /events\.logs must be an array/],
        ['an object holding a number', { events: { logs: 5 } }, /events\.logs must be an array/],
        ['an object holding null', { events: { logs: null } }, /events\.logs must be an array/],
      ])('events %s is a 400 naming the problem', async (_name, body, message) => {
        const res = await expectRejected(await post().send(body), 400);
        expect(res.body.error.message).toMatch(message);
        expect(res.body.error.details[0].field).toMatch(/^events/);
      });

      it.each([
        ['numbers', [1, 2, 3]],
        ['booleans', [true, false]],
        ['nulls', [null]],
        ['nested arrays', [[DOC_EXAMPLE.events.logs[0]]]],
        ['a mix with one bad item', [DOC_EXAMPLE.events.logs[0], 12]],
      ])('events that are %s are a 400 naming the item', async (_name, logs) => {
        const res = await expectRejected(await post().send({ events: { logs } }), 400);
        expect(res.body.error.details[0].field).toMatch(/^events\.logs\[\d+\]$/);
        expect(res.body.error.details[0].message).toMatch(/must be an event object/);
      });
    });

    describe('deep, huge and wide bodies', () => {
      it('a body nested 10,000 levels deep is a 400, not a stack overflow', async () => {
        const res = await expectRejected(await postRaw(`{"events":{"logs":[${nestedJsonText(10_000)}]}}`), 400);
        expect(res.body.error.message).toMatch(/nested more than/);
      });

      it('arrays nested 100,000 levels deep are a 400', async () => {
        await expectRejected(await postRaw(`{"events":{"logs":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}}`), 400);
      });

      it('a top-level value nested 10,000 levels deep is a 400', async () => {
        const res = await expectRejected(await postRaw(`{"context":${nestedJsonText(10_000)},"events":{"logs":[{"a":1}]}}`), 400);
        expect(res.body.error.message).toMatch(/nested more than/);
      });

      it('an event nested 40 levels deep is a 400 naming the event', async () => {
        const res = await expectRejected(await post().send({ events: { logs: [nested(40)] } }), 400);
        expect(res.body.error.details[0].field).toMatch(/^events\.logs\[0\]/);
      });

      it('an event nested 20 levels deep is analysed', async () => {
        await expectAnalysed(await post().send({ events: { logs: [{ ...DOC_EXAMPLE.events.logs[0], extra: nested(20) }] } }));
      });

      it('a string just under the body limit is analysed', async () => {
        const big = 'A'.repeat(BODY_LIMIT_BYTES - 400);
        await expectAnalysed(await post().send({ events: { logs: [{ ...DOC_EXAMPLE.events.logs[1], message: big }] } }));
      });

      it('a string just over the body limit is a 413', async () => {
        const big = 'A'.repeat(BODY_LIMIT_BYTES + 10);
        await expectRejected(await post().send({ events: { logs: [{ message: big }] } }), 413);
      });

      it('an event with 20,000 keys is analysed', async () => {
        const wide: Record<string, unknown> = { ...DOC_EXAMPLE.events.logs[1] };
        for (let i = 0; i < 20_000; i++) wide[`k${i}`] = `v${i}`;
        await expectAnalysed(await post().send({ events: { logs: [wide] } }));
      });

      it('an events object with 5,000 keys is analysed', async () => {
        const events: Record<string, unknown[]> = {};
        for (let i = 0; i < 5_000; i++) events[`source_${i}`] = [{ ...DOC_EXAMPLE.events.logs[i % 3], seq: i }];
        await expectAnalysed(await post().send({ events }));
      });

      it('a string of 50,000 one-character log lines is analysed', async () => {
        await expectAnalysed(await post().send({ events: { syslog: 'x\n'.repeat(50_000) } }));
      });
    });

    describe('strange characters and keys', () => {
      it('unicode, bidi overrides, NUL and lone surrogates in values and keys are analysed', async () => {
        const odd = {
          timestamp: '2026-04-03T14:22:00Z',
          source: 'auth',
          action: 'login_success',
          user: 'ad\u202Emin\u0000\u200B',
          src_ip: '185.220.101.42',
          'k\u0000ey': '\uD800 lone surrogate',
          '': 'empty key',
          emoji: '💥🔥'.repeat(100),
          rtl: 'مرحبا\u202Bשלום',
          control: '\u0001\u0002\u001b[31mred',
        };
        await expectAnalysed(await post().send({ events: { logs: [odd] }, context: 'ctx\u0000\u202E' }));
      });

      it('__proto__ and constructor keys neither pollute nor fail', async () => {
        const text =
          '{"events":{"logs":[{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},' +
          '"timestamp":"2026-04-03T14:22:00Z","user":"admin","action":"login_success","src_ip":"185.220.101.42"}],' +
          '"__proto__":[{"x":1}]},"__proto__":{"isAdmin":true}}';
        const res = await postRaw(text);
        await expectHandled(res);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      });

      it('a top-level __proto__ key alone is a 400 (events missing)', async () => {
        await expectRejected(await postRaw('{"__proto__":{"events":{"logs":[{"a":1}]}}}'), 400);
      });

      it('events named constructor / toString / hasOwnProperty are analysed', async () => {
        const text = `{"events":{"constructor":[${JSON.stringify(DOC_EXAMPLE.events.logs[0])}],"toString":["a line"],"hasOwnProperty":[{"a":1}]}}`;
        await expectAnalysed(await postRaw(text));
      });

      it('duplicate keys: the last one wins, as in JSON.parse', async () => {
        await expectRejected(await postRaw('{"events":{"logs":[{"a":1}]},"events":[]}'), 400);
        await expectAnalysed(await postRaw(`{"events":[],"events":{"logs":[${JSON.stringify(DOC_EXAMPLE.events.logs[0])}]}}`));
      });
    });

    describe('bytes that are not (valid) JSON', () => {
      it('invalid UTF-8 inside a string is analysed (replaced by U+FFFD)', async () => {
        const head = Buffer.from('{"events":{"logs":[{"user":"', 'utf8');
        const tail = Buffer.from('","action":"login_success","src_ip":"185.220.101.42"}]}}', 'utf8');
        await expectHandled(await postRaw(Buffer.concat([head, Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), tail])));
      });

      it('invalid UTF-8 outside strings is a 400', async () => {
        await expectRejected(await postRaw(Buffer.concat([Buffer.from('{"events":'), Buffer.from([0xff, 0xfe]), Buffer.from('}')])), 400);
      });

      it.each([
        ['truncated', '{"events":{"logs":[{"a":1}'],
        ['a trailing comma', '{"events":{"logs":[{"a":1},]}}'],
        ['single quotes', "{'events':{}}"],
        ['NaN', '{"events":{"logs":[{"a":NaN}]}}'],
        ['a comment', '{"events":{"logs":[]} /* x */}'],
        ['two documents', '{"events":{}}{"events":{}}'],
        ['whitespace only', '   '],
      ])('JSON with %s is a 400', async (_name, text) => {
        const res = await expectRejected(await postRaw(text), 400);
        expect(res.body.error.message).toMatch(/JSON/);
      });

      it('Content-Type: application/json with an empty body is a 400 naming the body', async () => {
        const res = await expectRejected(await post().set('Content-Type', 'application/json').set('Content-Length', '0'), 400);
        expect(res.body.error.message).toMatch(/JSON object|events/);
      });

      it('a UTF-8 BOM and nothing else reads as an empty body: a 400 naming events', async () => {
        const res = await expectRejected(await postRaw('\uFEFF'), 400);
        expect(res.body.error.details.map((d: { field?: string }) => d.field)).toContain('events');
      });

      it('a UTF-8 BOM before a valid body is analysed', async () => {
        await expectAnalysed(await postRaw(`\uFEFF${JSON.stringify(DOC_EXAMPLE)}`));
      });

      it('no body and no Content-Type is a 400', async () => {
        await expectRejected(await post(), 400);
      });

      it('a charset other than utf-8 is a 415 naming the charset problem', async () => {
        const res = await expectRejected(await postRaw(JSON.stringify(DOC_EXAMPLE), { 'Content-Type': 'application/json; charset=iso-8859-1' }), 415);
        expect(res.body.error.message).toMatch(/charset/i);
      });

      it('charset=utf-8 (any case) is accepted', async () => {
        await expectAnalysed(await postRaw(JSON.stringify(DOC_EXAMPLE), { 'Content-Type': 'application/json; charset=UTF-8' }));
      });

      it('a gzip Content-Encoding body is decoded and analysed', async () => {
        await expectAnalysed(await postRaw(gzipSync(JSON.stringify(DOC_EXAMPLE)), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }));
      });

      it('a gzip header over bytes that are not gzip is a 400 naming the encoding', async () => {
        const res = await expectRejected(await postRaw(JSON.stringify(DOC_EXAMPLE), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }), 400);
        expect(res.body.error.message).toMatch(/Content-Encoding/);
      });

      it('a truncated gzip body is a 400', async () => {
        const zipped = gzipSync(JSON.stringify(DOC_EXAMPLE));
        await expectRejected(await postRaw(zipped.subarray(0, zipped.length - 20), { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }), 400);
      });

      it('a gzip bomb (small on the wire, over the limit inflated) is a 413', async () => {
        const bomb = gzipSync(Buffer.concat([Buffer.from('{"events":{"logs":["'), Buffer.alloc(20 * BODY_LIMIT_BYTES, 0x41), Buffer.from('"]}}')]));
        expect(bomb.length).toBeLessThan(BODY_LIMIT_BYTES / 10);
        await expectRejected(await postRaw(bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }), 413);
      });

      it('an unknown Content-Encoding is a 415', async () => {
        const res = await expectRejected(await postRaw(JSON.stringify(DOC_EXAMPLE), { 'Content-Type': 'application/json', 'Content-Encoding': 'br-unknown' }), 415);
        expect(res.body.error.message).toMatch(/encoding/i);
      });

      it('text/plain is a 415', async () => {
        await expectRejected(await postRaw(JSON.stringify(DOC_EXAMPLE), { 'Content-Type': 'text/plain' }), 415);
      });
    });

    describe('scope and context', () => {
      it.each([
        ['scope a number', { scope: 3 }, /scope must be one of/],
        ['scope unknown', { scope: 'everything' }, /scope must be one of/],
        ['scope an array', { scope: ['incident'] }, /scope must be one of/],
        ['scope null', { scope: null }, undefined],
        ['context too long', { context: 'x'.repeat(4001) }, /context must be at most 4000/],
        ['context a number', { context: 12 }, /context must be a string/],
        ['context an object', { context: { a: 1 } }, /context must be a string/],
        ['an unknown top-level field', { tenant: 'x' }, /unknown field tenant/],
      ])('%s', async (_name, extra, message) => {
        const res = await post().send({ events: DOC_EXAMPLE.events, ...extra });
        if (message === undefined) return expectHandled(res);
        await expectRejected(res, 400);
        expect(res.body.error.message).toMatch(message);
      });

      it('a context of exactly 4000 characters is analysed', async () => {
        await expectAnalysed(await post().send({ events: DOC_EXAMPLE.events, context: 'x'.repeat(4000) }));
      });
    });

    describe('odd but valid event formats get a 200', () => {
      it('syslog lines as strings (array and one multi-line string)', async () => {
        const lines = [
          'Apr  3 14:20:01 srv-prod-01 sshd[2211]: Failed password for root from 185.220.101.42 port 51514 ssh2',
          'Apr  3 14:20:05 srv-prod-01 sshd[2211]: Accepted password for admin from 185.220.101.42 port 51514 ssh2',
          '<34>1 2026-04-03T14:22:00Z srv-prod-01 sudo - - - admin : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/bash',
        ];
        const res = await expectAnalysed(await post().send({ events: { syslog: lines } }));
        expect(res.body.meta.formats).toBeDefined();
        await expectAnalysed(await post().send({ events: { syslog: lines.join('\n') } }));
      });

      it('a CloudTrail Records wrapper', async () => {
        const trail = {
          Records: [
            {
              eventVersion: '1.08',
              eventTime: '2026-04-03T14:20:00Z',
              eventSource: 'iam.amazonaws.com',
              eventName: 'CreateAccessKey',
              awsRegion: 'us-east-1',
              sourceIPAddress: '185.220.101.42',
              userIdentity: { type: 'IAMUser', userName: 'admin', arn: 'arn:aws:iam::123456789012:user/admin' },
              requestParameters: { userName: 'backup' },
            },
            {
              eventVersion: '1.08',
              eventTime: '2026-04-03T14:21:00Z',
              eventSource: 'cloudtrail.amazonaws.com',
              eventName: 'StopLogging',
              awsRegion: 'us-east-1',
              sourceIPAddress: '185.220.101.42',
              userIdentity: { type: 'IAMUser', userName: 'admin' },
            },
          ],
        };
        await expectAnalysed(await post().send({ events: { cloudtrail: [trail] } }));
        await expectAnalysed(await post().send({ events: { cloudtrail: trail.Records } }));
      });

      it('nested EVTX-style Windows events (Event.System / Event.EventData)', async () => {
        const evtx = {
          Event: {
            System: {
              Provider: { Name: 'Microsoft-Windows-Security-Auditing' },
              EventID: 4625,
              TimeCreated: { SystemTime: '2026-04-03T14:20:00.000Z' },
              Channel: 'Security',
              Computer: 'dc01.corp.local',
            },
            EventData: {
              Data: [
                { Name: 'TargetUserName', '#text': 'administrator' },
                { Name: 'IpAddress', '#text': '185.220.101.42' },
                { Name: 'LogonType', '#text': '10' },
              ],
            },
          },
        };
        await expectAnalysed(await post().send({ events: { windows: [evtx, evtx, evtx] } }));
      });

      it('events with no timestamp, wrong-typed timestamps and absurd dates', async () => {
        await expectAnalysed(
          await post().send({
            events: {
              logs: [
                { message: 'no time at all' },
                { timestamp: 12, user: 'a' },
                { timestamp: -1e308, user: 'b' },
                { timestamp: '9999-99-99T99:99:99Z', user: 'c' },
                { timestamp: { $date: 1 }, user: 'd' },
                { timestamp: ['2026-04-03T14:20:00Z'], src_ip: '999.1.1.1' },
                { '@timestamp': '2026-04-03T14:20:00Z', src_ip: '::ffff:185.220.101.42', dst_port: 'not-a-port' },
              ],
            },
          }),
        );
      });

      it('fields with strange types where strings are expected', async () => {
        await expectAnalysed(
          await post().send({
            events: {
              logs: [
                { process: 12, parent: null, user: ['a', 'b'], src_ip: { ip: '1.2.3.4' }, host: true, CommandLine: 1e400 === Infinity ? 0 : 1 },
                { EventID: '4688', Channel: 'Security', NewProcessName: null, CommandLine: ['powershell', '-enc'] },
                { EventID: 1, Image: { path: 'x' }, CommandLine: { nested: ['a'] }, Hashes: 42 },
                { source: 'firewall', action: { allow: true }, dst_port: -5, src_ip: '', dst_ip: 7 },
              ],
            },
          }),
        );
      });
    });
  });

  describe('seeded random-shape fuzz', () => {
    const ITERATIONS = 200;
    it(`${ITERATIONS} random bodies (seed 20260403): never a 5xx, balance moves only on 200`, async () => {
      const next = rng(20260403);
      const statuses: Record<number, number> = {};
      for (let i = 0; i < ITERATIONS; i++) {
        const body = randomBody(next);
        const text = JSON.stringify(body) ?? 'null';
        const res = await postRaw(text);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        try {
          await expectHandled(res);
        } catch (err) {
          throw new Error(`iteration ${i}, body ${text.slice(0, 2000)}: ${(err as Error).message}`);
        }
      }
      // Both outcomes occur, so the loop exercises the engine as well as the validation.
      expect(statuses[200]).toBeGreaterThan(10);
      expect(statuses[400]).toBeGreaterThan(10);
    });
  });
});
