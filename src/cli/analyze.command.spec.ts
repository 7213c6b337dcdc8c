import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { AnalyzeUsageError, readAnalysisRequest, readInput, runAnalyze } from './analyze.command';
import { sharedPath } from '../testing/shared-data';

const D1 = sharedPath('cases', 'scenarios', 'd1_api_doc_example.json');

describe('lantern analyze', () => {
  it('prints the API 200 body for a request file: data with the contract fields, meta without credits', () => {
    const out = runAnalyze(fs.readFileSync(D1, 'utf8'), {}, {});
    expect(Object.keys(out.data)).toEqual(expect.arrayContaining(['summary', 'severity', 'impact', 'root_cause', 'timeline', 'indicators', 'attack_mapping', 'recommendations']));
    expect(out.meta.request_id).toMatch(/^req_/);
    expect(out.meta.narrative).toEqual({ source: 'deterministic' });
    expect(out.meta.formats).toEqual({ firewall: 1, generic: 2 });
    expect(out.meta).not.toHaveProperty('credits_used');
    expect(out.data.indicators[0]).toMatchObject({ value: '185.220.101.42', role: 'attacker' });
  });

  it('accepts a bare JSON array and JSON Lines of events', () => {
    expect(readAnalysisRequest('[{"a":1},{"a":2}]')).toEqual({ events: { logs: [{ a: 1 }, { a: 2 }] } });
    expect(readAnalysisRequest('{"a":1}\n{"a":2}\n')).toEqual({ events: { logs: [{ a: 1 }, { a: 2 }] } });
    expect(() => readAnalysisRequest('{"a":1}\nnot json\n')).toThrow(/line 2 is not JSON/);
    // jq's output: pretty-printed objects one after another (braces and quotes inside strings do not cut them).
    expect(readAnalysisRequest('{\n  "a": "}{\\"",\n  "b": [1, {"c": 2}]\n}\n{\n  "a": 2\n}\n')).toEqual({ events: { logs: [{ a: '}{"', b: [1, { c: 2 }] }, { a: 2 }] } });
    expect(() => readAnalysisRequest('\n\n{\n  "a": 1\n}\n{\n  "a": \n')).toThrow(/the JSON object at line 6 does not end/);
    expect(() => readAnalysisRequest('{\n  "a": 1\n}\n{\n  "a": ]\n}')).toThrow(/the JSON object at line 4 is not valid JSON/);
    // One event whose fields are lists stays one event; a CloudTrail file is its Records.
    expect(readAnalysisRequest('{"tags":["a","b"]}')).toEqual({ events: { logs: [{ tags: ['a', 'b'] }] } });
    expect(readAnalysisRequest('{"Records":[{"a":1}]}')).toEqual({ events: { logs: { Records: [{ a: 1 }] } } });
    // A log opening with a bracket (Apache's error log) is text, not broken JSON.
    const apache = '[Wed Oct 11 14:32:52.123 2023] [core:error] [pid 35708] [client 203.0.113.7:5555] AH00126: Invalid URI in request';
    expect(readAnalysisRequest(apache)).toEqual({ events: { logs: apache } });
  });

  it('reads a plain-text log (syslog, event XML) as the API reads a string of logs', () => {
    const failed = (s: number): string => `Mar  1 10:00:0${s} web1 sshd[1${s}]: Failed password for root from 203.0.113.7 port 400${s} ssh2`;
    const log = `\ufeff${[1, 2, 3, 4, 5, 6].map(failed).join('\n')}\nMar  1 10:00:09 web1 sshd[19]: Accepted password for root from 203.0.113.7 port 4009 ssh2\n`;
    expect(readAnalysisRequest(log)).toEqual({ events: { logs: log.slice(1).trim() } });
    const out = runAnalyze(log, {}, {});
    expect(out.meta.formats).toEqual({ syslog: 7 });
    expect(out.data.indicators).toContainEqual(expect.objectContaining({ value: '203.0.113.7', role: 'attacker' }));
  });

  it('reads a CloudTrail log file ({"Records": [...]}) as its events, not as one event', () => {
    const records = [
      { eventTime: '2024-03-01T10:00:00Z', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', userIdentity: { type: 'IAMUser', userName: 'alice' }, sourceIPAddress: '203.0.113.9' },
      { eventTime: '2024-03-01T10:01:00Z', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', userIdentity: { type: 'IAMUser', userName: 'alice' }, sourceIPAddress: '203.0.113.9', additionalEventData: { MFAUsed: 'No' }, responseElements: { ConsoleLogin: 'Success' } },
    ];
    const out = runAnalyze(JSON.stringify({ Records: records }, null, 2), {}, {});
    expect(out.meta.formats).toEqual({ cloudtrail: 2 });
    expect(out.data.timeline.map((t) => t.description)).toEqual([expect.stringMatching(/StopLogging/), expect.stringMatching(/sign-in as alice .*without MFA/)]);
    expect(out.data.timeline[0].rule_ids).toHaveLength(1);
  });

  it('reads files as lantern hunt does: gzip, UTF-16 and CSV exports (one event a row)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-analyze-'));
    try {
      const csv = 'EventCode,LogName,ComputerName,NewProcessName,CommandLine,SubjectUserName\r\n4688,Security,ws1,C:\\Windows\\System32\\whoami.exe,whoami /all,alice\r\n4688,Security,ws1,C:\\Windows\\System32\\net.exe,"net user /domain",\r\n';
      const write = (name: string, bytes: Buffer | string): string => {
        fs.writeFileSync(path.join(dir, name), bytes);
        return path.join(dir, name);
      };
      const rows = [
        { EventCode: '4688', LogName: 'Security', ComputerName: 'ws1', NewProcessName: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all', SubjectUserName: 'alice' },
        { EventCode: '4688', LogName: 'Security', ComputerName: 'ws1', NewProcessName: 'C:\\Windows\\System32\\net.exe', CommandLine: 'net user /domain' },
      ];
      expect(readInput(write('events.csv', csv))).toEqual({ events: { logs: rows } });
      expect(readInput(write('events.csv.gz', gzipSync(csv)))).toEqual({ events: { logs: rows } });
      expect(readInput(write('typed.csv', `#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\r\n${csv}`))).toEqual({ events: { logs: rows } });
      expect(readInput(write('u16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')])))).toEqual({ events: { logs: rows } });
      expect(runAnalyze(readInput(path.join(dir, 'events.csv')), {}, {}).meta.formats).toEqual({ windows: 2 });
      expect(readInput(write('body.json.gz', gzipSync('{"events": {"logs": []}}')))).toBe('{"events": {"logs": []}}');
      expect(() => readInput(write('bad.csv', 'a,b\n1,"x"y\n'))).toThrow(/bad\.csv: not valid CSV/);
      expect(() => readInput(write('bad.gz', 'not gzip'))).toThrow(/not a valid gzip file/);
      expect(() => readInput(write('Security.evtx', Buffer.concat([Buffer.from('ElfFile\u0000', 'latin1'), Buffer.alloc(64)])))).toThrow(/Security\.evtx: a binary Windows event log \(\.evtx\): export it first/);
      // --input-format: CSV under any name; strict JSON and XML; text as logs whatever it opens with.
      expect(readInput(write('export.txt', csv), 'csv')).toEqual({ events: { logs: rows } });
      expect(readInput(write('export2.txt', csv))).toBe(csv);
      expect(() => readInput(path.join(dir, 'export.txt'), 'json')).toThrow(/export\.txt: not JSON; --input-format json reads/);
      expect(readInput(write('body.txt', '{"events": {"logs": []}}'), 'JSON')).toBe('{"events": {"logs": []}}');
      expect(() => readInput(path.join(dir, 'export.txt'), 'xml')).toThrow(/export\.txt: no Windows event XML/);
      expect(() => readInput(write('log.xml', '<EventLog>nothing here</EventLog>'), 'xml')).toThrow(/log\.xml: no Windows event XML/);
      // JSON Lines of log lines as JSON strings, as hunt reads them; lines numbered as in the file.
      expect(readInput(write('lines.jsonl', '"Oct 11 22:14:15 host sshd[1]: Failed password"\n\n"second"\n'), 'json')).toEqual({ events: { logs: ['Oct 11 22:14:15 host sshd[1]: Failed password', 'second'] } });
      expect(() => readInput(write('lines2.jsonl', '"one"\n\n{"not": "a string"}\n'), 'json')).toThrow(/lines2\.jsonl: line 3: a JSON string was expected/);
      expect(() => runAnalyze('\n\n{"a": 1}\n\nnot json\n', {}, {})).toThrow(/line 5 is not JSON/);
      expect(readInput(write('app.log', '[1] service started\n'), 'text')).toEqual({ events: { logs: '[1] service started' } });
      expect(() => readInput(path.join(dir, 'app.log'), 'yaml')).toThrow(/unknown --input-format 'yaml' \(choose auto, json, csv, xml, text\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets --scope and --context override the file and rejects an unknown scope', () => {
    const out = runAnalyze('[{"timestamp":"2026-01-01T00:00:00Z","action":"process_create","process":"whoami.exe","host":"h"}]', { scope: 'artifact', context: 'lab' }, {});
    expect(out.data.artifact?.original).toBe('whoami.exe');
    expect(() => runAnalyze('[]', { scope: 'everything' }, {})).toThrow(AnalyzeUsageError);
  });

  it('reports a missing rules folder as a usage error', () => {
    expect(() => runAnalyze('[]', { rules: ['/nonexistent/rules'] }, {})).toThrow(/rules path not found/);
  });
});
