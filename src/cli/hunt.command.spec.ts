import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { chunking } from './hunt.chunks';
import { correlationHold } from './hunt.correlation-hold';
import { type HuntOptions, runHunt, threadCount } from './hunt.command';
import { documentLimits, wevtutilLimits } from './hunt.input';
import { correlationLoad } from './hunt.file';
import { holding } from './hunt.parallel';
import type { CommandIO } from './hunt.io';

const WHOAMI_RULE = `title: Whoami Execution
id: 0c1f1a8e-1111-4111-8111-000000000001
name: whoami_exec
level: low
tags: [attack.discovery, attack.t1033]
logsource: {product: windows, category: process_creation}
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`;

const NET_RULE = `title: Net User Enumeration
id: 0c1f1a8e-1111-4111-8111-000000000002
name: net_user
level: high
tags: [attack.discovery, attack.t1087]
logsource: {product: windows, category: process_creation}
detection:
  selection:
    CommandLine|contains: 'net user'
  condition: selection
`;

const RECON_CORRELATION = `title: Repeated Discovery By One User
id: 0c1f1a8e-1111-4111-8111-000000000003
level: medium
correlation:
  type: event_count
  rules: [whoami_exec]
  group-by: [User]
  timespan: 5m
  condition: {gte: 2}
  generate: true
`;

/** A keyword rule on sshd lines, for the plain-text log tests. */
const SSHD_FAILED_RULE = `title: SSH Failed Password\nid: 0c1f1a8e-1111-4111-8111-000000000009\nlevel: low\nlogsource: {product: linux, service: sshd}\ndetection:\n  keywords: ['Failed password']\n  condition: keywords\n`;

function sysmon(index: number, user: string, image: string, commandLine: string): Record<string, unknown> {
  return {
    timestamp: new Date(Date.parse('2024-03-01T10:00:00+02:00') + index * 60_000).toISOString(),
    source: 'sysmon',
    EventID: 1,
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    Computer: 'ws1',
    Image: image,
    CommandLine: commandLine,
    User: user,
  };
}

const EVENTS = [
  sysmon(0, 'CORP\\alice', 'C:\\Windows\\System32\\whoami.exe', 'whoami /all'),
  sysmon(1, 'CORP\\bob', 'C:\\Windows\\System32\\notepad.exe', 'notepad'),
  sysmon(2, 'CORP\\alice', 'C:\\Windows\\System32\\whoami.exe', 'whoami /priv'),
  sysmon(3, 'CORP\\alice', 'C:\\Windows\\System32\\net.exe', 'net user /domain'),
];

interface Captured {
  io: CommandIO;
  out: () => string;
  err: () => string;
}

function capture(stdin: Readable = Readable.from([])): Captured {
  let out = '';
  let err = '';
  const io: CommandIO = {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    stdin,
    stderrIsTTY: false,
    now: () => 0,
  };
  return { io, out: () => out, err: () => err };
}

/** `bytes` in pieces of `size` bytes, as a stream may deliver them. */
function inPieces(bytes: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  return pieces;
}

function lines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

describe('lantern hunt', () => {
  let dir: string;
  let rules: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lantern-hunt-'));
    rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'whoami.yml'), WHOAMI_RULE);
    writeFileSync(join(rules, 'net_user.yml'), NET_RULE);
    writeFileSync(join(rules, 'recon.yml'), RECON_CORRELATION);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, content: string | Buffer): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  const jsonl = (): string => EVENTS.map((e) => JSON.stringify(e)).join('\n') + '\n';

  it('writes one JSON object per hit on stdout, in the documented shape, and a summary on stderr', async () => {
    const input = file('events.jsonl', jsonl());
    const { io, out, err } = capture();
    expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
    expect(lines(out())).toEqual([
      {
        rule_id: '0c1f1a8e-1111-4111-8111-000000000001',
        title: 'Whoami Execution',
        level: 'low',
        tags: ['attack.discovery', 'attack.t1033'],
        event_index: 0,
        timestamp: '2024-03-01T08:00:00.000Z',
        file: input,
      },
      {
        rule_id: '0c1f1a8e-1111-4111-8111-000000000001',
        title: 'Whoami Execution',
        level: 'low',
        tags: ['attack.discovery', 'attack.t1033'],
        event_index: 2,
        timestamp: '2024-03-01T08:02:00.000Z',
        file: input,
      },
      {
        rule_id: '0c1f1a8e-1111-4111-8111-000000000002',
        title: 'Net User Enumeration',
        level: 'high',
        tags: ['attack.discovery', 'attack.t1087'],
        event_index: 3,
        timestamp: '2024-03-01T08:03:00.000Z',
        file: input,
      },
      {
        rule_id: '0c1f1a8e-1111-4111-8111-000000000003',
        title: 'Repeated Discovery By One User',
        level: 'medium',
        type: 'correlation',
        correlation_type: 'event_count',
        group: { User: 'CORP\\alice' },
        event_indices: [0, 2],
        file: input,
        first_time: '2024-03-01T08:00:00.000Z',
        last_time: '2024-03-01T08:02:00.000Z',
      },
    ]);
    expect(err()).toMatch(/^hunt: 4 events from 1 input\(s\); 3 rules loaded .*; 3 detections, 1 correlations; .* events\/s/m);
  });

  it('reads a JSON array and an analysis request body with the same event indices', async () => {
    const array = file('events.json', JSON.stringify(EVENTS, null, 2));
    const request = file('request.json', JSON.stringify({ events: { logs: EVENTS }, context: 'test' }, null, 2));
    // An event list wrapped as {"events": [...]}, as a document and as one JSON Lines line.
    const wrapped = file('wrapped.json', JSON.stringify({ events: EVENTS }, null, 2));
    const wrappedLine = file('wrapped.jsonl', `${JSON.stringify({ events: EVENTS })}\n`);
    for (const input of [array, request, wrapped, wrappedLine]) {
      const { io, out } = capture();
      expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
      const indices = lines(out()).map((hit) => (hit as { event_index?: number; event_indices?: number[] }).event_index ?? (hit as { event_indices: number[] }).event_indices);
      expect(indices).toEqual([0, 2, 3, [0, 2]]);
    }
  });

  it('draws progress on stderr only when stderr is a terminal, and clears it before the summary', async () => {
    const input = file('events.jsonl', jsonl());
    const quiet = capture();
    expect(await runHunt([input], { rules: [rules] }, quiet.io)).toBe(0);
    expect(quiet.err().split('\n').filter(Boolean)).toHaveLength(1);

    const tty = capture();
    let clock = 0;
    const io = { ...tty.io, stderrIsTTY: true, now: () => (clock += 1000) };
    expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
    expect(tty.err()).toMatch(/^(\r\x1b\[Khunting [^\r]*events\.jsonl \d+%: \d events, [\d,]+ events\/s)+\r\x1b\[Khunt: 4 events/);
  });

  it('reads standard input for -', async () => {
    const { io, out } = capture(Readable.from([Buffer.from(jsonl())]));
    expect(await runHunt(['-'], { rules: [rules] }, io)).toBe(0);
    expect(lines(out())).toHaveLength(4);
    expect((lines(out())[0] as { file: string }).file).toBe('-');
  });

  it('streams JSON Lines: a detection is written before the input ends', async () => {
    const stdin = new PassThrough();
    const { io, out } = capture(stdin);
    const done = runHunt(['-'], { rules: [rules] }, io);
    stdin.write(`${JSON.stringify(EVENTS[0])}\n`);
    for (let i = 0; i < 50 && out() === ''; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(lines(out())).toHaveLength(1);
    stdin.end(`${JSON.stringify(EVENTS[2])}\n`);
    expect(await done).toBe(0);
    expect(lines(out())).toHaveLength(3);
  });

  it('streams plain-text logs: a detection is written before the input ends, blank lines are not events', async () => {
    writeFileSync(join(rules, 'sshd.yml'), SSHD_FAILED_RULE);
    const stdin = new PassThrough();
    const { io, out } = capture(stdin);
    const done = runHunt(['-'], { rules: [rules] }, io);
    stdin.write('Mar  1 10:00:00 web1 sshd[10]: Failed password for root from 203.0.113.7 port 4000 ssh2\n\n');
    for (let i = 0; i < 50 && out() === ''; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(lines(out())).toHaveLength(1);
    stdin.end('Mar  1 10:00:05 web1 sshd[11]: Accepted password for root from 203.0.113.7 port 4001 ssh2\nMar  1 10:00:09 web1 sshd[12]: Failed password for bob from 203.0.113.7 port 4002 ssh2\n');
    expect(await done).toBe(0);
    expect(lines(out()).map((hit) => (hit as { event_index: number }).event_index)).toEqual([0, 2]);
  });

  it('reads logs whose first line opens with a bracket as log lines, not as a broken JSON or XML document', async () => {
    writeFileSync(join(rules, 'sshd.yml'), SSHD_FAILED_RULE);
    const failed = 'web1 sshd[10]: Failed password for root from 203.0.113.7 port 4000 ssh2';
    const apache = file('mixed.log', `[Fri Mar 01 10:00:00.000000 2024] [core:error] [pid 1] [client 203.0.113.7:1234] AH00126: Invalid URI in request\nMar  1 10:00:01 ${failed}\n`);
    const priority = file('pri.log', `<38>Mar  1 10:00:02 ${failed}\n`);
    const { io, out, err } = capture();
    expect(await runHunt([apache, priority], { rules: [rules] }, io)).toBe(0);
    expect(lines(out())).toEqual([expect.objectContaining({ file: apache, event_index: 1 }), expect.objectContaining({ file: priority, event_index: 0 })]);
    expect(err()).toMatch(/hunt: 3 events from 2 input\(s\)/);
  });

  it('streams a JSON array: a detection is written before the array is closed', async () => {
    const stdin = new PassThrough();
    const { io, out } = capture(stdin);
    const done = runHunt(['-'], { rules: [rules] }, io);
    // One line, no newline: the array is recognised by its opening, not at the end of its first line.
    stdin.write(`[${JSON.stringify(EVENTS[0])}, {"Event`);
    for (let i = 0; i < 50 && out() === ''; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(lines(out())).toHaveLength(1);
    stdin.end(`ID": 1}, ${JSON.stringify(EVENTS[2])}]`);
    expect(await done).toBe(0);
    expect(lines(out()).map((hit) => (hit as { event_index: number }).event_index)).toEqual([0, 2]);
  });

  it('reads the log lines of a JSON array of strings, several lines to a string, as the whole-document reading did', async () => {
    writeFileSync(join(rules, 'sshd.yml'), SSHD_FAILED_RULE);
    const failed = (n: number): string => `Mar  1 10:00:0${n} web1 sshd[1${n}]: Failed password for root from 203.0.113.7 port 400${n} ssh2`;
    const input = file('lines.json', JSON.stringify([failed(1), `${failed(2)}\nMar  1 10:00:03 web1 sshd[13]: Accepted password for root from 203.0.113.7 port 4003 ssh2`, failed(4)]));
    const { io, out, err } = capture();
    expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
    expect(lines(out()).map((hit) => (hit as { event_index: number }).event_index)).toEqual([0, 1, 3]);
    expect(err()).toMatch(/hunt: 4 events from 1 input/);
  });

  it('names the array element that is not valid JSON, after hunting the elements before it', async () => {
    const input = file('bad-element.json', `[${JSON.stringify(EVENTS[0])},\n {"EventID": tru}]`);
    const { io, out, err } = capture();
    expect(await runHunt([input], { rules: [rules] }, io)).toBe(1);
    expect(lines(out())).toHaveLength(1);
    expect(err()).toMatch(/^lantern hunt: .*bad-element\.json: not valid JSON \(array element 1: /m);
  });

  it('streams Windows event XML one <Event> at a time, pretty-printed or on one line, as the request-body reading finds it', async () => {
    writeFileSync(
      join(rules, 'logon-failed.yml'),
      `title: Failed Logon\nid: 0c1f1a8e-1111-4111-8111-00000000000b\nlevel: low\nlogsource: {product: windows, service: security}\ndetection:\n  selection:\n    EventID: 4625\n    TargetUserName: backup\n  condition: selection\n`,
    );
    const event = (id: number, user: string): string =>
      `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">\n  <System><Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>${id}</EventID><TimeCreated SystemTime="2026-02-09T23:10:00.000Z"/><Channel>Security</Channel><Computer>RDS-01</Computer></System>\n  <EventData><Data Name="TargetUserName">${user}</Data><Data Name="IpAddress">80.94.95.112</Data></EventData>\n</Event>`;
    const events = [event(4625, 'backup'), event(4624, 'backup'), event(4625, 'admin'), event(4625, 'backup')];
    const pretty = `\ufeff<?xml version="1.0" encoding="utf-8"?>\n<Events>\n${events.join('\n')}\n</Events>\n`;
    const oneLine = events.map((e) => e.replace(/\n\s*/g, '')).join('');
    const request = file('request.json', JSON.stringify({ events: { evtx: pretty.slice(1) } }, null, 2));
    const indices = async (input: string, stdin?: Readable): Promise<number[]> => {
      const { io, out } = capture(stdin);
      expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
      return lines(out()).map((hit) => (hit as { event_index: number }).event_index);
    };
    expect(await indices(request)).toEqual([0, 3]);
    expect(await indices(file('pretty.xml', pretty))).toEqual([0, 3]);
    expect(await indices(file('one-line.xml', oneLine))).toEqual([0, 3]);
    const bytes = Buffer.from(pretty);
    for (const size of [1, 7, 100]) {
      const pieces = inPieces(bytes, size);
      expect(await indices('-', Readable.from(pieces))).toEqual([0, 3]);
    }
    // The first event's hit is written before the input ends.
    const stdin = new PassThrough();
    const { io, out } = capture(stdin);
    const done = runHunt(['-'], { rules: [rules] }, io);
    stdin.write(oneLine.slice(0, oneLine.indexOf('</Event>') + 20));
    for (let i = 0; i < 50 && out() === ''; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(lines(out())).toHaveLength(1);
    stdin.end(oneLine.slice(oneLine.indexOf('</Event>') + 20));
    expect(await done).toBe(0);
    expect(lines(out())).toHaveLength(2);
  });

  it('reads the events of a CloudTrail log file and of a search response, pretty-printed, on one line or gzipped', async () => {
    writeFileSync(
      join(rules, 'cloudtrail.yml'),
      `title: CloudTrail Stopped\nid: 0c1f1a8e-1111-4111-8111-00000000000c\nlevel: high\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  selection:\n    eventSource: cloudtrail.amazonaws.com\n    eventName: StopLogging\n  condition: selection\n`,
    );
    const record = (name: string): Record<string, unknown> => ({ eventVersion: '1.08', eventTime: '2024-03-01T10:00:00Z', eventSource: name === 'StopLogging' ? 'cloudtrail.amazonaws.com' : 'iam.amazonaws.com', eventName: name, awsRegion: 'us-east-1', userIdentity: { type: 'IAMUser', userName: 'alice' } });
    const trail = { Records: [record('ListUsers'), record('StopLogging'), record('GetUser'), record('StopLogging')] };
    const search = { took: 3, hits: { total: { value: 4 }, hits: trail.Records.map((r, i) => ({ _index: 'cloudtrail', _id: String(i), _source: r })) } };
    const inputs = [
      file('trail.json', JSON.stringify(trail, null, 2)),
      file('trail-line.json', `${JSON.stringify(trail)}\n`),
      file('trail.json.gz', gzipSync(JSON.stringify(trail))),
      file('search.json', JSON.stringify(search, null, 2)),
    ];
    for (const input of inputs) {
      const { io, out, err } = capture();
      expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
      expect(lines(out()).map((hit) => (hit as { event_index: number }).event_index)).toEqual([1, 3]);
      expect(err()).toMatch(/hunt: 4 events from 1 input/);
    }
  });

  it('reads paging exports as collections, and streams a large collection document element by element', async () => {
    writeFileSync(
      join(rules, 'cloudtrail.yml'),
      `title: CloudTrail Stopped\nid: 0c1f1a8e-1111-4111-8111-00000000000c\nlevel: high\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  selection:\n    eventSource: cloudtrail.amazonaws.com\n    eventName: StopLogging\n  condition: selection\n`,
    );
    const record = (name: string, i: number): Record<string, unknown> => ({ eventVersion: '1.08', eventTime: `2024-03-01T10:00:0${i}Z`, eventSource: name === 'StopLogging' ? 'cloudtrail.amazonaws.com' : 'iam.amazonaws.com', eventName: name, awsRegion: 'us-east-1', userIdentity: { type: 'IAMUser', userName: 'alice' } });
    const records = ['ListUsers', 'StopLogging', 'GetUser', 'StopLogging'].map(record);
    const hunt = async (input: string): Promise<{ code: number; indices: number[]; err: string }> => {
      const { io, out, err } = capture();
      const code = await runHunt([input], { rules: [rules] }, io);
      return { code, indices: lines(out()).map((hit) => (hit as { event_index: number }).event_index), err: err() };
    };
    const exports = {
      // As `aws cloudtrail lookup-events` writes it: a summary of each record, the record itself as JSON text.
      lookup: JSON.stringify(
        {
          Events: records.map((r, i) => ({ EventId: `id-${i}`, EventName: r.eventName, ReadOnly: 'false', EventTime: r.eventTime, EventSource: r.eventSource, Username: 'alice', Resources: [], CloudTrailEvent: JSON.stringify(r) })),
          NextToken: 'eyJ0b2tlbiI6ImEifQ==',
        },
        null,
        2,
      ),
      graph: JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs', value: records, '@odata.nextLink': 'https://graph.microsoft.com/v1.0/next' }, null, 2),
      split: JSON.stringify({ Records: records.slice(0, 2), Extra: records.slice(2) }, null, 4),
      request: JSON.stringify({ context: { case: 'IR-1' }, events: records, scope: 'aws' }, null, 2),
    };
    const saved = documentLimits.streamPast;
    try {
      for (const streamPast of [saved, 64]) {
        documentLimits.streamPast = streamPast;
        for (const [name, text] of Object.entries(exports)) {
          const result = await hunt(file(`${name}.json`, text));
          expect({ name, streamPast, ...result }).toEqual({ name, streamPast, code: 0, indices: [1, 3], err: expect.stringMatching(/hunt: 4 events from 1 input/) });
        }
        // gzipped, and cut anywhere by the stream
        expect((await hunt(file('lookup.json.gz', gzipSync(exports.lookup)))).indices).toEqual([1, 3]);
      }
      // Year-less log lines inside a collection are dated alike, streamed or read whole: by the file's year here.
      writeFileSync(join(rules, 'sshd.yml'), SSHD_FAILED_RULE);
      const yearless = file('yearless.json', JSON.stringify({ Records: [1, 2, 3].map((i) => ({ message: `Mar  ${i} 10:00:00 host sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2` })) }, null, 2));
      utimesSync(yearless, new Date('2023-06-01T00:00:00Z'), new Date('2023-06-01T00:00:00Z'));
      const dated: string[] = [];
      for (const streamPast of [saved, 64]) {
        documentLimits.streamPast = streamPast;
        const { io, out } = capture();
        expect(await runHunt([yearless], { rules: [rules], from: '2023-01-01', to: '2023-12-31' }, io)).toBe(0);
        dated.push(out());
      }
      expect(lines(dated[0])).toHaveLength(3);
      expect(dated[1]).toBe(dated[0]);
      // Past the limit, a document that turns out not to be a collection after its first events: an input error after their hits.
      documentLimits.streamPast = 64;
      const owned = Buffer.from(`${JSON.stringify({ Records: records }, null, 2).slice(0, -2)},\n  "owner": "alice"\n}\n`);
      const piped = capture(Readable.from(inPieces(owned, 100)));
      expect(await runHunt(['-'], { rules: [rules] }, piped.io)).toBe(1);
      expect(lines(piped.out()).map((hit) => (hit as { event_index: number }).event_index)).toEqual([1, 3]);
      expect(piped.err()).toMatch(/-: read as a collection of events \(a JSON document over 64 bytes\), but "owner" is not an array of events/);
      // The same document in one piece is known whole before the limit matters: one event, as any small document.
      expect(await hunt(file('owned.json', owned))).toEqual({ code: 0, indices: [], err: expect.stringMatching(/hunt: 1 events from 1 input/) });
      // Not a collection from the start: read whole, one event, as below the limit.
      const single = await hunt(file('single.json', JSON.stringify({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', eventVersion: '1.08', padding: 'x'.repeat(200), resources: [{ ARN: 'arn:aws:s3:::b' }] }, null, 2)));
      expect(single).toEqual({ code: 0, indices: [0], err: expect.stringMatching(/hunt: 1 events from 1 input/) });
      const broken = await hunt(file('broken.json', exports.lookup.replace('"ListUsers"', '"ListUsers",,')));
      expect(broken.code).toBe(1);
      expect(broken.err).toMatch(/broken\.json: not valid JSON/);
    } finally {
      documentLimits.streamPast = saved;
    }
  });

  it('reads pretty-printed objects one after another (jq\'s output), a one-line collection and long JSON Lines past the limit', async () => {
    const pretty = (events: unknown[]): string => events.map((e) => JSON.stringify(e, null, 2)).join('\n');
    const hunt = async (input: string | Buffer, pieces = 0): Promise<{ code: number; out: string; err: string }> => {
      const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input);
      const { io, out, err } = capture(Readable.from(pieces > 0 ? inPieces(bytes, pieces) : [bytes]));
      const code = await runHunt(['-'], { rules: [rules] }, io);
      return { code, out: out(), err: err().replace(/ rules loaded in [\d.]+ s/, '').replace(/; [\d,]+ events\/s \([\d.]+ s\)/, '') };
    };
    const asLines = await hunt(EVENTS.map((e) => JSON.stringify(e)).join('\n'));
    expect(asLines.code).toBe(0);
    // jq '.[]' writes each object pretty-printed: the same events, indices and hits as JSON Lines, however cut.
    for (const pieces of [0, 1, 7, 100]) expect(await hunt(pretty(EVENTS), pieces)).toEqual(asLines);
    // A collection among them gives its events in place; a later object that breaks off or is followed by text is an error.
    const mixed = `${pretty(EVENTS.slice(0, 1))}\n${JSON.stringify({ Records: EVENTS.slice(1, 3) }, null, 2)}\n\n${pretty(EVENTS.slice(3))}\n`;
    expect((await hunt(mixed, 5)).out).toBe(asLines.out);
    const cut = await hunt(`${pretty(EVENTS.slice(0, 3))}\n{\n  "EventID": 1,\n`);
    expect(cut.code).toBe(1);
    expect(cut.err).toMatch(/-: not valid JSON \(the object after byte \d+/);
    expect(cut.out).toBe(asLines.out.split('\n').filter((l) => /"event_index":[012],/.test(l)).map((l) => `${l}\n`).join(''));
    const detectionsOnly = asLines.out.split('\n').filter((l) => !l.includes('"type":"correlation"')).join('\n');
    for (const pieces of [0, 9]) {
      // The hits of the objects before what is not JSON come first, however the input is cut.
      const trailing = await hunt(`${pretty(EVENTS)}\nnot json\n`, pieces);
      expect(trailing.code).toBe(1);
      expect(trailing.err).toMatch(/-: not valid JSON \(unexpected "n" after the JSON object that ends at byte \d+\)/);
      expect(trailing.out).toBe(detectionsOnly);
    }
    const saved = documentLimits.streamPast;
    try {
      documentLimits.streamPast = 300;
      // A collection streamed between small objects: events numbered in input order, however cut.
      for (const pieces of [0, 5, 64, 150, 400]) expect((await hunt(mixed, pieces)).out).toBe(asLines.out);
      // A first line of JSON longer than the limit: read as documents, not held as one line.
      const longFirst = [JSON.stringify({ Records: EVENTS.slice(0, 2) }), ...EVENTS.slice(2).map((e) => JSON.stringify(e))].join('\n');
      expect(Buffer.byteLength(longFirst.split('\n')[0])).toBeGreaterThan(300);
      expect(await hunt(longFirst, 64)).toEqual(asLines);
      // A one-line collection past the limit is streamed: what breaks the collection rule after it is an error after the hits before.
      const owned = await hunt(`${JSON.stringify({ Records: EVENTS }).slice(0, -1)},"owner":"alice"}\n`, 64);
      expect(owned.code).toBe(1);
      expect(owned.out).toBe(asLines.out.split('\n').filter((l) => !l.includes('"type":"correlation"')).join('\n'));
      expect(owned.err).toMatch(/"owner" is not an array of events/);
    } finally {
      documentLimits.streamPast = saved;
    }
  });

  it('--explain says which selections matched and gives the values of the fields the rule reads, in every format', async () => {
    writeFileSync(
      join(rules, 'net-filtered.yml'),
      `title: Net Outside Admin Tools\nid: 0c1f1a8e-1111-4111-8111-00000000000d\nlevel: high\nlogsource: {product: windows, category: process_creation}\ndetection:\n  selection_img:\n    Image|endswith: '\\net.exe'\n  selection_cli:\n    CommandLine|contains: ' user'\n  filter_admin:\n    User: 'CORP\\admin'\n  condition: 1 of selection_* and not filter_admin\n`,
    );
    const input = file('events.jsonl', jsonl());
    const plain = capture();
    expect(await runHunt([input], { rules: [rules], minLevel: 'high' }, plain.io)).toBe(0);
    expect(lines(plain.out())).not.toContainEqual(expect.objectContaining({ match: expect.anything() }));

    const explained = capture();
    expect(await runHunt([input], { rules: [rules], minLevel: 'high', explain: true }, explained.io)).toBe(0);
    const hits = lines(explained.out()) as Array<{ title: string; event_index: number; match?: unknown }>;
    expect(hits.find((h) => h.title === 'Net Outside Admin Tools')).toEqual(
      expect.objectContaining({
        event_index: 3,
        match: { selections: ['selection_img', 'selection_cli'], fields: { Image: 'C:\\Windows\\System32\\net.exe', CommandLine: 'net user /domain', User: 'CORP\\alice' } },
      }),
    );
    expect(hits.every((h) => h.match !== undefined)).toBe(true);

    const table = capture();
    expect(await runHunt([input], { rules: [rules], minLevel: 'high', explain: true, format: 'table' }, table.io)).toBe(0);
    expect(table.out()).toMatch(/events\.jsonl#3 {2}\[selection_img, selection_cli\] Image=C:\\Windows\\System32\\net\.exe CommandLine=net user \/domain User=CORP\\alice\n/);
    const csv = capture();
    expect(await runHunt([input], { rules: [rules], minLevel: 'high', explain: true, format: 'csv' }, csv.io)).toBe(0);
    const [header, ...rows] = csv.out().trim().split('\n');
    expect(header).toMatch(/,event_indices,match$/);
    expect(rows).toContainEqual(expect.stringMatching(/,\[selection\] CommandLine=net user \/domain$/));
  });

  it('--with-event puts each detection\'s event in it, as the rules saw it: JSON, a CSV column, the same with threads', async () => {
    const xml = `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4688</EventID><Channel>Security</Channel><Computer>dc1</Computer></System><EventData><Data Name="NewProcessName">C:\\Windows\\System32\\whoami.exe</Data><Data Name="CommandLine">whoami /all</Data></EventData></Event>`;
    const inputs = [file('events.jsonl', jsonl()), file('security.xml', xml)];
    const plain = capture();
    expect(await runHunt(inputs, { rules: [rules] }, plain.io)).toBe(0);
    expect(lines(plain.out())).not.toContainEqual(expect.objectContaining({ event: expect.anything() }));
    const withEvent = capture();
    expect(await runHunt(inputs, { rules: [rules], withEvent: true }, withEvent.io)).toBe(0);
    const hits = lines(withEvent.out()) as Array<{ title: string; file: string; event_index: number; type?: string; event?: Record<string, unknown> }>;
    const detections = hits.filter((h) => h.type === undefined);
    expect(detections.length).toBeGreaterThan(2);
    // Each event is the one at its index, whole; correlations carry none.
    for (const hit of detections.filter((h) => h.file.endsWith('.jsonl'))) expect(hit.event).toMatchObject(EVENTS[hit.event_index]);
    expect(hits.filter((h) => h.type === 'correlation').every((h) => h.event === undefined)).toBe(true);
    // An XML event: its EventData and System fields under the names rules use (4688's NewProcessName also as Image).
    expect(detections.find((h) => h.file.endsWith('.xml'))?.event).toMatchObject({ EventID: 4688, Channel: 'Security', Computer: 'dc1', CommandLine: 'whoami /all', Image: 'C:\\Windows\\System32\\whoami.exe' });
    const csv = capture();
    expect(await runHunt(inputs, { rules: [rules], withEvent: true, explain: true, format: 'csv' }, csv.io)).toBe(0);
    const [header, ...rows] = csv.out().trim().split('\n');
    expect(header).toMatch(/,match,event$/);
    const firstEvent = /,"(\{.*\})"$/.exec(rows[0])?.[1].replace(/""/g, '"');
    expect(JSON.parse(firstEvent ?? 'null')).toMatchObject(EVENTS[0]);
    const threaded = capture();
    expect(await runHunt(inputs, { rules: [rules], withEvent: true, threads: '2' }, threaded.io)).toBe(0);
    expect(threaded.out()).toBe(withEvent.out());
  });

  it('reads wevtutil\'s text export (/f:text) a record at a time, however it is cut', async () => {
    const record = (n: number, e: Record<string, unknown>): string =>
      [`Event[${n}]:`, '  Log Name: Microsoft-Windows-Sysmon/Operational', '  Source: Microsoft-Windows-Sysmon', `  Date: ${String(e.timestamp)}`, '  Event ID: 1', '  Computer: ws1', '  Description: ', 'Process Create:', `Image: ${String(e.Image)}`, `CommandLine: ${String(e.CommandLine)}`, `User: ${String(e.User)}`, ''].join('\r\n');
    const text = Buffer.from(`\ufeff${EVENTS.map((e, i) => record(i, e)).join('\r\n')}`);
    const asLines = capture();
    expect(await runHunt([file('events.jsonl', jsonl())], { rules: [rules] }, asLines.io)).toBe(0);
    const detections = (out: string): unknown[] => (lines(out) as Array<{ title: string; event_index?: number; timestamp?: string }>).map((h) => [h.title, h.event_index, h.timestamp]);
    for (const pieces of [0, 1, 13, 200]) {
      const { io, out, err } = capture(Readable.from(pieces > 0 ? inPieces(text, pieces) : [text]));
      expect(await runHunt(['-'], { rules: [rules] }, io)).toBe(0);
      expect(err()).toMatch(/hunt: 4 events from 1 input/);
      expect(detections(out())).toEqual(detections(asLines.out()));
    }
    // A command line holding an `Event[N]:` line of another number: still one record, its later fields kept.
    const forged = Buffer.from(EVENTS.map((e, i) => record(i, i === 1 ? { ...e, CommandLine: 'notepad\r\nEvent[3]:\r\n  Log Name: x' } : e)).join('\r\n'));
    for (const pieces of [0, 5]) {
      const { io, out, err } = capture(Readable.from(pieces > 0 ? inPieces(forged, pieces) : [forged]));
      expect(await runHunt(['-'], { rules: [rules] }, io)).toBe(0);
      expect(err()).toMatch(/hunt: 4 events from 1 input/);
      expect(detections(out())).toEqual(detections(asLines.out()));
    }
    // No next record for a long way: not an export after all.
    const saved = wevtutilLimits.recordMax;
    wevtutilLimits.recordMax = 300;
    try {
      const { io, err } = capture(Readable.from(inPieces(Buffer.from(`${record(0, EVENTS[0])}${'x'.repeat(400)}\r\n`), 64)));
      expect(await runHunt(['-'], { rules: [rules] }, io)).toBe(1);
      expect(err()).toMatch(/-: a wevtutil text record of more than 300 characters \(no next Event\[N\]: line\): not a wevtutil export/);
    } finally {
      wevtutilLimits.recordMax = saved;
    }
  });

  it('finds every shape after a byte order mark and blank lines, however the input is cut', async () => {
    writeFileSync(join(rules, 'sshd.yml'), SSHD_FAILED_RULE);
    const xmlEvent = (user: string): string =>
      `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>1</EventID><Channel>Microsoft-Windows-Sysmon/Operational</Channel></System><EventData><Data Name="Image">C:\\Windows\\System32\\whoami.exe</Data><Data Name="CommandLine">whoami</Data><Data Name="User">${user}</Data></EventData></Event>`;
    const shapes: Array<[string, string, number]> = [
      ['JSON Lines', EVENTS.map((e) => JSON.stringify(e)).join('\r\n'), 4],
      ['a JSON array', JSON.stringify(EVENTS, null, 2), 4],
      ['a request body', JSON.stringify({ events: { logs: EVENTS } }, null, 2), 4],
      ['event XML', `<Events>\n${xmlEvent('a')}\n${xmlEvent('b')}</Events>`, 2],
      ['a plain-text log', 'Mar  1 10:00:00 web1 sshd[10]: Failed password for root from 203.0.113.7 port 4000 ssh2\nMar  1 10:00:01 web1 sshd[11]: Failed password for root from 203.0.113.7 port 4001 ssh2', 2],
    ];
    for (const [, content, hits] of shapes) {
      const bytes = Buffer.from(`\ufeff \n\n\t\r\n${content}\n`);
      const whole = capture(Readable.from([bytes]));
      expect(await runHunt(['-'], { rules: [rules] }, whole.io)).toBe(0);
      expect(lines(whole.out())).toHaveLength(hits);
      for (const size of [1, 2, 3, 5, 64]) {
        const pieces = inPieces(bytes, size);
        const cut = capture(Readable.from(pieces));
        expect(await runHunt(['-'], { rules: [rules] }, cut.io)).toBe(0);
        expect(cut.out()).toBe(whole.out());
      }
    }
  });

  it('reads a CSV export (known by its .csv name): the header names the fields, quoted cells may hold line breaks', async () => {
    writeFileSync(
      join(rules, 'no-parent.yml'),
      `title: Whoami Without Parent\nid: 0c1f1a8e-1111-4111-8111-00000000000e\nlevel: high\nlogsource: {product: windows, category: process_creation}\ndetection:\n  selection:\n    Image|endswith: '\\whoami.exe'\n    ParentImage: null\n  condition: selection\n`,
    );
    const header = 'timestamp,source,EventID,Channel,Computer,Image,CommandLine,User,ParentImage';
    const row = (e: Record<string, unknown>, parent: string): string =>
      [e.timestamp, e.source, e.EventID, e.Channel, e.Computer, e.Image, `"${String(e.CommandLine).replace(/"/g, '""')}"`, e.User, parent].join(',');
    const csv = `\ufeff${header}\r\n${row(EVENTS[0], '')}\r\n${row({ ...EVENTS[1], CommandLine: 'notepad "a,b"\nsecond line' }, 'C:\\x.exe')}\r\n${row(EVENTS[2], 'C:\\Windows\\explorer.exe')}\r\n${row(EVENTS[3], '')}\r\n`;
    for (const input of [file('events.csv', csv), file('events.csv.gz', gzipSync(csv))]) {
      const { io, out, err } = capture();
      expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
      const hits = lines(out()) as Array<{ title: string; event_index?: number; event_indices?: number[] }>;
      // An empty cell is an absent field: only event 0's whoami has no parent.
      expect(hits.filter((h) => h.title === 'Whoami Without Parent').map((h) => h.event_index)).toEqual([0]);
      expect(hits.filter((h) => h.title === 'Whoami Execution').map((h) => h.event_index)).toEqual([0, 2]);
      expect(hits.find((h) => h.title === 'Net User Enumeration')?.event_index).toBe(3);
      expect(err()).toMatch(/hunt: 4 events from 1 input/);
    }
    // Windows PowerShell 5's Export-Csv writes a #TYPE line above the header: left out, on a file and on stdin cut small.
    const typed = Buffer.from(`\ufeff#TYPE System.Management.Automation.PSCustomObject\r\n${csv.slice(1)}`);
    for (const [input, stdin] of [[file('typed.csv', typed), undefined], ['-', Readable.from(inPieces(typed, 3))]] as const) {
      const { io, out, err } = capture(stdin);
      expect(await runHunt([input], { rules: [rules], inputFormat: input === '-' ? 'csv' : 'auto' }, io)).toBe(0);
      expect(err()).toMatch(/hunt: 4 events from 1 input/);
      expect((lines(out()) as Array<{ title: string; event_index?: number }>).filter((h) => h.title === 'Whoami Execution').map((h) => h.event_index)).toEqual([0, 2]);
    }
    const broken = capture();
    expect(await runHunt([file('broken.csv', 'a,b\n1,"x"y\n')], { rules: [rules] }, broken.io)).toBe(1);
    expect(broken.err()).toMatch(/broken\.csv: not valid CSV \(Invalid Closing Quote/);
    // JSON in a file named .csv: a clear error, and the input stream closed without an unheard error.
    const json = capture();
    expect(await runHunt([file('json.csv', `${JSON.stringify(EVENTS[0])}\n`.repeat(3))], { rules: [rules] }, json.io)).toBe(1);
    expect(json.err()).toMatch(/json\.csv: not valid CSV \(Invalid Opening Quote/);
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('--input-format says what the inputs are: CSV on stdin or under any name, strict JSON and XML, text lines', async () => {
    const header = 'timestamp,source,EventID,Channel,Computer,Image,CommandLine,User';
    const csv = `${header}\n${EVENTS.map((e) => [e.timestamp, e.source, e.EventID, e.Channel, e.Computer, e.Image, e.CommandLine, e.User].join(',')).join('\n')}\n`;
    const titles = (out: string): string[] => (lines(out) as Array<{ title: string }>).map((h) => h.title);
    // CSV on stdin, and in a file whose name does not say CSV: read as CSV only when told.
    const stdin = capture(Readable.from([Buffer.from(csv)]));
    expect(await runHunt(['-'], { rules: [rules], inputFormat: 'csv' }, stdin.io)).toBe(0);
    expect(titles(stdin.out())).toEqual(['Whoami Execution', 'Whoami Execution', 'Net User Enumeration', 'Repeated Discovery By One User']);
    const named = capture();
    expect(await runHunt([file('export.txt', csv)], { rules: [rules], inputFormat: 'CSV' }, named.io)).toBe(0);
    expect(titles(named.out())).toHaveLength(4);
    const guessed = capture();
    expect(await runHunt([file('export2.txt', csv)], { rules: [rules] }, guessed.io)).toBe(0);
    expect(guessed.out()).toBe('');
    expect(guessed.err()).toMatch(/5 events from 1 input/);
    // json: JSON Lines, arrays and documents as with auto; a line that is not JSON is an error naming the line.
    const jsonl = `\n${EVENTS.map((e) => JSON.stringify(e)).join('\n')}\n`;
    for (const text of [jsonl, JSON.stringify(EVENTS, null, 2)]) {
      const ok = capture();
      expect(await runHunt([file('events.json', text)], { rules: [rules], inputFormat: 'json' }, ok.io)).toBe(0);
      expect(titles(ok.out())).toHaveLength(4);
    }
    const brokenLine = capture();
    expect(await runHunt([file('mixed.jsonl', `${jsonl}Oct 11 22:14:15 host sshd[1]: Failed password\n`)], { rules: [rules], inputFormat: 'json' }, brokenLine.io)).toBe(1);
    expect(brokenLine.err()).toMatch(/mixed\.jsonl: line 6: not valid JSON \(not an object or a string\)/);
    // The hits before the broken line are out.
    expect(titles(brokenLine.out())).toEqual(['Whoami Execution', 'Whoami Execution', 'Net User Enumeration']);
    const notJson = capture();
    expect(await runHunt([file('export3.txt', csv)], { rules: [rules], inputFormat: 'json' }, notJson.io)).toBe(1);
    expect(notJson.err()).toMatch(/export3\.txt: line 1: not JSON \('timestamp,source,EventID/);
    const brokenString = capture();
    expect(await runHunt([file('quoted.jsonl', '\n"unterminated\nOct 11 22:14:15 host sshd[1]: Failed password\n')], { rules: [rules], inputFormat: 'json' }, brokenString.io)).toBe(1);
    expect(brokenString.err()).toMatch(/quoted\.jsonl: line 2: not JSON \('"unterminated'\)/);
    // xml: an input with no <Event> is an error, not a log of one line.
    const notXml = capture();
    expect(await runHunt([file('export4.txt', csv)], { rules: [rules], inputFormat: 'xml' }, notXml.io)).toBe(1);
    expect(notXml.err()).toMatch(/export4\.txt: no Windows event XML \(<Event> element\) found/);
    // text: one event a line, never a JSON document or array, even when the first line opens like one.
    writeFileSync(join(rules, 'sshd.yml'), SSHD_FAILED_RULE);
    const log = '[\nOct 11 22:14:15 host sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2\n';
    const asText = capture();
    expect(await runHunt([file('auth.log', log)], { rules: [rules], inputFormat: 'text' }, asText.io)).toBe(0);
    expect(titles(asText.out())).toEqual(['SSH Failed Password']);
    expect(asText.err()).toMatch(/2 events from 1 input/);
    const asAuto = capture();
    expect(await runHunt([file('auth2.log', log)], { rules: [rules] }, asAuto.io)).toBe(1);
    expect(asAuto.err()).toMatch(/auth2\.log: not valid JSON/);
    const unknown = capture();
    expect(await runHunt([file('x.log', log)], { rules: [rules], inputFormat: 'yaml' }, unknown.io)).toBe(2);
    expect(unknown.err()).toMatch(/unknown --input-format 'yaml' \(choose auto, json, csv, xml, text\)/);
  });

  it('--stats lists after the summary the rules that fired, most hits first, correlations included', async () => {
    const input = file('events.jsonl', jsonl());
    const plain = capture();
    expect(await runHunt([input], { rules: [rules] }, plain.io)).toBe(0);
    expect(plain.err()).not.toMatch(/hits by rule/);
    const { io, out, err } = capture();
    expect(await runHunt([input], { rules: [rules], stats: true }, io)).toBe(0);
    expect(out()).toBe(plain.out());
    const [summary, ...stats] = err().trimEnd().split('\n');
    expect(summary).toMatch(/^hunt: 4 events/);
    expect(stats).toEqual([
      'hits by rule (3 rules fired):',
      '        2  low            Whoami Execution (0c1f1a8e-1111-4111-8111-000000000001)',
      '        1  high           Net User Enumeration (0c1f1a8e-1111-4111-8111-000000000002)',
      '        1  medium         Repeated Discovery By One User (0c1f1a8e-1111-4111-8111-000000000003)',
    ]);
    const quiet = capture();
    expect(await runHunt([input], { rules: [rules], stats: true, minLevel: 'critical' }, quiet.io)).toBe(0);
    expect(quiet.err()).toMatch(/\nhits by rule: no rule fired\n$/);
  });

  it('reads UTF-16 text (as Windows PowerShell 5 writes with > and Out-File) as it reads UTF-8, however it is cut', async () => {
    const text = `${JSON.stringify(EVENTS, null, 2)}\r\n`;
    const utf8 = capture(Readable.from([Buffer.from(text)]));
    expect(await runHunt(['-'], { rules: [rules] }, utf8.io)).toBe(0);
    expect(lines(utf8.out())).toHaveLength(4);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [le, be]) {
      for (const size of [1, 3, 64]) {
        const cut = capture(Readable.from(inPieces(bytes, size)));
        expect(await runHunt(['-'], { rules: [rules] }, cut.io)).toBe(0);
        expect(cut.out()).toBe(utf8.out());
      }
    }
    const csv = `EventID,Channel,Image,CommandLine,User\r\n1,Microsoft-Windows-Sysmon/Operational,C:\\Windows\\System32\\whoami.exe,whoami,CORP\\eve\r\n`;
    const { io, out } = capture();
    expect(await runHunt([file('u16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]))], { rules: [rules] }, io)).toBe(0);
    expect(lines(out())).toEqual([expect.objectContaining({ title: 'Whoami Execution', event_index: 0 })]);
  });

  it('keeps an event whose fields are all lists one event; reads dmesg lines and XML without events as log lines', async () => {
    writeFileSync(join(rules, 'sshd.yml'), SSHD_FAILED_RULE);
    const lists = capture();
    expect(await runHunt([file('lists.jsonl', '{"tags": ["a", "b"], "ids": [1, 2]}\n{"Records": [{"a": 1}, {"a": 2}]}\n')], { rules: [rules] }, lists.io)).toBe(0);
    expect(lists.err()).toMatch(/hunt: 3 events from 1 input/);
    const dmesg = capture();
    expect(await runHunt([file('dmesg.log', '[    0.000000] Linux version 6.1.0\n[    1.234567] sshd[10]: Failed password for root from 203.0.113.7 port 4000 ssh2\n')], { rules: [rules] }, dmesg.io)).toBe(0);
    expect(dmesg.err()).toMatch(/hunt: 2 events from 1 input/);
    const xml = capture();
    expect(await runHunt([file('other.xml', '<?xml version="1.0"?>\n<Config>\n  <Item>x</Item>\n</Config>\n')], { rules: [rules] }, xml.io)).toBe(0);
    expect(xml.err()).toMatch(/hunt: 4 events from 1 input/);
  });

  it('says how to export a binary .evtx log instead of reading it as text, however it arrives', async () => {
    const evtx = Buffer.concat([Buffer.from('ElfFile\u0000', 'latin1'), Buffer.alloc(4088, 1)]);
    const saved = capture();
    expect(await runHunt([file('Security.evtx', evtx)], { rules: [rules] }, saved.io)).toBe(1);
    expect(saved.err()).toMatch(/Security\.evtx: a binary Windows event log \(\.evtx\): export it first as XML \(wevtutil/);
    const piped = capture(Readable.from(inPieces(evtx, 1)));
    expect(await runHunt(['-'], { rules: [rules] }, piped.io)).toBe(1);
    expect(piped.err()).toBe('lantern hunt: -: a binary Windows event log (.evtx): export it first as XML (wevtutil qe FILE /lf:true /f:xml), JSON Lines (evtx_dump -o jsonl) or CSV (EvtxECmd), and give Lantern the export\n');
  });

  it('still reports a JSON array that does not parse', async () => {
    const broken = file('broken.json', '[{"EventID": 1,\n');
    const { io, err } = capture();
    expect(await runHunt([broken], { rules: [rules] }, io)).toBe(1);
    expect(err()).toMatch(/broken\.json: not valid JSON/);
  });

  it('reads Zeek TSV logs line by line, each line by the #fields header above it', async () => {
    writeFileSync(
      join(rules, 'zeek.yml'),
      `title: Zeek DNS TXT Query\nid: 0c1f1a8e-1111-4111-8111-00000000000a\nlevel: low\nlogsource: {product: zeek, service: dns}\ndetection:\n  selection:\n    qtype_name: TXT\n  condition: selection\n`,
    );
    const header = ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tdns', '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name', '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring'];
    const rows = ['1709287200.000000\tC1\t10.0.0.5\t5353\t10.0.0.1\t53\tudp\texample.com\tA', '1709287201.000000\tC2\t10.0.0.5\t5354\t10.0.0.1\t53\tudp\tx.example.com\tTXT'];
    const input = file('dns.log', `${[...header, ...rows].join('\n')}\n`);
    const { io, out } = capture();
    expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
    expect(lines(out())).toEqual([expect.objectContaining({ title: 'Zeek DNS TXT Query', event_index: 1, timestamp: '2024-03-01T10:00:01.000Z' })]);
  });

  it('keeps indices per file and correlates within each file', async () => {
    const first = file('a.jsonl', `${JSON.stringify(EVENTS[0])}\n`);
    const second = file('b.jsonl', `${JSON.stringify(EVENTS[2])}\n`);
    const { io, out } = capture();
    expect(await runHunt([first, second], { rules: [rules] }, io)).toBe(0);
    expect(lines(out())).toEqual([
      expect.objectContaining({ event_index: 0, file: first }),
      expect.objectContaining({ event_index: 0, file: second }),
    ]);
  });

  it('does not join events of different files in a correlation by default', async () => {
    const first = file('a.jsonl', `${JSON.stringify(EVENTS[0])}\n`);
    const second = file('b.jsonl', `${JSON.stringify(EVENTS[2])}\n`);
    const { io, out } = capture();
    expect(await runHunt([first, second], { rules: [rules] }, io)).toBe(0);
    expect(lines(out()).filter((hit) => (hit as { type?: string }).type === 'correlation')).toEqual([]);
  });

  it('joins events of every file with --correlate-across-files (rotated logs, newest first)', async () => {
    // auth.log holds the later event, auth.log.1 the earlier one: correlations go by event time, not file order.
    const newest = file('auth.log.jsonl', `${JSON.stringify(EVENTS[1])}\n${JSON.stringify(EVENTS[2])}\n`);
    const older = file('auth.log.1.jsonl', `${JSON.stringify(EVENTS[0])}\n`);
    const { io, out, err } = capture();
    expect(await runHunt([newest, older], { rules: [rules], correlateAcrossFiles: true }, io)).toBe(0);
    const hits = lines(out());
    expect(hits.filter((hit) => (hit as { type?: string }).type !== 'correlation')).toEqual([
      expect.objectContaining({ event_index: 1, file: newest }),
      expect.objectContaining({ event_index: 0, file: older }),
    ]);
    expect(hits.filter((hit) => (hit as { type?: string }).type === 'correlation')).toEqual([
      expect.objectContaining({
        correlation_type: 'event_count',
        group: { User: 'CORP\\alice' },
        file: null,
        event_indices: [1, 0],
        events: [
          { file: newest, event_index: 1 },
          { file: older, event_index: 0 },
        ],
        first_time: '2024-03-01T08:00:00.000Z',
        last_time: '2024-03-01T08:02:00.000Z',
      }),
    ]);
    expect(err()).toMatch(/2 detections, 1 correlations/);
  });

  it('names the one file of a cross-file correlation whose events all come from it', async () => {
    const both = file('both.jsonl', `${JSON.stringify(EVENTS[0])}\n${JSON.stringify(EVENTS[2])}\n`);
    const other = file('other.jsonl', `${JSON.stringify(EVENTS[1])}\n`);
    const { io, out } = capture();
    expect(await runHunt([other, both], { rules: [rules], correlateAcrossFiles: true }, io)).toBe(0);
    expect(lines(out()).filter((hit) => (hit as { type?: string }).type === 'correlation')).toEqual([
      expect.objectContaining({
        file: both,
        event_indices: [0, 1],
        events: [
          { file: both, event_index: 0 },
          { file: both, event_index: 1 },
        ],
      }),
    ]);
  });

  it('writes cross-file correlation events as file#index in csv and table output', async () => {
    const first = file('a.jsonl', `${JSON.stringify(EVENTS[0])}\n`);
    const second = file('b.jsonl', `${JSON.stringify(EVENTS[2])}\n`);
    const csv = capture();
    expect(await runHunt([first, second], { rules: [rules], correlateAcrossFiles: true, format: 'csv' }, csv.io)).toBe(0);
    const row = csv.out().trim().split('\n').pop();
    expect(row).toMatch(/^correlation,0c1f1a8e-1111-4111-8111-000000000003,Repeated Discovery By One User,medium,,,2024-03-01T08:00:00.000Z,event_count,/);
    expect(row?.endsWith(`,${first}#0 ${second}#0`)).toBe(true);
    const table = capture();
    expect(await runHunt([first, second], { rules: [rules], correlateAcrossFiles: true, format: 'table' }, table.io)).toBe(0);
    expect(table.out()).toContain(`event_count User=CORP\\alice events ${first}#0,${second}#0`);
  });

  it('dates year-less syslog lines by the file modification time (December lines in a January file are last year)', async () => {
    writeFileSync(join(rules, 'sshd.yml'), SSHD_FAILED_RULE);
    const log = file('auth.log', 'Dec 31 23:59:58 web1 sshd[10]: Failed password for root from 203.0.113.7 port 4000 ssh2\nJan  2 08:00:00 web1 sshd[11]: Failed password for root from 203.0.113.7 port 4001 ssh2\n');
    utimesSync(log, new Date('2025-01-03T00:00:00Z'), new Date('2025-01-03T00:00:00Z'));
    // JSON Lines holding log lines as JSON strings.
    const jsonLines = file('auth.jsonl', `${JSON.stringify('Jan  2 08:00:00 web1 sshd[11]: Failed password for root from 203.0.113.7 port 4001 ssh2')}\n${JSON.stringify(EVENTS[1])}\n`);
    utimesSync(jsonLines, new Date('2025-01-03T00:00:00Z'), new Date('2025-01-03T00:00:00Z'));
    const { io, out } = capture();
    expect(await runHunt([log, jsonLines], { rules: [rules] }, io)).toBe(0);
    expect(lines(out()).map((hit) => (hit as { timestamp: string }).timestamp)).toEqual(['2024-12-31T23:59:58.000Z', '2025-01-02T08:00:00.000Z', '2025-01-02T08:00:00.000Z']);
  });

  it('dates year-less lines of a streamed log by the fully dated line before them, across New Year', async () => {
    writeFileSync(join(rules, 'sshd.yml'), SSHD_FAILED_RULE);
    const failed = (pid: number): string => `web1 sshd[${pid}]: Failed password for root from 203.0.113.7 port 4000 ssh2`;
    const log = file('auth.log', `Dec 31 23:59:50 ${failed(9)}\n2019-12-31T23:59:55+00:00 ${failed(10)}\nJan  1 00:00:05 ${failed(11)}\n`);
    // The modification time is far from the lines: it dates only the lines before the first dated one.
    utimesSync(log, new Date('2022-06-01T00:00:00Z'), new Date('2022-06-01T00:00:00Z'));
    const { io, out } = capture();
    expect(await runHunt([log], { rules: [rules] }, io)).toBe(0);
    expect(lines(out()).map((hit) => (hit as { timestamp: string }).timestamp)).toEqual(['2021-12-31T23:59:50.000Z', '2019-12-31T23:59:55.000Z', '2020-01-01T00:00:05.000Z']);
  });

  it('reports only hits at or above --min-level', async () => {
    const input = file('events.jsonl', jsonl());
    const { io, out } = capture();
    expect(await runHunt([input], { rules: [rules], minLevel: 'high' }, io)).toBe(0);
    expect(lines(out()).map((hit) => (hit as { rule_id: string }).rule_id)).toEqual(['0c1f1a8e-1111-4111-8111-000000000002']);
  });

  it('hides the hits of rules a generate: false correlation consumes', async () => {
    writeFileSync(join(rules, 'recon.yml'), RECON_CORRELATION.replace('generate: true', 'generate: false'));
    const input = file('events.jsonl', jsonl());
    const { io, out } = capture();
    expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
    expect(lines(out()).map((hit) => (hit as { title: string }).title)).toEqual(['Net User Enumeration', 'Repeated Discovery By One User']);
  });

  it('runs rules whatever the logsource with --ignore-logsource', async () => {
    const plain = file('plain.jsonl', `${JSON.stringify({ Image: 'C:\\Windows\\System32\\whoami.exe' })}\n`);
    const strict = capture();
    expect(await runHunt([plain], { rules: [rules] }, strict.io)).toBe(0);
    expect(strict.out()).toBe('');
    const loose = capture();
    expect(await runHunt([plain], { rules: [rules], ignoreLogsource: true }, loose.io)).toBe(0);
    expect(lines(loose.out())).toEqual([expect.objectContaining({ title: 'Whoami Execution', event_index: 0, timestamp: null })]);
  });

  it('reads --threads as a whole number of 1 or more, or auto: one per CPU as far as free memory allows', () => {
    expect(threadCount(undefined)).toBe(1);
    expect(threadCount(' 4 ')).toBe(4);
    const auto = threadCount('AUTO') as number;
    expect(auto).toBeGreaterThanOrEqual(1);
    expect(auto).toBeLessThanOrEqual(availableParallelism());
    for (const bad of ['0', '-2', '1.5', 'two', '']) expect(threadCount(bad)).toBeUndefined();
  });

  it('--threads hunts files side by side with the same output, summary and exit code as one thread', async () => {
    const shifted = (k: number): Array<Record<string, unknown>> => EVENTS.map((e, i) => ({ ...e, timestamp: new Date(Date.parse('2024-03-01T10:00:00Z') + (k * 10 + i) * 60_000).toISOString() }));
    const inputs = [
      file('a.jsonl', shifted(0).map((e) => JSON.stringify(e)).join('\n')),
      file('b.json', JSON.stringify(shifted(1), null, 2)),
      file('c.jsonl', shifted(2).map((e) => JSON.stringify(e)).join('\n')),
      file('d.jsonl', ''),
      file('e.jsonl', shifted(3).map((e) => JSON.stringify(e)).join('\n')),
    ];
    const hunt = async (options: Partial<HuntOptions>, files = inputs): Promise<{ code: number; out: string; err: string }> => {
      const { io, out, err } = capture();
      const code = await runHunt(files, { rules: [rules], ...options }, io);
      return { code, out: out(), err: err().replace(/ rules loaded in [\d.]+ s/, ' rules loaded').replace(/; [\d,]+ events\/s \([\d.]+ s\)/, '') };
    };
    for (const options of [{ format: 'jsonl', stats: true }, { format: 'csv', explain: true }, { format: 'table', excludeRule: ['net_user', 'typo'] }, { format: 'json', correlateAcrossFiles: true, stats: true }]) {
      const one = await hunt(options);
      const two = await hunt({ ...options, threads: '2' });
      expect(one.code).toBe(0);
      expect(two).toEqual(one);
    }
    const oneJsonl = await hunt({});
    expect(oneJsonl.err).toMatch(/hunt: 16 events from 5 input\(s\); 3 rules loaded; 12 detections, 4 correlations/);
    // A file that breaks off stops the hunt where one thread stops it: the hits before it, then the error.
    const broken = [...inputs.slice(0, 2), file('broken.json', '[{"EventID": 1,'), ...inputs.slice(2)];
    const oneBroken = await hunt({}, broken);
    expect(oneBroken.code).toBe(1);
    expect(oneBroken.err).toMatch(/broken\.json: not valid JSON/);
    expect(await hunt({ threads: '3' }, broken)).toEqual(oneBroken);
    expect((await hunt({ threads: 'auto' })).out).toBe(oneJsonl.out);
    for (const threads of ['0', 'two', '1.5']) {
      const bad = await hunt({ threads });
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(new RegExp(`--threads must be a whole number of 1 or more, or auto \\(got '${threads.replace('.', '\\.')}'\\)`));
    }
  }, 60_000);

  /** JSON Lines of about `mib` MiB: every `every`-th event runs whoami (a hit), the others notepad. */
  function sized(name: string, mib: number, every: number): { path: string; hits: number } {
    const lines: string[] = [];
    let size = 0;
    let hits = 0;
    for (let i = 0; size < mib * (1 << 20); i++) {
      const hit = i % every === 0;
      if (hit) hits++;
      const line = JSON.stringify({ ...sysmon(i, 'CORP\\alice', hit ? 'C:\\Windows\\System32\\whoami.exe' : 'C:\\Windows\\notepad.exe', hit ? 'whoami /all' : 'notepad'), padding: 'x'.repeat(120) });
      lines.push(line);
      size += line.length + 1;
    }
    return { path: file(name, `${lines.join('\n')}\n`), hits };
  }

  it('warns on stderr as hits kept for correlation rules pile up, naming the rule that keeps most, on any number of threads', async () => {
    const many = (name: string, count: number): string =>
      file(name, Array.from({ length: count }, (_, i) => JSON.stringify(sysmon(i, 'CORP\\alice', i % 4 === 3 ? 'C:\\Windows\\System32\\net.exe' : 'C:\\Windows\\System32\\whoami.exe', 'whoami'))).join('\n'));
    const inputs = [many('a.jsonl', 20), many('b.jsonl', 8)];
    const saved = correlationLoad.warnAt;
    correlationLoad.warnAt = 4;
    try {
      const warnings = async (options: Partial<HuntOptions>, files = inputs): Promise<string[]> => {
        const { io, err } = capture();
        expect(await runHunt(files, { rules: [rules], ...options }, io)).toBe(0);
        return err().split('\n').filter((line) => line.includes('kept so far'));
      };
      // 15 whoami hits in a.jsonl kept for the correlation: told at 4 and 8; b.jsonl's 6 at 4 (each file's are let go after it).
      const one = await warnings({});
      expect(one).toEqual([
        expect.stringMatching(/^lantern hunt: .*a\.jsonl: 4 hits kept so far for correlation rules \(about 0 MB, twice that while correlations are evaluated\); most from "Whoami Execution" \(4\): --exclude-rule 0c1f1a8e-1111-4111-8111-000000000001 leaves it out$/),
        expect.stringMatching(/a\.jsonl: 8 hits kept so far/),
        expect.stringMatching(/b\.jsonl: 4 hits kept so far/),
      ]);
      // Workers hunt files side by side: their warnings come as they go, in any order.
      expect((await warnings({ threads: '2' })).sort()).toEqual([...one].sort());
      // One file in chunks: counted where the chunks' hits are gathered.
      expect(await warnings({ threads: '2' }, [inputs[0]])).toEqual(one.slice(0, 2));
      // Across files the hits of every file are held to the end: counted as one.
      const across = await warnings({ correlateAcrossFiles: true });
      expect(across).toEqual([expect.stringMatching(/all inputs: 4 hits/), expect.stringMatching(/all inputs: 8 hits/), expect.stringMatching(/all inputs: 16 hits/)]);
      expect(await warnings({ correlateAcrossFiles: true, threads: '2' })).toEqual(across);
    } finally {
      correlationLoad.warnAt = saved;
    }
  }, 60_000);

  it('keeps hits for correlation rules in a temporary database past its limit: the same output on any number of threads, told on stderr, nothing left', async () => {
    // whoami hits a minute apart, in runs of three per user: the correlation (two in 5 minutes) fires again and again.
    const events = (name: string, count: number): string =>
      file(name, Array.from({ length: count }, (_, i) => JSON.stringify(sysmon(i, i % 6 < 3 ? 'CORP\\alice' : 'CORP\\bob', 'C:\\Windows\\System32\\whoami.exe', 'whoami'))).join('\n'));
    const inputs = [events('a.jsonl', 60), events('b.jsonl', 30)];
    const run = async (options: Partial<HuntOptions>, files = inputs): Promise<{ code: number; out: string; spilled: string[] }> => {
      const { io, out, err } = capture();
      const code = await runHunt(files, { rules: [rules], ...options }, io);
      return { code, out: out(), spilled: err().split('\n').filter((line) => line.includes('temporary database')) };
    };
    const cases: Array<[Partial<HuntOptions>, string[]?]> = [[{}], [{ threads: '2' }], [{ threads: '2' }, [inputs[0]]], [{ correlateAcrossFiles: true }], [{ correlateAcrossFiles: true, threads: '2' }]];
    const inMemory = [];
    for (const [options, files] of cases) inMemory.push(await run(options, files));
    expect(inMemory.every(({ code, out, spilled }) => code === 0 && out.includes('"type":"correlation"') && spilled.length === 0)).toBe(true);
    // A temporary folder of the test's own (other tests spill meanwhile), watched for what is left in it.
    const temp = join(dir, 'temp');
    mkdirSync(temp);
    const saved = { spillAt: correlationHold.spillAt, bytes: chunking.bytes };
    correlationHold.spillAt = 5;
    correlationHold.dir = temp;
    chunking.bytes = 2000;
    try {
      for (const [i, [options, files]] of cases.entries()) {
        const { code, out, spilled } = await run(options, files);
        expect(code).toBe(0);
        expect(out).toBe(inMemory[i].out);
        expect(spilled.length).toBeGreaterThan(0);
        expect(spilled[0]).toMatch(/^lantern hunt: .*([ab]\.jsonl|all inputs): more hits kept for correlation rules than memory should hold; the rest go to a temporary database in \S*lantern-correlations-\S+ \(removed at the end\)/);
        expect(readdirSync(temp)).toEqual([]);
      }
      // A hunt that stops at a broken input: workers stopped mid-file leave nothing behind either.
      const broken = file('broken.jsonl.gz', 'not gzip');
      for (const threads of ['1', '2']) {
        const { code } = await run({ threads }, [inputs[0], broken, inputs[1]]);
        expect(code).toBe(1);
        expect(readdirSync(temp)).toEqual([]);
      }
      // No folder to write to: the hits stay in memory, the user is told, the output is the same.
      correlationHold.dir = join(temp, 'missing');
      const { io, out, err } = capture();
      expect(await runHunt(inputs, { rules: [rules] }, io)).toBe(0);
      expect(out()).toBe(inMemory[0].out);
      expect(err()).toMatch(/a\.jsonl: no temporary database for the hits kept for correlation rules \(ENOENT[^)]*\); they stay in memory: set TMPDIR to a writable folder/);
    } finally {
      correlationHold.spillAt = saved.spillAt;
      correlationHold.dir = undefined;
      chunking.bytes = saved.bytes;
    }
  }, 60_000);

  it('waits for a slow reader of its output instead of holding the hits: no further input is read meanwhile', async () => {
    const input = sized('many.jsonl', 3, 1);
    const free = capture();
    expect(await runHunt([input.path], { rules: [rules] }, free.io)).toBe(0);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let blocked = true;
    let waits = 0;
    const slow = capture();
    slow.io.stdoutDrained = () => {
      if (!blocked) return undefined;
      waits++;
      return gate;
    };
    const done = runHunt([input.path], { rules: [rules] }, slow.io);
    for (let i = 0; i < 200 && slow.out() === ''; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const shown = lines(slow.out()).length;
    // One chunk of input read (1 MiB), its hits written; then nothing until the reader has taken them.
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(input.hits / 2);
    expect(waits).toBe(1);
    blocked = false;
    release();
    expect(await done).toBe(0);
    expect(slow.out()).toBe(free.out());
  });

  it('--threads: workers hunting later files wait while many hits are held, and every worker waits for a slow reader; output unchanged', async () => {
    // The first file takes longest; the second is all hits, read in several chunks.
    const inputs = [sized('slow.jsonl', 10, 50), sized('noisy.jsonl', 4, 1), sized('last.jsonl', 1, 1)];
    const files = inputs.map((i) => i.path);
    const one = capture();
    expect(await runHunt(files, { rules: [rules] }, one.io)).toBe(0);
    const saved = holding.max;
    holding.max = 10;
    holding.peak = 0;
    try {
      const two = capture();
      expect(await runHunt(files, { rules: [rules], threads: '2' }, two.io)).toBe(0);
      expect(two.out()).toBe(one.out());
      // At most a read chunk's hits (1 MiB of input) beyond the bound: never a whole later file's.
      expect(holding.peak).toBeLessThan(inputs[1].hits * 0.75);
      // Hits that carry their event are held ten times fewer (here: one): the same output as one thread.
      const oneWith = capture();
      expect(await runHunt(files, { rules: [rules], withEvent: true }, oneWith.io)).toBe(0);
      const twoWith = capture();
      holding.peak = 0;
      expect(await runHunt(files, { rules: [rules], threads: '2', withEvent: true }, twoWith.io)).toBe(0);
      expect(twoWith.out()).toBe(oneWith.out());
      expect(holding.peak).toBeLessThan(inputs[1].hits * 0.75);
      // A reader that lags at every other write: the same output, and no worker left waiting.
      const lagging = capture();
      let calls = 0;
      lagging.io.stdoutDrained = () => (++calls % 2 === 0 ? new Promise<void>((resolve) => setTimeout(resolve, 2)) : undefined);
      expect(await runHunt(files, { rules: [rules], threads: '3' }, lagging.io)).toBe(0);
      expect(lagging.out()).toBe(one.out());
      expect(calls).toBeGreaterThan(3);
      // One input in chunks: no further chunk is sent while the reader lags; the same output as one thread.
      const single = capture();
      expect(await runHunt([inputs[1].path], { rules: [rules] }, single.io)).toBe(0);
      const chunked = capture();
      chunked.io.stdoutDrained = lagging.io.stdoutDrained;
      expect(await runHunt([inputs[1].path], { rules: [rules], threads: '2' }, chunked.io)).toBe(0);
      expect(chunked.out()).toBe(single.out());
    } finally {
      holding.max = saved;
    }
  }, 60_000);

  it('--threads cuts one JSON Lines input into chunks with the same output as one thread: indices, correlations, log lines dated across chunks', async () => {
    writeFileSync(join(rules, 'sshd.yml'), SSHD_FAILED_RULE);
    writeFileSync(
      join(rules, 'zeek.yml'),
      `title: Zeek DNS TXT Query\nid: 0c1f1a8e-1111-4111-8111-00000000000a\nlevel: low\nlogsource: {product: zeek, service: dns}\ndetection:\n  selection:\n    qtype_name: TXT\n  condition: selection\n`,
    );
    // Zeek TSV as JSON strings: its header lines in one chunk, its rows read under them in the next ones.
    const zeek = ['#separator \\x09', '#path\tdns', '#fields\tts\tuid\tid.orig_h\tquery\tqtype_name'];
    const zeekRow = (k: number): string => `1709287${200 + k}.000000\tC${k}\t10.0.0.5\tx${k}.example.com\t${k % 2 === 0 ? 'TXT' : 'A'}`;
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      if (i === 35) lines.push(...zeek.map((h) => JSON.stringify(h)));
      if (i > 35 && i < 45) lines.push(JSON.stringify(zeekRow(i)));
      const e = EVENTS[i % EVENTS.length];
      lines.push(JSON.stringify({ ...e, User: `CORP\\user${i % 7}`, timestamp: new Date(Date.parse('2024-03-01T10:00:00Z') + i * 20_000).toISOString() }));
      // Year-less syslog lines as JSON strings: dated by the last dated line before them, whichever chunk that was in.
      if (i % 9 === 4) lines.push(JSON.stringify(i === 22 ? '2024-12-31T23:59:00Z host sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2' : 'Jan  1 00:00:0' + (i % 10) + ' host sshd[1]: Failed password for root from 10.0.0.1 port 22 ssh2'));
      if (i % 13 === 0) lines.push('');
    }
    const input = file('big.jsonl', `${lines.join('\n')}\n`);
    // Year-less lines before any dated one take the file's year.
    utimesSync(input, new Date('2024-06-01T00:00:00Z'), new Date('2024-06-01T00:00:00Z'));
    const saved = chunking.bytes;
    chunking.bytes = 700;
    try {
      const hunt = async (options: Partial<HuntOptions>, files = [input]): Promise<{ code: number; out: string; err: string }> => {
        const { io, out, err } = capture();
        const code = await runHunt(files, { rules: [rules], ...options }, io);
        return { code, out: out(), err: err().replace(/ rules loaded in [\d.]+ s/, ' rules loaded').replace(/; [\d,]+ events\/s \([\d.]+ s\)/, '') };
      };
      for (const options of [{ stats: true }, { format: 'csv', explain: true }, { correlateAcrossFiles: true }, { from: '2024-03-01T10:05:00Z', to: '2024-03-01T10:15:00Z' }]) {
        const one = await hunt(options);
        expect(one.code).toBe(0);
        expect(await hunt({ ...options, threads: '3' })).toEqual(one);
      }
      const one = await hunt({});
      const hits = lines.length > 0 ? (one.out.trim().split('\n').map((l) => JSON.parse(l)) as Array<{ title: string; timestamp: string | null; event_index?: number }>) : [];
      expect(hits.filter((h) => h.title === 'Repeated Discovery By One User').length).toBeGreaterThan(0);
      // A year-less line is dated by the last dated line before it, whichever chunk that was in: the file's year
      // at first, the next year after the New Year's Eve line, 2024 again after the Zeek rows (dated March 2024).
      expect(hits.filter((h) => h.title === 'SSH Failed Password').map((h) => h.timestamp?.slice(0, 4))).toEqual(['2024', '2024', '2024', '2025', '2024', '2024', '2024']);
      expect(Math.max(...hits.map((h) => h.event_index ?? 0))).toBeGreaterThan(50);
      // A line that is not JSON in a later chunk stops the hunt after the hits before it, as with one thread.
      const broken = file('broken.jsonl', `${lines.slice(0, 40).join('\n')}\nnot json\n${lines.slice(40).join('\n')}\n`);
      const oneBroken = await hunt({ inputFormat: 'json' }, [broken]);
      expect(oneBroken.code).toBe(1);
      expect(oneBroken.err).toMatch(/broken\.jsonl: line 41: not valid JSON/);
      expect(await hunt({ inputFormat: 'json', threads: '3' }, [broken])).toEqual(oneBroken);
      expect(hits.filter((h) => h.title === 'Zeek DNS TXT Query')).toHaveLength(5);
      // An input that breaks off (a truncated .gz): the hits of its whole lines, then the error, as with one thread.
      const gz = gzipSync(`${lines.join('\n')}\n`.repeat(4));
      const truncated = file('cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length * 0.7)));
      const oneCut = await hunt({}, [truncated]);
      expect(oneCut.code).toBe(1);
      expect(oneCut.out.length).toBeGreaterThan(0);
      expect(await hunt({ threads: '3' }, [truncated])).toEqual(oneCut);
    } finally {
      chunking.bytes = saved;
    }
  }, 90_000);

  it('--threads in chunks gives the one-thread output on mixed inputs: log lines, Zeek and W3C headers, collections (seeded)', async () => {
    writeFileSync(join(rules, 'kw.yml'), "title: kw\nid: 0c1f1a8e-1111-4111-8111-000000000104\nlevel: high\nlogsource: {product: linux}\ndetection:\n  keywords: ['evil']\n  condition: keywords\n");
    writeFileSync(join(rules, 'q.yml'), 'title: q\nid: 0c1f1a8e-1111-4111-8111-000000000105\nlevel: high\nlogsource: {product: zeek}\ndetection:\n  sel:\n    query|contains: evil\n  condition: sel\n');
    writeFileSync(join(rules, 'w.yml'), 'title: w\nid: 0c1f1a8e-1111-4111-8111-000000000106\nlevel: high\nlogsource: {category: webserver}\ndetection:\n  sel:\n    cs-uri-stem|contains: evil\n  condition: sel\n');
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const line = (i: number): string => {
      const k = rnd();
      if (k < 0.3) return JSON.stringify({ EventID: 1, Image: `C:\\evil${i}.exe`, CommandLine: `evil ${i}`, timestamp: `2024-12-31T23:5${i % 10}:00Z` });
      if (k < 0.45) return JSON.stringify(`${rnd() < 0.5 ? 'Dec' : 'Jan'} ${1 + (i % 3)} 0${i % 10}:00:00 host sshd[1]: evil ${i}`);
      if (k < 0.5) return JSON.stringify(`${2023 + Math.floor(rnd() * 3)}-12-31T23:59:00Z host sshd[1]: evil dated ${i}`);
      if (k < 0.55) return `Jan 2 03:00:0${i % 10} host sshd[1]: evil plain ${i}`;
      if (k < 0.58) return '#Fields: cs-method cs-uri-stem c-ip';
      if (k < 0.6) return '#separator \\x09';
      if (k < 0.62) return '#fields\tts\tuid\tquery';
      if (k < 0.64) return '#path\tdns';
      if (k < 0.7) return `1709287200.0\tC${i}\tevil${i}.com`;
      if (k < 0.76) return `GET /evil${i} 10.0.0.${i % 250}`;
      if (k < 0.8) return '';
      if (k < 0.85) return JSON.stringify({ Records: [{ eventName: `evil${i}`, eventTime: '2024-01-01T00:00:00Z', eventSource: 's3.amazonaws.com' }] });
      return JSON.stringify({ EventID: 4688, NewProcessName: `C:\\x${i}.exe`, '@timestamp': '2024-06-01T00:00:00Z' });
    };
    const saved = chunking.bytes;
    try {
      for (let c = 0; c < 4; c++) {
        const lines = [JSON.stringify({ EventID: 1, Image: 'x.exe' })];
        for (let i = 0; i < 60; i++) lines.push(line(i));
        const input = file(`mixed${c}.jsonl`, `${lines.join(c % 2 === 0 ? '\n' : '\r\n')}\n`);
        utimesSync(input, new Date('2024-06-01T00:00:00Z'), new Date('2024-06-01T00:00:00Z'));
        const run = async (threads: string, bytes: number): Promise<{ code: number; out: string; err: string }> => {
          chunking.bytes = bytes;
          const { io, out, err } = capture();
          const code = await runHunt([input], { rules: [rules], ignoreLogsource: true, stats: true, threads }, io);
          return { code, out: out(), err: err().replace(/ rules loaded in [\d.]+ s/, '').replace(/; [\d,]+ events\/s \([\d.]+ s\)/, '') };
        };
        const one = await run('1', saved);
        expect(one.out).not.toBe('');
        expect(await run('3', 120 + c * 90)).toEqual(one);
      }
    } finally {
      chunking.bytes = saved;
    }
  }, 120_000);

  it('--sort time writes a timeline over every input: oldest first, correlations by their first event, untimed last', async () => {
    const at = (minutes: number): string => new Date(Date.parse('2024-03-01T10:00:00Z') + minutes * 60_000).toISOString();
    const whoami = (minutes: number | undefined, user: string): string => JSON.stringify({ ...EVENTS[0], User: user, timestamp: minutes === undefined ? undefined : at(minutes) });
    const later = file('later.jsonl', [whoami(30, 'CORP\\bob'), whoami(31, 'CORP\\bob'), whoami(undefined, 'CORP\\carol')].join('\n'));
    const earlier = file('earlier.jsonl', [whoami(5, 'CORP\\alice'), whoami(6, 'CORP\\alice'), whoami(45, 'CORP\\dave')].join('\n'));
    const hunt = async (options: Partial<HuntOptions>): Promise<Array<{ title: string; timestamp?: string | null; first_time?: string | null; file: string }>> => {
      const { io, out } = capture();
      expect(await runHunt([later, earlier], { rules: [rules], ...options }, io)).toBe(0);
      return lines(out()) as Array<{ title: string; timestamp?: string | null; first_time?: string | null; file: string }>;
    };
    const asFound = await hunt({});
    expect(asFound.map((h) => ('first_time' in h ? h.first_time : h.timestamp))).toEqual([at(30), at(31), null, at(30), at(5), at(6), at(45), at(5)]);
    const timeline = await hunt({ sort: 'time' });
    expect(timeline.map((h) => ('first_time' in h ? h.first_time : h.timestamp))).toEqual([at(5), at(5), at(6), at(30), at(30), at(31), at(45), null]);
    // Equal times keep their order: the detection, then the correlation it began.
    expect(timeline.slice(0, 2).map((h) => h.title)).toEqual(['Whoami Execution', 'Repeated Discovery By One User']);
    expect(await hunt({ sort: 'time', threads: '2' })).toEqual(timeline);
    const { io, err } = capture();
    expect(await runHunt([later], { rules: [rules], sort: 'random' }, io)).toBe(2);
    expect(err()).toMatch(/unknown --sort 'random' \(choose input or time\)/);
  }, 60_000);

  it('--status, --tags and --exclude-rule choose the rules that run; a chosen correlation keeps its rules running, unreported', async () => {
    const input = file('events.jsonl', jsonl());
    const hunt = async (options: Partial<HuntOptions>): Promise<{ code: number; titles: string[]; err: string }> => {
      const { io, out, err } = capture();
      const code = await runHunt([input], { rules: [rules], ...options }, io);
      return { code, titles: (lines(out()) as Array<{ title: string }>).map((h) => h.title), err: err() };
    };
    const all = await hunt({});
    expect(all.titles).toEqual(['Whoami Execution', 'Whoami Execution', 'Net User Enumeration', 'Repeated Discovery By One User']);
    const discovery = await hunt({ tags: ['attack.t1087,ATTACK.T1033'] });
    expect(discovery.titles).toEqual(['Whoami Execution', 'Whoami Execution', 'Net User Enumeration']);
    expect(discovery.err).toMatch(/2 rules loaded in [\d.]+ s, 1 more left out by the rule selection; 3 detections/);
    // An excluded rule never runs: the correlation on it cannot fire either.
    const noWhoami = await hunt({ excludeRule: ['whoami_exec', 'typo_rule'] });
    expect(noWhoami.titles).toEqual(['Net User Enumeration']);
    expect(noWhoami.err).toMatch(/--exclude-rule typo_rule: no loaded rule has this id or name/);
    writeFileSync(join(rules, 'recon.yml'), RECON_CORRELATION.replace('level: medium', 'level: medium\nstatus: stable'));
    const stable = await hunt({ status: ['stable'] });
    expect(stable.titles).toEqual(['Repeated Discovery By One User']);
    // The stable correlation runs the whoami rule it counts, whose own hits stay unreported.
    expect(stable.err).toMatch(/2 rules loaded in [\d.]+ s, 1 more left out by the rule selection; 0 detections, 1 correlations/);
    const none = await hunt({ tags: ['attack.t1033 attack.t1087'] });
    expect(none.err).toMatch(/leave no rule to run \(tags and statuses are separated by commas\)/);
    const bad = await hunt({ status: ['stabel'] });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown --status 'stabel' \(choose among stable, test, experimental, deprecated, unsupported\)/);
  });

  it('writes csv with a header, a json array, or a table', async () => {
    const input = file('events.jsonl', jsonl());
    const csv = capture();
    expect(await runHunt([input], { rules: [rules], format: 'csv' }, csv.io)).toBe(0);
    const rows = csv.out().trim().split('\n');
    expect(rows[0]).toBe('kind,rule_id,title,level,file,event_index,timestamp,correlation_type,group,event_indices');
    expect(rows[1]).toBe(`detection,0c1f1a8e-1111-4111-8111-000000000001,Whoami Execution,low,${input},0,2024-03-01T08:00:00.000Z,,,`);
    expect(rows[4]).toMatch(/^correlation,.*,event_count,User=CORP\\alice,0 2$/);

    const json = capture();
    expect(await runHunt([input], { rules: [rules], format: 'json' }, json.io)).toBe(0);
    expect(JSON.parse(json.out())).toHaveLength(4);

    const table = capture();
    expect(await runHunt([input], { rules: [rules], format: 'table' }, table.io)).toBe(0);
    expect(table.out().split('\n')[0]).toMatch(/^TIME\s+LEVEL\s+RULE\s+EVIDENCE$/);
    expect(table.out()).toMatch(/Net User Enumeration/);
  });

  it.each([
    [{ format: 'xml' }, /unknown --format 'xml'/],
    [{ minLevel: 'severe' }, /unknown --min-level 'severe'/],
  ])('rejects %p as a usage error (exit 2)', async (options, message) => {
    const input = file('events.jsonl', jsonl());
    const { io, out, err } = capture();
    expect(await runHunt([input], { rules: [rules], ...options }, io)).toBe(2);
    expect(err()).toMatch(message);
    expect(out()).toBe('');
  });

  it('hunts every file under a folder given as input, in name order, each its own input; dot-names left out', async () => {
    const logs = join(dir, 'logs');
    mkdirSync(join(logs, '2024', '03'), { recursive: true });
    mkdirSync(join(logs, '.cache'));
    writeFileSync(join(logs, '2024', '03', 'b.jsonl.gz'), gzipSync(`${JSON.stringify(EVENTS[0])}\n`));
    writeFileSync(join(logs, '2024', '03', 'a.json'), JSON.stringify([EVENTS[1], EVENTS[3]]));
    writeFileSync(join(logs, '2024', 'z.jsonl'), `${JSON.stringify(EVENTS[2])}\n`);
    writeFileSync(join(logs, '.cache', 'x.jsonl'), `${JSON.stringify(EVENTS[0])}\n`);
    writeFileSync(join(logs, '.hidden.jsonl'), `${JSON.stringify(EVENTS[0])}\n`);
    const evtx = Buffer.concat([Buffer.from('ElfFile\u0000', 'latin1'), Buffer.alloc(64)]);
    writeFileSync(join(logs, '2024', 'Security.evtx'), evtx);
    const { io, out, err } = capture();
    expect(await runHunt([logs], { rules: [rules] }, io)).toBe(0);
    expect(err()).toMatch(new RegExp(`^lantern hunt: skipped ${join(logs, '2024', 'Security.evtx').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: a binary Windows event log`));
    expect(lines(out()).map((hit) => [(hit as { file: string }).file, (hit as { event_index: number }).event_index])).toEqual([
      [join(logs, '2024', '03', 'a.json'), 1],
      [join(logs, '2024', '03', 'b.jsonl.gz'), 0],
      [join(logs, '2024', 'z.jsonl'), 0],
    ]);
    expect(err()).toMatch(/hunt: 4 events from 3 input\(s\)/);

    mkdirSync(join(dir, 'empty'));
    const empty = capture();
    expect(await runHunt([join(dir, 'empty')], { rules: [rules] }, empty.io)).toBe(2);
    expect(empty.err()).toBe(`lantern hunt: no input files under ${join(dir, 'empty')}\n`);
    mkdirSync(join(dir, 'evtx'));
    writeFileSync(join(dir, 'evtx', 'System.evtx'), evtx);
    const binaryOnly = capture();
    expect(await runHunt([join(dir, 'evtx')], { rules: [rules] }, binaryOnly.io)).toBe(2);
    expect(binaryOnly.err()).toMatch(/no input files under .*evtx other than binary event logs \(1\)\n$/);
  });

  it('--from and --to hunt only the events of a time window; correlations see only those; untimed events are left out and counted', async () => {
    const untimed = { ...EVENTS[0] } as Record<string, unknown>;
    delete untimed.timestamp;
    const input = file('events.jsonl', `${[...EVENTS, untimed].map((e) => JSON.stringify(e)).join('\n')}\n`);
    const run = async (window: { from?: string; to?: string }): Promise<{ hits: unknown[]; err: string; code: number }> => {
      const { io, out, err } = capture();
      const code = await runHunt([input], { rules: [rules], ...window }, io);
      return { hits: lines(out()).map((hit) => (hit as { event_index?: number }).event_index ?? (hit as { event_indices: number[] }).event_indices), err: err(), code };
    };
    // EVENTS are one a minute from 08:00Z; the untimed copy of the first is event 4.
    expect((await run({})).hits).toEqual([0, 2, 3, 4, [0, 2, 4]]);
    const late = await run({ from: '2024-03-01T08:01:30Z' });
    expect(late.hits).toEqual([2, 3]);
    expect(late.err).toMatch(/hunt: 5 events from 1 input\(s\); 3 outside --from\/--to, 1 of them without a time;/);
    expect((await run({ to: '2024-03-01T10:01:00+02:00' })).hits).toEqual([0]);
    expect((await run({ to: '2024-03-01' })).hits).toEqual([0, 2, 3, [0, 2]]);
    expect((await run({ from: '2024-03-02' })).hits).toEqual([]);

    const notATime = await run({ from: 'yesterday' });
    expect(notATime.code).toBe(2);
    expect(notATime.err).toMatch(/^lantern hunt: --from 'yesterday' is not a time/);
    const reversed = await run({ from: '2024-03-02', to: '2024-03-01' });
    expect(reversed.code).toBe(2);
    expect(reversed.err).toBe('lantern hunt: --from 2024-03-02 is after --to 2024-03-01\n');
  });

  it('exits 2 with a clear message for a missing input, a missing rules folder, or no --rules', async () => {
    const missingInput = capture();
    expect(await runHunt([join(dir, 'nope.jsonl')], { rules: [rules] }, missingInput.io)).toBe(2);
    expect(missingInput.err()).toBe(`lantern hunt: input file not found or unreadable: ${join(dir, 'nope.jsonl')}\n`);

    const input = file('events.jsonl', jsonl());
    const missingRules = capture();
    expect(await runHunt([input], { rules: [join(dir, 'no-rules')] }, missingRules.io)).toBe(2);
    expect(missingRules.err()).toBe(`lantern hunt: rules path not found or unreadable: ${join(dir, 'no-rules')}\n`);

    const noRules = capture();
    expect(await runHunt([input], { rules: [] }, noRules.io)).toBe(2);
    expect(noRules.err()).toMatch(/give at least one --rules DIR/);
  });

  it.each([
    ['a broken JSON array', '[{"EventID": 1},'],
    ['a broken pretty-printed request body', '{\n  "events": {"logs": [\n    {"EventID": 1},\n'],
  ])('exits 1 with a clear message for %s', async (_, content) => {
    const broken = file('broken.json', content);
    const { io, err } = capture();
    expect(await runHunt([broken], { rules: [rules] }, io)).toBe(1);
    expect(err()).toMatch(new RegExp(`^lantern hunt: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
    expect(err()).not.toMatch(/\n\s+at /);
  });

  it('reads JSON Lines with a byte order mark and CRLF line ends', async () => {
    const input = file('windows.jsonl', `\ufeff${EVENTS.map((e) => JSON.stringify(e)).join('\r\n')}\r\n`);
    const { io, out } = capture();
    expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
    expect(lines(out()).map((hit) => (hit as { event_index?: number }).event_index)).toEqual([0, 2, 3, undefined]);
  });

  it('reads JSON Lines cut into chunks anywhere, even inside a multi-byte character', async () => {
    const events = EVENTS.map((e, i) => ({ ...e, CommandLine: `${e.CommandLine} «ünïcødé ${'€'.repeat(i)}»` }));
    const bytes = Buffer.from(`\n${events.map((e) => JSON.stringify(e)).join('\n')}\n\n${JSON.stringify(events[0])}`);
    const whole = capture(Readable.from([bytes]));
    expect(await runHunt(['-'], { rules: [rules] }, whole.io)).toBe(0);
    for (const size of [1, 2, 3, 7, 64]) {
      const pieces = inPieces(bytes, size);
      const cut = capture(Readable.from(pieces));
      expect(await runHunt(['-'], { rules: [rules] }, cut.io)).toBe(0);
      expect(cut.out()).toBe(whole.out());
    }
    expect(lines(whole.out()).map((hit) => (hit as { event_index?: number }).event_index)).toEqual([0, 2, 3, 4, undefined]);
  });

  it('decodes ASCII and non-ASCII lines of one chunk alike: a non-ASCII literal matches, invalid bytes become U+FFFD', async () => {
    writeFileSync(
      join(rules, 'unicode.yml'),
      `title: Cyrillic Lookalike Script
id: 0c1f1a8e-1111-4111-8111-000000000009
level: high
logsource: {product: windows, category: process_creation}
detection:
  selection:
    CommandLine|contains: 'рowershell'
  condition: selection
`,
    );
    const lookalike = sysmon(5, 'CORP\\alice', 'C:\\Temp\\x.exe', 'рowershell -nop \u00e9');
    const broken = Buffer.concat([Buffer.from(JSON.stringify(sysmon(6, 'CORP\\eve', 'C:\\Temp\\y.exe', 'рowershell ')).slice(0, -3)), Buffer.from([0xff]), Buffer.from('"}')]);
    const bytes = Buffer.concat([Buffer.from(`${[EVENTS[0], lookalike, EVENTS[1]].map((e) => JSON.stringify(e)).join('\n')}\n`), broken, Buffer.from('\n')]);
    const { io, out } = capture(Readable.from([bytes]));
    expect(await runHunt(['-'], { rules: [rules] }, io)).toBe(0);
    const hits = lines(out()) as Array<{ title?: string; event_index?: number }>;
    expect(hits.filter((h) => h.title === 'Cyrillic Lookalike Script').map((h) => h.event_index)).toEqual([1, 3]);
    expect(hits.filter((h) => h.title === 'Whoami Execution').map((h) => h.event_index)).toEqual([0]);
  });

  it('reads a JSON array written on one line across many read chunks', async () => {
    const many = Array.from({ length: 9000 }, (_, i) => EVENTS[i % EVENTS.length]);
    const input = file('big.json', JSON.stringify(many));
    const { io, out, err } = capture();
    expect(await runHunt([input], { rules: [rules], minLevel: 'high' }, io)).toBe(0);
    expect(err()).toMatch(/^hunt: 9,000 events/m);
    expect(lines(out())).toHaveLength(2250);
  });

  it('fills %placeholder% values from --placeholders, and rejects a malformed file as a usage error', async () => {
    writeFileSync(
      join(rules, 'admins.yml'),
      `title: Admin Account Process
id: 0c1f1a8e-1111-4111-8111-000000000004
level: high
logsource: {product: windows, category: process_creation}
detection:
  selection:
    User|expand: '%Admins%'
  condition: selection
`,
    );
    const input = file('events.jsonl', jsonl());
    const without = capture();
    expect(await runHunt([input], { rules: [rules], minLevel: 'high' }, without.io)).toBe(0);
    expect(without.err()).toMatch(/3 rules loaded.*\(1 failed to load/);

    const values = file('placeholders.yml', "'%Admins%': ['CORP\\bob']\n");
    const filled = capture();
    expect(await runHunt([input], { rules: [rules], minLevel: 'high', placeholders: values }, filled.io)).toBe(0);
    expect(lines(filled.out()).map((hit) => [(hit as { title: string }).title, (hit as { event_index: number }).event_index])).toEqual([
      ['Admin Account Process', 1],
      ['Net User Enumeration', 3],
    ]);

    const broken = file('broken.yml', 'Admins: {nested: true}\n');
    const rejected = capture();
    expect(await runHunt([input], { rules: [rules], placeholders: broken }, rejected.io)).toBe(2);
    expect(rejected.err()).toMatch(/placeholder Admins in .* must be a string or a list of strings/);
  });

  it('reads gzip-compressed input (.gz), and rejects a .gz that is not gzip', async () => {
    const input = join(dir, 'events.jsonl.gz');
    writeFileSync(input, gzipSync(jsonl()));
    const { io, out } = capture();
    expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
    expect(lines(out()).map((hit) => (hit as { event_index?: number }).event_index)).toEqual([0, 2, 3, undefined]);

    const fake = file('fake.jsonl.gz', jsonl());
    const broken = capture();
    expect(await runHunt([fake], { rules: [rules] }, broken.io)).toBe(1);
    expect(broken.err()).toMatch(/fake\.jsonl\.gz: not a valid gzip file/);
  });

  it('accepts plain log lines as events', async () => {
    const input = file('auth.log', 'Mar  1 10:00:00 host sshd[1]: Failed password for root from 10.0.0.5 port 22 ssh2\nsecond line\n');
    const { io, err } = capture();
    expect(await runHunt([input], { rules: [rules] }, io)).toBe(0);
    expect(err()).toMatch(/^hunt: 2 events/m);
  });

  it('lists each rule that failed to load on stderr (file, id, reason) before the summary; stdout keeps only hits', async () => {
    const broken = join(rules, 'broken.yml');
    writeFileSync(broken, WHOAMI_RULE.replace('0c1f1a8e-1111-4111-8111-000000000001', '0c1f1a8e-1111-4111-8111-0000000000ff').replace('condition: selection', 'condition: selection and missing'));
    const input = file('events.jsonl', jsonl());
    const { io, out, err } = capture();
    expect(await runHunt([input], { rules: [rules], minLevel: 'high' }, io)).toBe(0);
    expect(lines(out()).map((hit) => (hit as { title: string }).title)).toEqual(['Net User Enumeration']);
    const stderr = err().split('\n');
    expect(stderr[0]).toMatch(new RegExp(`^lantern hunt: rule not loaded: ${broken.replace(/\\/g, '\\\\')} \\[0c1f1a8e-1111-4111-8111-0000000000ff\\]: .*missing`));
    expect(stderr[1]).toMatch(/^hunt: .*3 rules loaded .*\(1 failed to load, listed above\)/);
  });

  it('lists at most 20 failed rules, then how many more and the lint command that lists them all', async () => {
    for (let i = 0; i < 23; i++) writeFileSync(join(rules, `bad_${String(i).padStart(2, '0')}.yml`), 'title: [unclosed\n');
    const { io, out, err } = capture();
    expect(await runHunt([file('events.jsonl', jsonl())], { rules: [rules] }, io)).toBe(0);
    expect(out()).not.toMatch(/rule not loaded/);
    const listed = err()
      .split('\n')
      .filter((line) => line.startsWith('lantern hunt: rule not loaded: '));
    expect(listed).toHaveLength(20);
    expect(err()).toContain(`... and 3 more (lantern rules lint ${rules} lists them all)\n`);
    expect(err()).toMatch(/\(23 failed to load, listed above\)/);
  });
});
