import { normalizeEvent, normalizeForMatching, normalizeRequestEvents } from './normalize';
import { normalizeUserName } from './users';

describe('normalizeRequestEvents', () => {
  it('indexes events over all collections in key order, then array order, and names their ref', () => {
    const r = normalizeRequestEvents({
      logs: [{ action: 'login', user: 'a' }, { action: 'logout', user: 'a' }],
      alerts: [{ source: 'ids', action: 'alert' }],
    });
    expect(r.events.map((e) => [e.index, e.ref])).toEqual([
      [0, 'logs[0]'],
      [1, 'logs[1]'],
      [2, 'alerts[0]'],
    ]);
  });

  it('keeps the original event untouched as raw', () => {
    const raw = { EventID: 4624, Channel: 'Security', TargetUserName: 'x' };
    const copy = JSON.parse(JSON.stringify(raw));
    const r = normalizeRequestEvents({ logs: [raw] });
    expect(r.events[0].raw).toBe(raw);
    expect(raw).toEqual(copy);
  });

  it('splits a plain string value into one event per non-empty line', () => {
    const r = normalizeRequestEvents({ syslog: 'first line\n\nsecond line\r\nthird line\n' });
    expect(r.events.map((e) => [e.ref, e.message])).toEqual([
      ['syslog[0]', 'first line'],
      ['syslog[2]', 'second line'],
      ['syslog[3]', 'third line'],
    ]);
  });

  it('parses JSON lines as objects', () => {
    const r = normalizeRequestEvents({ logs: ['{"EventID": 4625, "Channel": "Security", "TargetUserName": "bob"}'] });
    expect(r.events[0].format).toBe('windows');
    expect(r.events[0].action).toBe('logon_failed');
  });

  it('reads a string holding a JSON array or a pretty-printed object, and JSON Lines line by line', () => {
    const r = normalizeRequestEvents({
      a: '[{"action": "login", "user": "a"}, {"action": "logout", "user": "a"}]',
      b: '{\n  "EventID": 4625,\n  "Channel": "Security"\n}',
      c: '{"action": "login", "user": "b"}\n{"action": "logout", "user": "b"}',
    });
    expect(r.events.map((e) => [e.ref, e.action])).toEqual([
      ['a[0]', 'logon'],
      ['a[1]', 'logoff'],
      ['b', 'logon_failed'],
      ['c[0]', 'logon'],
      ['c[1]', 'logoff'],
    ]);
  });

  it('walks folders of arrays such as a CloudTrail export', () => {
    const r = normalizeRequestEvents({ cloudtrail: { Records: [{ x: 1 }, { y: 2 }] } });
    expect(r.events.map((e) => e.ref)).toEqual(['cloudtrail.Records[0]', 'cloudtrail.Records[1]']);
  });

  it('reads a Log Analytics (Sentinel) query response a row at a time, keyed by its column names', () => {
    const response = {
      tables: [
        {
          name: 'PrimaryResult',
          columns: [{ name: 'TimeGenerated', type: 'datetime' }, { name: 'EventID', type: 'int' }, { name: 'Channel', type: 'string' }, { name: 'Computer', type: 'string' }, { name: 'NewProcessName', type: 'string' }, { name: 'CommandLine', type: 'string' }, { name: 'ParentProcessName', type: 'string' }],
          rows: [
            ['2024-03-01T10:00:00Z', 4688, 'Security', 'ws1', 'C:\\Windows\\System32\\whoami.exe', 'whoami /all', null],
            ['2024-03-01T10:00:05Z', 4688, 'Security', 'ws1', 'C:\\Windows\\System32\\net.exe', 'net user /domain', ''],
          ],
        },
      ],
    };
    const { events } = normalizeRequestEvents({ sentinel: response });
    expect(events.map((e) => e.ref)).toEqual(['sentinel.tables[0].rows[0]', 'sentinel.tables[0].rows[1]']);
    expect(events[0]).toMatchObject({ logsource: { product: 'windows', service: 'security', category: 'process_creation' }, time: Date.parse('2024-03-01T10:00:00Z') });
    expect(events[0].fields).toMatchObject({ CommandLine: 'whoami /all', NewProcessName: 'C:\\Windows\\System32\\whoami.exe' });
    expect(events[1].fields.ParentProcessName).toBeUndefined();
  });

  it('walks a collection among events (JSON Lines of CloudTrail files), and keeps an event with lists as one', () => {
    const r = normalizeRequestEvents({ logs: [{ Records: [{ eventName: 'A', eventSource: 's3.amazonaws.com' }, { eventName: 'B', eventSource: 's3.amazonaws.com' }] }, { EventID: 1 }, { tags: ['a'], name: 'x' }] });
    expect(r.events.map((e) => e.ref)).toEqual(['logs[0].Records[0]', 'logs[0].Records[1]', 'logs[1]', 'logs[2]']);
  });

  it('walks exports that keep a paging value beside their events (lookup-events, Microsoft Graph), and no other scalar', () => {
    const r = normalizeRequestEvents({
      lookup: { Events: [{ EventName: 'ConsoleLogin' }, { EventName: 'StopLogging' }], NextToken: 'abc' },
      graph: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns', value: [{ id: '1' }], '@odata.nextLink': 'https://x' },
      empty: { '@odata.count': 0, value: [] },
    });
    expect(r.events.map((e) => e.ref)).toEqual(['lookup.Events[0]', 'lookup.Events[1]', 'graph.value[0]']);
    // A lookup-events entry is read as the CloudTrail record it holds as text.
    const record = { eventVersion: '1.08', eventTime: '2024-03-01T10:00:00Z', eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', userIdentity: { type: 'IAMUser', userName: 'alice' }, sourceIPAddress: '203.0.113.5' };
    const [entry] = normalizeRequestEvents({ lookup: { Events: [{ EventId: '1', EventName: 'StopLogging', EventSource: 'cloudtrail.amazonaws.com', CloudTrailEvent: JSON.stringify(record) }] } }).events;
    expect(entry).toMatchObject({ format: 'cloudtrail', logsource: { product: 'aws', service: 'cloudtrail' }, time: Date.parse('2024-03-01T10:00:00Z') });
    expect(entry.fields).toMatchObject({ eventName: 'StopLogging', sourceIPAddress: '203.0.113.5' });
    expect(normalizeForMatching({ EventName: 'X', CloudTrailEvent: JSON.stringify(record) }, 0).fields).toMatchObject({ eventName: 'StopLogging' });
    // A unified audit log row (Purview's CSV export) is read as its AuditData record.
    const audit = { CreationTime: '2024-03-01T10:00:00', Id: 'a1', Operation: 'New-InboxRule', RecordType: 1, UserId: 'bob@contoso.com', Workload: 'Exchange', ClientIP: '203.0.113.9:50000' };
    const [row] = normalizeRequestEvents({ csv: [{ RecordId: 'a1', CreationDate: '2024-03-01T10:00:00.0000000Z', RecordType: 'ExchangeAdmin', Operation: 'New-InboxRule', UserId: 'bob@contoso.com', AuditData: JSON.stringify(audit) }] }).events;
    expect(row).toMatchObject({ format: 'm365', logsource: { product: 'm365' } });
    expect(row.fields).toMatchObject({ Workload: 'Exchange', Operation: 'New-InboxRule' });
    // An event with a list of objects among its fields stays one event; so does a paging key holding an object.
    const one = normalizeRequestEvents({ trail: [{ eventName: 'PutObject', resources: [{ ARN: 'arn:aws:s3:::b' }], NextToken: 'x' }], odd: { NextToken: { a: 1 }, value: [{ id: '2' }] } });
    expect(one.events.map((e) => e.ref)).toEqual(['trail[0]', 'odd']);
  });

  it('walks an Elasticsearch search response and unwraps hits and Splunk results', () => {
    const r = normalizeRequestEvents({
      es: { took: 3, hits: { total: { value: 1 }, hits: [{ _index: 'logs', _id: '1', _source: { EventID: 4625, Channel: 'Security', TargetUserName: 'x' } }] } },
      splunk: [{ preview: false, result: { source: 'firewall', action: 'deny', src_ip: '1.2.3.4', dst_ip: '10.0.0.1', dst_port: 22 } }],
    });
    expect(r.events.map((e) => [e.ref, e.format])).toEqual([
      ['es.hits.hits[0]', 'windows'],
      ['splunk[0]', 'firewall'],
    ]);
  });

  it('never drops what it cannot recognise: unknown format, fields kept, empty logsource', () => {
    const r = normalizeRequestEvents({ logs: [{ weird: { nested: 'payload 1.2.3.4' } }, 42, null, 'gibberish line'] });
    expect(r.events).toHaveLength(4);
    expect(r.events.every((e) => e.format === 'unknown')).toBe(true);
    expect(r.events[0].fields.weird).toEqual({ nested: 'payload 1.2.3.4' });
    expect(r.events[0].logsource).toEqual({});
    expect(r.formats).toEqual({ unknown: 4 });
    expect(r.untimed).toBe(4);
  });

  it('counts events per format and untimed events', () => {
    const r = normalizeRequestEvents({
      logs: [
        { timestamp: '2026-01-01T00:00:00Z', source: 'firewall', action: 'deny', src_ip: '1.2.3.4', dst_ip: '10.0.0.1', dst_port: 22 },
        { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: 'C:\\a.exe' },
      ],
    });
    expect(r.formats).toEqual({ firewall: 1, sysmon: 1 });
    expect(r.untimed).toBe(1);
  });

  it('tolerates a missing or empty events object', () => {
    expect(normalizeRequestEvents({}).events).toEqual([]);
  });
});

describe('event.entities', () => {
  const raw = { EventID: 4625, Channel: 'Security', TargetUserName: 'bob', IpAddress: '203.0.113.9' };

  it('behaves as a plain enumerable property (spread, JSON, reassignment)', () => {
    const ev = normalizeEvent(raw, 0, 'x');
    expect({ ...ev }.entities).toMatchObject({ targetUser: 'bob', srcIp: '203.0.113.9' });
    expect(JSON.parse(JSON.stringify({ ...ev, raw: undefined })).entities.srcIp).toBe('203.0.113.9');
    ev.entities = { user: 'other' };
    expect(ev.entities).toEqual({ user: 'other' });
  });

  it('returns the same object on every read', () => {
    const ev = normalizeEvent(raw, 0, 'x');
    expect(ev.entities).toBe(ev.entities);
  });
});

describe('normalizeEvent', () => {
  it('does not throw on hostile shapes', () => {
    const cyclic: Record<string, unknown> = { action: 'login' };
    cyclic.self = cyclic;
    expect(() => normalizeEvent(cyclic, 0, 'x')).not.toThrow();
    expect(() => normalizeEvent({ EventID: 'x', Channel: {}, Event: 5 }, 0, 'x')).not.toThrow();
    expect(() => normalizeEvent([1, 2], 0, 'x')).not.toThrow();
    expect(() => normalizeEvent({ Event: { System: 'oops' } }, 0, 'x')).not.toThrow();
  });
});

describe('normalizeUserName', () => {
  it('reduces DOMAIN\\user, user@domain and case to one comparable form', () => {
    expect(normalizeUserName('CORP\\TLee')).toBe('tlee');
    expect(normalizeUserName('tlee@corp.example')).toBe('tlee');
    expect(normalizeUserName('tlee')).toBe('tlee');
  });
});

describe('normalizeForMatching', () => {
  const windowsRecords: unknown[] = [
    // Flat Sysmon export used as its own field view, with a trailing blank cmd.exe leaves.
    { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd.exe /c x.bat ', UtcTime: '2024-03-01 10:00:00.123' },
    // Flat Security record that the alias tables and renderings extend (4688 User, padded hex).
    { EventID: 4688, Channel: 'Security', NewProcessName: 'C:\\x.exe', SubjectUserSid: 'S-1-5-18', SubjectLogonId: '0x00000000000003e7', TimeCreated: '2024-03-01T10:00:01Z' },
    // Flat export without Channel: service from the event id.
    { EventID: 4624, TargetUserName: 'bob', LogonType: 3, '@timestamp': '2024-03-01T10:00:02.5Z' },
    // evtx dump and Winlogbeat shapes.
    { Event: { System: { EventID: 7045, Channel: 'System', Provider: { '#attributes': { Name: 'Service Control Manager' } }, TimeCreated: { '#attributes': { SystemTime: '2024-03-01T10:00:03Z' } } }, EventData: { Data: [{ '#attributes': { Name: 'ImagePath' }, '#text': 'C:\\svc.exe' }] } } },
    { winlog: { event_id: 4104, channel: 'Microsoft-Windows-PowerShell/Operational', event_data: { ScriptBlockText: 'iex x' } }, '@timestamp': '2024-03-01T10:00:04Z' },
    // Elasticsearch hit around a Sysmon record; a record with no time at all.
    { _index: 'logs', _source: { EventID: 3, Channel: 'Microsoft-Windows-Sysmon/Operational', DestinationPort: 443, UtcTime: '2024-03-01 10:00:05.000' } },
    { EventID: 7, Channel: 'Microsoft-Windows-Sysmon/Operational', ImageLoaded: 'C:\\a.dll' },
  ];

  it('gives rule matching the fields, logsource and time the full normaliser gives Windows records', () => {
    for (const raw of windowsRecords) {
      const full = normalizeEvent(JSON.parse(JSON.stringify(raw)), 0, 'r');
      const forMatching = normalizeForMatching(JSON.parse(JSON.stringify(raw)), 0);
      expect({ fields: forMatching.fields, logsource: forMatching.logsource, time: forMatching.time }).toEqual({
        fields: full.fields,
        logsource: full.logsource,
        time: full.time,
      });
    }
  });

  it('reads the time of a Windows record from the record itself', () => {
    const event = normalizeForMatching({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', UtcTime: '2024-03-01 10:00:00.123' }, 7);
    expect(event.index).toBe(7);
    expect(event.time).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 123));
  });
});
