import { HuntWriter, correlationRecord, detectionRecord, iso, levelRank } from './hunt.output';

const rule = { id: 'r1', title: 'Quote "this", then comma', level: 'high', tags: ['attack.t1059'] };

function written(format: 'csv' | 'table' | 'json' | 'jsonl', records: Parameters<HuntWriter['record']>[0][]): string {
  let out = '';
  const writer = new HuntWriter(format, (text) => {
    out += text;
  });
  for (const record of records) writer.record(record);
  writer.finish();
  return out;
}

describe('hunt output', () => {
  it('quotes CSV cells holding commas, quotes or line breaks', () => {
    const csv = written('csv', [detectionRecord(rule, 7, Date.parse('2024-03-01T08:00:00Z'), 'a,b.jsonl')]);
    expect(csv.split('\n')[1]).toBe('detection,r1,"Quote ""this"", then comma",high,"a,b.jsonl",7,2024-03-01T08:00:00.000Z,,,');
  });

  it('keeps a table row and an explained CSV cell on one line when a matched value spans lines', () => {
    const record = { ...detectionRecord(rule, 0, undefined, 'a.json'), match: { selections: ['selection'], fields: { TaskContent: '<Task>\r\n\t<Exec/>\r\n</Task>' } } };
    let out = '';
    const writer = new HuntWriter('table', (text) => {
      out += text;
    }, { explain: true });
    writer.record(record);
    writer.finish();
    expect(out.trim().split('\n')).toHaveLength(2);
    expect(out).toContain('TaskContent=<Task>\\r\\n\\t<Exec/>\\r\\n</Task>');
  });

  it('writes the header even when there is no hit, and an empty JSON array', () => {
    expect(written('csv', [])).toBe('kind,rule_id,title,level,file,event_index,timestamp,correlation_type,group,event_indices\n');
    expect(written('json', [])).toBe('[]\n');
    expect(written('jsonl', [])).toBe('');
  });

  it('writes json as the records come, byte for byte what JSON.stringify of them all gives', () => {
    const records = [
      detectionRecord(rule, 7, Date.parse('2024-03-01T08:00:00Z'), 'a.jsonl'),
      correlationRecord({ rule, correlationType: 'event_count', group: { User: 'CORP\\alice', n: [1, { x: null }] }, eventIndices: [1, 2], firstTime: 0, lastTime: 1 }, 'a.jsonl'),
      { ...detectionRecord(rule, 8, undefined, 'b.jsonl'), match: { selections: ['selection'], fields: { CommandLine: 'a\nb "c"', Nested: { deep: [1, 2] } } } },
    ];
    for (let n = 1; n <= records.length; n++) expect(written('json', records.slice(0, n))).toBe(`${JSON.stringify(records.slice(0, n), null, 2)}\n`);
    let out = '';
    const writer = new HuntWriter('json', (text) => {
      out += text;
    });
    writer.record(records[0]);
    writer.flush();
    expect(out).toBe(`[\n${JSON.stringify(records[0], null, 2).replace(/^/gm, '  ')}`);
  });

  it('gives correlation records their group, events and times', () => {
    const record = correlationRecord(
      { rule, correlationType: 'value_count', group: { SourceIp: '10.0.0.5' }, eventIndices: Array.from({ length: 12 }, (_, i) => i), firstTime: 0, lastTime: 60_000, value: 3 },
      'x.jsonl',
    );
    expect(record).toEqual({
      rule_id: 'r1',
      title: rule.title,
      level: 'high',
      type: 'correlation',
      correlation_type: 'value_count',
      group: { SourceIp: '10.0.0.5' },
      event_indices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      file: 'x.jsonl',
      first_time: '1970-01-01T00:00:00.000Z',
      last_time: '1970-01-01T00:01:00.000Z',
    });
    expect(written('table', [record])).toMatch(/events 0,1,2,3,4,5,6,7,8,9,… \(12 events\) in x\.jsonl\n$/);
  });

  it('ranks Sigma levels, with info as informational and unknown levels below all', () => {
    expect(['informational', 'info', 'low', 'medium', 'high', 'critical', 'severe'].map(levelRank)).toEqual([0, 0, 1, 2, 3, 4, -1]);
  });
});

describe('iso', () => {
  it('formats times as Date#toISOString does, bursts within one second included', () => {
    const times = [0, 1.5, 999, 1000, 1709287200123, 1709287200999, 1709287201000, 1709287200500, -1, -1.5, -1000, -1001, 253402300799999, 253402300800000, 8.64e15, -8.64e15];
    for (const time of times) expect(iso(time)).toBe(new Date(time).toISOString());
  });

  it('has no time for an absent, infinite or out-of-range value (Date would throw)', () => {
    expect([undefined, Number.NaN, Infinity, 8.64e15 + 1].map(iso)).toEqual([null, null, null, null]);
  });
});
