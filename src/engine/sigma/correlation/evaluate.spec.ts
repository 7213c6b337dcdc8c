import type { RuleRef } from '../../model';
import { correlationFieldNames, evaluateCorrelations, hiddenRuleKeys, isReported } from './evaluate';
import { parseCorrelationRule } from './parse';
import type { CorrelationInput, CorrelationRule, SigmaEvent } from './types';

const T0 = Date.parse('2024-03-01T10:00:00Z');
const SEC = 1000;
const MIN = 60 * SEC;

function detection(name: string): RuleRef {
  return { id: `id-${name}`, name, title: name, level: 'low', tags: [] };
}

function correlation(correlationSection: Record<string, unknown>, meta: Record<string, unknown> = {}): CorrelationRule {
  const rule = parseCorrelationRule({ title: 'Correlation', id: 'corr-1', correlation: correlationSection, ...meta }, 'c.yml');
  if ('error' in rule) throw new Error(rule.error);
  return rule;
}

/** Builds events with increasing indices and detection hits for the named rules. */
class Batch {
  readonly inputs: CorrelationInput[] = [];
  private next = 0;

  add(rules: string | string[], fields: Record<string, unknown>, time?: number): number {
    const event: SigmaEvent = { index: this.next++, fields, logsource: {}, time };
    for (const name of ([] as string[]).concat(rules)) this.inputs.push({ rule: detection(name), event });
    return event.index;
  }
}

const failedByUser = (condition: Record<string, unknown>, timespan = '5m') =>
  correlation({ type: 'event_count', rules: ['failed'], 'group-by': ['User'], timespan, condition });

describe('event_count', () => {
  it('fires when a group reaches the count within the timespan, citing its events and times', () => {
    const batch = new Batch();
    const ids = [0, 1, 2].map((i) => batch.add('failed', { User: 'alice' }, T0 + i * MIN));
    const [hit, ...rest] = evaluateCorrelations([failedByUser({ gte: 3 })], batch.inputs);
    expect(rest).toEqual([]);
    expect(hit).toEqual({
      rule: expect.objectContaining({ id: 'corr-1', title: 'Correlation' }),
      correlationType: 'event_count',
      group: { User: 'alice' },
      eventIndices: ids,
      firstTime: T0,
      lastTime: T0 + 2 * MIN,
      value: 3,
    });
  });

  it('finds bursts anywhere in a long group, before and after the entries it has let go', () => {
    // 3,000 quiet events ten minutes apart, with two bursts of three: past the 1,024 entries a group releases at once.
    const batch = new Batch();
    const bursts: number[][] = [];
    for (let i = 0; i < 3000; i++) {
      const first = batch.add('failed', { User: 'alice' }, T0 + i * 10 * MIN);
      if (i === 1500 || i === 2500) bursts.push([first, batch.add('failed', { User: 'alice' }, T0 + i * 10 * MIN + SEC), batch.add('failed', { User: 'alice' }, T0 + i * 10 * MIN + 2 * SEC)]);
    }
    const hits = evaluateCorrelations([failedByUser({ gte: 3 })], batch.inputs);
    expect(hits.map((hit) => hit.eventIndices)).toEqual(bursts);
    // Pairs ten minutes apart: a 15-minute window sees each pair, and only a pair, from first to last.
    const quiet = new Batch();
    for (let i = 0; i < 3000; i++) quiet.add('failed', { User: 'alice' }, T0 + i * 10 * MIN);
    const pairs = evaluateCorrelations([failedByUser({ gte: 2 }, '15m')], quiet.inputs);
    expect(pairs).toHaveLength(1500);
    expect(pairs.every((hit, i) => hit.eventIndices.join() === `${2 * i},${2 * i + 1}`)).toBe(true);
    // A window that holds the whole group still sees every entry.
    expect(evaluateCorrelations([failedByUser({ gte: 3004 }, '30d')], batch.inputs).map((hit) => hit.value)).toEqual([3004]);
  });

  it('counts each group separately (group-by is not ignored)', () => {
    const batch = new Batch();
    batch.add('failed', { User: 'alice' }, T0);
    batch.add('failed', { User: 'bob' }, T0 + SEC);
    batch.add('failed', { User: 'carol' }, T0 + 2 * SEC);
    expect(evaluateCorrelations([failedByUser({ gte: 3 })], batch.inputs)).toEqual([]);
  });

  it('does not let a window run past its timespan', () => {
    const batch = new Batch();
    [0, 4, 8].forEach((m) => batch.add('failed', { User: 'alice' }, T0 + m * MIN));
    expect(evaluateCorrelations([failedByUser({ gte: 3 })], batch.inputs)).toEqual([]);
  });

  it('includes both ends of the timespan', () => {
    const batch = new Batch();
    [0, 2, 5].forEach((m) => batch.add('failed', { User: 'alice' }, T0 + m * MIN));
    const hits = evaluateCorrelations([failedByUser({ gte: 3 })], batch.inputs);
    expect(hits.map((h) => h.eventIndices)).toEqual([[0, 1, 2]]);
  });

  it('gives the same answer for out-of-order input', () => {
    const batch = new Batch();
    batch.add('failed', { User: 'alice' }, T0 + 4 * MIN);
    batch.add('failed', { User: 'alice' }, T0 + 20 * MIN);
    batch.add('failed', { User: 'alice' }, T0);
    batch.add('failed', { User: 'alice' }, T0 + 2 * MIN);
    const hits = evaluateCorrelations([failedByUser({ gte: 3 })], batch.inputs);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ eventIndices: [0, 2, 3], firstTime: T0, lastTime: T0 + 4 * MIN });
  });

  it('reports a burst once, not once per overlapping window', () => {
    const batch = new Batch();
    for (let i = 0; i < 20; i++) batch.add('failed', { User: 'alice' }, T0 + i * SEC);
    const hits = evaluateCorrelations([failedByUser({ gte: 3 })], batch.inputs);
    expect(hits).toHaveLength(1);
    expect(hits[0].eventIndices).toHaveLength(20);
    expect(hits[0].value).toBe(20);
  });

  it('splits a long stream into non-overlapping windows no longer than the timespan', () => {
    const batch = new Batch();
    for (let i = 0; i < 180; i++) batch.add('failed', { User: 'alice' }, T0 + i * MIN);
    const hits = evaluateCorrelations([failedByUser({ gte: 10 }, '1h')], batch.inputs);
    expect(hits).toHaveLength(3);
    const seen = new Set<number>();
    for (const hit of hits) {
      expect((hit.lastTime ?? 0) - (hit.firstTime ?? 0)).toBeLessThanOrEqual(60 * MIN);
      for (const index of hit.eventIndices) {
        expect(seen.has(index)).toBe(false);
        seen.add(index);
      }
    }
    expect(seen.size).toBe(180);
  });

  it('reads times with a timezone offset as the instant they name', () => {
    // 10:00+02:00 is 08:00Z: 2h10 before 10:10Z, although the wall clocks differ by 10 minutes.
    const batch = new Batch();
    batch.add('failed', { User: 'alice' }, Date.parse('2024-03-01T10:00:00+02:00'));
    batch.add('failed', { User: 'alice' }, Date.parse('2024-03-01T10:10:00Z'));
    expect(evaluateCorrelations([failedByUser({ gte: 2 }, '30m')], batch.inputs)).toEqual([]);

    // 10:00+02:00 and 08:20Z are 20 minutes apart, although the wall clocks differ by 1h40.
    const near = new Batch();
    near.add('failed', { User: 'alice' }, Date.parse('2024-03-01T10:00:00+02:00'));
    near.add('failed', { User: 'alice' }, Date.parse('2024-03-01T08:20:00Z'));
    const hits = evaluateCorrelations([failedByUser({ gte: 2 }, '30m')], near.inputs);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ firstTime: Date.parse('2024-03-01T08:00:00Z'), lastTime: Date.parse('2024-03-01T08:20:00Z') });
  });

  it('leaves events lacking a group-by field out of every group', () => {
    const batch = new Batch();
    batch.add('failed', { User: 'alice' }, T0);
    batch.add('failed', {}, T0 + SEC);
    batch.add('failed', { User: null }, T0 + 2 * SEC);
    batch.add('failed', { User: 'alice' }, T0 + 3 * SEC);
    expect(evaluateCorrelations([failedByUser({ gte: 3 })], batch.inputs)).toEqual([]);
    const hits = evaluateCorrelations([failedByUser({ gte: 2 })], batch.inputs);
    expect(hits.map((h) => h.eventIndices)).toEqual([[0, 3]]);
  });

  it('groups on several fields at once (AND)', () => {
    const batch = new Batch();
    batch.add('failed', { User: 'alice', Computer: 'a' }, T0);
    batch.add('failed', { User: 'alice', Computer: 'b' }, T0 + SEC);
    batch.add('failed', { User: 'alice', Computer: 'a' }, T0 + 2 * SEC);
    const rule = correlation({ type: 'event_count', rules: ['failed'], 'group-by': ['User', 'Computer'], timespan: '5m', condition: { gte: 2 } });
    const hits = evaluateCorrelations([rule], batch.inputs);
    expect(hits.map((h) => h.group)).toEqual([{ User: 'alice', Computer: 'a' }]);
  });

  it('reads nested fields by dotted path', () => {
    const batch = new Batch();
    batch.add('failed', { user: { name: 'alice' } }, T0);
    batch.add('failed', { user: { name: 'alice' } }, T0 + SEC);
    const rule = correlation({ type: 'event_count', rules: ['failed'], 'group-by': ['user.name'], timespan: '5m', condition: { gte: 2 } });
    expect(evaluateCorrelations([rule], batch.inputs).map((h) => h.group)).toEqual([{ 'user.name': 'alice' }]);
  });

  it('finds a group-by field whatever its case in the event', () => {
    const batch = new Batch();
    batch.add('failed', { user: 'alice' }, T0);
    batch.add('failed', { USER: 'alice' }, T0 + SEC);
    expect(evaluateCorrelations([failedByUser({ gte: 2 })], batch.inputs).map((h) => h.group)).toEqual([{ User: 'alice' }]);
  });

  it('counts an event matched by two referenced rules once', () => {
    const batch = new Batch();
    batch.add(['failed', 'other'], { User: 'alice' }, T0);
    batch.add('failed', { User: 'alice' }, T0 + SEC);
    const rule = correlation({ type: 'event_count', rules: ['failed', 'other'], 'group-by': ['User'], timespan: '5m', condition: { gte: 3 } });
    expect(evaluateCorrelations([rule], batch.inputs)).toEqual([]);
    const two = correlation({ type: 'event_count', rules: ['failed', 'other'], 'group-by': ['User'], timespan: '5m', condition: { eq: 2 } });
    expect(evaluateCorrelations([two], batch.inputs).map((h) => h.value)).toEqual([2]);
  });

  it('ignores duplicated detection hits', () => {
    const batch = new Batch();
    batch.add('failed', { User: 'alice' }, T0);
    batch.inputs.push(batch.inputs[0]);
    expect(evaluateCorrelations([failedByUser({ gte: 2 })], batch.inputs)).toEqual([]);
  });

  it('references rules by id as well as by name', () => {
    const batch = new Batch();
    batch.add('failed', { User: 'alice' }, T0);
    batch.add('failed', { User: 'alice' }, T0 + SEC);
    const byId = correlation({ type: 'event_count', rules: ['id-failed'], 'group-by': ['User'], timespan: '5m', condition: { gte: 2 } });
    expect(evaluateCorrelations([byId], batch.inputs)).toHaveLength(1);
  });

  it('forms one group for all events when group-by is absent', () => {
    const batch = new Batch();
    batch.add('failed', { User: 'alice' }, T0);
    batch.add('failed', { User: 'bob' }, T0 + SEC);
    const rule = correlation({ type: 'event_count', rules: ['failed'], timespan: '5m', condition: { gte: 2 } });
    expect(evaluateCorrelations([rule], batch.inputs).map((h) => h.group)).toEqual([{}]);
  });
});

describe('conditions', () => {
  function countsFor(condition: Record<string, unknown>, burst: number): number[] {
    const batch = new Batch();
    for (let i = 0; i < burst; i++) batch.add('failed', { User: 'alice' }, T0 + i * SEC);
    return evaluateCorrelations([failedByUser(condition)], batch.inputs).map((h) => h.value ?? -1);
  }

  it.each([
    [{ gt: 3 }, 3, []],
    [{ gt: 3 }, 4, [4]],
    [{ gte: 3 }, 3, [3]],
    [{ lt: 3 }, 2, [2]],
    [{ lt: 3 }, 3, []],
    [{ lte: 3 }, 3, [3]],
    [{ eq: 3 }, 3, [3]],
    [{ eq: 3 }, 4, []],
    [{ neq: 3 }, 3, []],
    [{ neq: 3 }, 2, [2]],
  ])('%p with a burst of %d events reports %p', (condition, burst, expected) => {
    expect(countsFor(condition, burst)).toEqual(expected);
  });

  it('does not read "fewer than 3 in 5 minutes" into the first events of a bigger burst', () => {
    expect(countsFor({ lt: 3 }, 10)).toEqual([]);
  });
});

describe('value_count', () => {
  const rule = correlation({ type: 'value_count', rules: ['failed'], 'group-by': ['SourceIp'], timespan: '10m', condition: { field: 'User', gte: 3 } });

  it('counts distinct values of the field per group', () => {
    const batch = new Batch();
    ['alice', 'bob', 'alice', 'carol'].forEach((user, i) => batch.add('failed', { SourceIp: '10.0.0.5', User: user }, T0 + i * SEC));
    const hits = evaluateCorrelations([rule], batch.inputs);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ group: { SourceIp: '10.0.0.5' }, value: 3, eventIndices: [0, 1, 2, 3] });
  });

  it('does not count repeats of one value', () => {
    const batch = new Batch();
    for (let i = 0; i < 10; i++) batch.add('failed', { SourceIp: '10.0.0.5', User: i % 2 ? 'alice' : 'bob' }, T0 + i * SEC);
    expect(evaluateCorrelations([rule], batch.inputs)).toEqual([]);
  });

  it('counts distinct combinations when the field is a list', () => {
    const combos = correlation({ type: 'value_count', rules: ['failed'], 'group-by': ['SourceIp'], timespan: '10m', condition: { field: ['User', 'Domain'], gte: 2 } });
    const batch = new Batch();
    batch.add('failed', { SourceIp: 'x', User: 'alice', Domain: 'A' }, T0);
    batch.add('failed', { SourceIp: 'x', User: 'alice', Domain: 'B' }, T0 + SEC);
    expect(evaluateCorrelations([combos], batch.inputs).map((h) => h.value)).toEqual([2]);
  });
});

describe('value_sum and value_avg', () => {
  it('sums a numeric field (numbers and numeric strings) per group', () => {
    const rule = correlation({ type: 'value_sum', rules: ['web'], 'group-by': ['SourceIp'], timespan: '1h', condition: { field: 'bytes_sent', gt: 1000 } });
    const batch = new Batch();
    batch.add('web', { SourceIp: 'a', bytes_sent: 600 }, T0);
    batch.add('web', { SourceIp: 'a', bytes_sent: '500' }, T0 + MIN);
    batch.add('web', { SourceIp: 'a', bytes_sent: 'n/a' }, T0 + 2 * MIN);
    batch.add('web', { SourceIp: 'b', bytes_sent: 900 }, T0 + 3 * MIN);
    const hits = evaluateCorrelations([rule], batch.inputs);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ correlationType: 'value_sum', group: { SourceIp: 'a' }, value: 1100 });
  });

  it('averages a numeric field per group', () => {
    const rule = correlation({ type: 'value_avg', rules: ['web'], 'group-by': ['SourceIp'], timespan: '1h', condition: { field: 'BytesOut', gt: 500 } });
    const batch = new Batch();
    batch.add('web', { SourceIp: 'a', BytesOut: 400 }, T0);
    batch.add('web', { SourceIp: 'a', BytesOut: 800 }, T0 + MIN);
    batch.add('web', { SourceIp: 'b', BytesOut: 400 }, T0);
    batch.add('web', { SourceIp: 'b', BytesOut: 500 }, T0 + MIN);
    const hits = evaluateCorrelations([rule], batch.inputs);
    expect(hits.map((h) => [h.group, h.value])).toEqual([[{ SourceIp: 'a' }, 600]]);
  });

  it('does not fire on a group without any numeric value', () => {
    const rule = correlation({ type: 'value_avg', rules: ['web'], 'group-by': ['SourceIp'], timespan: '1h', condition: { field: 'BytesOut', lt: 5 } });
    const batch = new Batch();
    batch.add('web', { SourceIp: 'a', BytesOut: 'none' }, T0);
    expect(evaluateCorrelations([rule], batch.inputs)).toEqual([]);
  });
});

describe('value_percentile', () => {
  it('compares the given percentile of the field (pySigma `percentile`)', () => {
    const rule = correlation({ type: 'value_percentile', rules: ['web'], 'group-by': ['Host'], timespan: '1h', condition: { field: 'Duration', percentile: 90, gt: 50 } });
    const batch = new Batch();
    for (let i = 1; i <= 10; i++) batch.add('web', { Host: 'a', Duration: i * 10 }, T0 + i * SEC);
    for (let i = 1; i <= 10; i++) batch.add('web', { Host: 'b', Duration: i }, T0 + i * SEC);
    const hits = evaluateCorrelations([rule], batch.inputs);
    expect(hits.map((h) => [h.group, h.value])).toEqual([[{ Host: 'a' }, 90]]);
  });

  it('computes the percentile of each window as it slides', () => {
    const rule = correlation({ type: 'value_percentile', rules: ['web'], 'group-by': ['Host'], timespan: '1h', condition: { field: 'Duration', percentile: 50, gt: 50 } });
    const batch = new Batch();
    for (let i = 0; i < 10; i++) batch.add('web', { Host: 'a', Duration: 1 }, T0 + i * MIN);
    for (let i = 0; i < 10; i++) batch.add('web', { Host: 'a', Duration: 100 }, T0 + (50 + i) * MIN);
    for (let i = 0; i < 10; i++) batch.add('web', { Host: 'a', Duration: 100 }, T0 + (115 + i) * MIN);
    const hits = evaluateCorrelations([rule], batch.inputs);
    // Minutes 0-59 hold ten 1s and ten 100s: median 1. Minutes 50-59 alone lie inside that window
    // (both the window from minute 0 and the pySigma window ending at minute 59 include the 1s), so
    // the first window to tell is 55-115 (five 100s, then the first of the third run): median 100.
    expect(hits.map((h) => [h.eventIndices[0], h.eventIndices.length, h.value])).toEqual([[15, 6, 100], [21, 9, 100]]);
  });

  it('without `percentile`, reports the values rarer than the threshold share (the spec example)', () => {
    const rule = correlation({ type: 'value_percentile', rules: ['proc'], 'group-by': ['ComputerName'], timespan: '24h', condition: { field: 'Image', lte: 1 } });
    const batch = new Batch();
    for (let i = 0; i < 199; i++) batch.add('proc', { ComputerName: 'pc1', Image: i % 2 ? 'svchost.exe' : 'explorer.exe' }, T0 + i * SEC);
    const rare = batch.add('proc', { ComputerName: 'pc1', Image: 'mimikatz.exe' }, T0 + 500 * SEC);
    const hits = evaluateCorrelations([rule], batch.inputs);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ group: { ComputerName: 'pc1', Image: 'mimikatz.exe' }, eventIndices: [rare], value: 0.5 });
  });
});

describe('temporal', () => {
  const rule = correlation({ type: 'temporal', rules: ['recon_a', 'recon_b', 'recon_c'], 'group-by': ['Computer', 'User'], timespan: '5m' });

  it('fires when every referenced rule hits in any order within the timespan', () => {
    const batch = new Batch();
    batch.add('recon_c', { Computer: 'pc', User: 'u' }, T0);
    batch.add('recon_a', { Computer: 'pc', User: 'u' }, T0 + MIN);
    batch.add('recon_b', { Computer: 'pc', User: 'u' }, T0 + 2 * MIN);
    const hits = evaluateCorrelations([rule], batch.inputs);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ correlationType: 'temporal', group: { Computer: 'pc', User: 'u' }, eventIndices: [0, 1, 2], value: 3 });
  });

  it('needs all rules, in the same group, within the timespan', () => {
    const missing = new Batch();
    missing.add('recon_a', { Computer: 'pc', User: 'u' }, T0);
    missing.add('recon_a', { Computer: 'pc', User: 'u' }, T0 + SEC);
    missing.add('recon_b', { Computer: 'pc', User: 'u' }, T0 + 2 * SEC);
    expect(evaluateCorrelations([rule], missing.inputs)).toEqual([]);

    const otherUser = new Batch();
    otherUser.add('recon_a', { Computer: 'pc', User: 'u' }, T0);
    otherUser.add('recon_b', { Computer: 'pc', User: 'u' }, T0 + SEC);
    otherUser.add('recon_c', { Computer: 'pc', User: 'v' }, T0 + 2 * SEC);
    expect(evaluateCorrelations([rule], otherUser.inputs)).toEqual([]);

    const tooSlow = new Batch();
    tooSlow.add('recon_a', { Computer: 'pc', User: 'u' }, T0);
    tooSlow.add('recon_b', { Computer: 'pc', User: 'u' }, T0 + 3 * MIN);
    tooSlow.add('recon_c', { Computer: 'pc', User: 'u' }, T0 + 6 * MIN);
    expect(evaluateCorrelations([rule], tooSlow.inputs)).toEqual([]);
  });

  it('honours an explicit condition on the number of distinct rules', () => {
    const twoOfThree = correlation({ type: 'temporal', rules: ['recon_a', 'recon_b', 'recon_c'], 'group-by': ['User'], timespan: '5m', condition: { gte: 2 } });
    const batch = new Batch();
    batch.add('recon_a', { User: 'u' }, T0);
    batch.add('recon_c', { User: 'u' }, T0 + SEC);
    expect(evaluateCorrelations([twoOfThree], batch.inputs).map((h) => h.value)).toEqual([2]);
  });

  it('joins different field names through aliases (spec example)', () => {
    const aliased = correlation({
      type: 'temporal',
      rules: ['internal_error', 'new_network_connection'],
      'group-by': ['internal_ip', 'remote_ip'],
      timespan: '10s',
      aliases: {
        internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' },
        remote_ip: { internal_error: 'source.ip', new_network_connection: 'destination.ip' },
      },
    });
    const batch = new Batch();
    batch.add('internal_error', { 'destination.ip': '10.0.0.1', 'source.ip': '203.0.113.9' }, T0);
    batch.add('new_network_connection', { source: { ip: '10.0.0.1' }, destination: { ip: '203.0.113.9' } }, T0 + 5 * SEC);
    batch.add('new_network_connection', { source: { ip: '10.0.0.2' }, destination: { ip: '203.0.113.9' } }, T0 + 6 * SEC);
    const hits = evaluateCorrelations([aliased], batch.inputs);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ group: { internal_ip: '10.0.0.1', remote_ip: '203.0.113.9' }, eventIndices: [0, 1] });
  });
});

describe('temporal_ordered', () => {
  const rule = correlation({ type: 'temporal_ordered', rules: ['a', 'b', 'c'], 'group-by': ['User'], timespan: '5m' });

  it('fires when the rules hit in the given order', () => {
    const batch = new Batch();
    batch.add('a', { User: 'u' }, T0);
    batch.add('b', { User: 'u' }, T0 + MIN);
    batch.add('c', { User: 'u' }, T0 + 2 * MIN);
    expect(evaluateCorrelations([rule], batch.inputs).map((h) => h.eventIndices)).toEqual([[0, 1, 2]]);
  });

  it('does not fire when the order differs, though all rules hit', () => {
    const batch = new Batch();
    batch.add('c', { User: 'u' }, T0);
    batch.add('b', { User: 'u' }, T0 + MIN);
    batch.add('a', { User: 'u' }, T0 + 2 * MIN);
    expect(evaluateCorrelations([rule], batch.inputs)).toEqual([]);
    const temporal = correlation({ type: 'temporal', rules: ['a', 'b', 'c'], 'group-by': ['User'], timespan: '5m' });
    expect(evaluateCorrelations([temporal], batch.inputs)).toHaveLength(1);
  });

  it('orders on event time, not input position', () => {
    const batch = new Batch();
    batch.add('c', { User: 'u' }, T0 + 2 * MIN);
    batch.add('a', { User: 'u' }, T0);
    batch.add('b', { User: 'u' }, T0 + MIN);
    expect(evaluateCorrelations([rule], batch.inputs).map((h) => h.eventIndices)).toEqual([[0, 1, 2]]);
  });

  it('finds the ordered chain among noise and cites only its events', () => {
    const batch = new Batch();
    batch.add('b', { User: 'u' }, T0);
    batch.add('a', { User: 'u' }, T0 + SEC);
    batch.add('c', { User: 'u' }, T0 + 2 * SEC);
    batch.add('b', { User: 'u' }, T0 + 3 * SEC);
    batch.add('c', { User: 'u' }, T0 + 4 * SEC);
    const hits = evaluateCorrelations([rule], batch.inputs);
    expect(hits.map((h) => h.eventIndices)).toEqual([[1, 3, 4]]);
  });

  it('does not let one event stand for two steps', () => {
    const batch = new Batch();
    batch.add(['a', 'b'], { User: 'u' }, T0);
    batch.add('c', { User: 'u' }, T0 + SEC);
    expect(evaluateCorrelations([rule], batch.inputs)).toEqual([]);
  });

  it('orders untimed events by their position in the input', () => {
    const inOrder = new Batch();
    inOrder.add('a', { User: 'u' });
    inOrder.add('b', { User: 'u' });
    inOrder.add('c', { User: 'u' });
    expect(evaluateCorrelations([rule], inOrder.inputs)).toHaveLength(1);
    const reversed = new Batch();
    reversed.add('c', { User: 'u' });
    reversed.add('b', { User: 'u' });
    reversed.add('a', { User: 'u' });
    expect(evaluateCorrelations([rule], reversed.inputs)).toEqual([]);
  });

  it('places an untimed event at the time of the timed event before it', () => {
    const batch = new Batch();
    batch.add('a', { User: 'u' }, T0);
    batch.add('b', { User: 'u' });
    batch.add('c', { User: 'u' }, T0 + MIN);
    const hits = evaluateCorrelations([rule], batch.inputs);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ eventIndices: [0, 1, 2], firstTime: T0, lastTime: T0 + MIN });

    const late = new Batch();
    late.add('a', { User: 'u' }, T0);
    late.add('c', { User: 'u' }, T0 + 10 * MIN);
    late.add('b', { User: 'u' });
    expect(evaluateCorrelations([rule], late.inputs)).toEqual([]);
  });

  it('requires the whole chain within the timespan', () => {
    const batch = new Batch();
    batch.add('a', { User: 'u' }, T0);
    batch.add('b', { User: 'u' }, T0 + 3 * MIN);
    batch.add('c', { User: 'u' }, T0 + 6 * MIN);
    expect(evaluateCorrelations([rule], batch.inputs)).toEqual([]);
  });
});

describe('correlationFieldNames', () => {
  it('lists the group-by and condition fields and the fields their aliases map to', () => {
    const aliased = correlation({
      type: 'value_count',
      rules: ['a', 'b'],
      'group-by': ['ip'],
      timespan: '1h',
      condition: { field: 'User', gte: 2 },
      aliases: { ip: { a: 'source.ip', b: 'SourceIp' } },
    });
    expect(correlationFieldNames([aliased, failedByUser({ gte: 2 })]).sort()).toEqual(['SourceIp', 'User', 'ip', 'source.ip']);
  });
});

describe('chained correlations and generate', () => {
  const failedLogins = correlation(
    { type: 'event_count', rules: ['failed_login'], 'group-by': ['User'], timespan: '10m', condition: { gte: 10 } },
    { id: 'many-failed', name: 'multiple_failed_login', title: 'Multiple failed logons' },
  );
  const followedBySuccess = correlation(
    { type: 'temporal_ordered', rules: ['multiple_failed_login', 'successful_login'], 'group-by': ['User'], timespan: '10m' },
    { id: 'bruteforce-success', title: 'Failed logins followed by success', level: 'high' },
  );

  function bruteforce(successAt: number, failuresAfter = 0): Batch {
    const batch = new Batch();
    for (let i = 0; i < 10; i++) batch.add('failed_login', { User: 'admin', Computer: `ws${i}` }, T0 + i * SEC);
    for (let i = 0; i < failuresAfter; i++) batch.add('failed_login', { User: 'admin' }, T0 + successAt + (i + 1) * SEC);
    batch.add('successful_login', { User: 'admin' }, T0 + successAt);
    return batch;
  }

  it('fires the outer rule on the inner rule\'s hits (spec example)', () => {
    const batch = bruteforce(30 * SEC);
    const hits = evaluateCorrelations([followedBySuccess, failedLogins], batch.inputs);
    expect(hits.map((h) => h.rule.id)).toEqual(['bruteforce-success']);
    expect(hits[0].eventIndices).toEqual([...Array(11).keys()]);
    expect(hits[0].group).toEqual({ User: 'admin' });
  });

  it('orders on when the inner rule fired, so failures continuing after the success still count', () => {
    const batch = bruteforce(30 * SEC, 3);
    expect(evaluateCorrelations([followedBySuccess, failedLogins], batch.inputs).map((h) => h.rule.id)).toEqual(['bruteforce-success']);
  });

  it('does not fire when the success came first', () => {
    const batch = bruteforce(-30 * SEC);
    expect(evaluateCorrelations([followedBySuccess, failedLogins], batch.inputs)).toEqual([]);
  });

  it('reports the inner rule when asked, or when generate is true', () => {
    const batch = bruteforce(30 * SEC);
    const all = evaluateCorrelations([followedBySuccess, failedLogins], batch.inputs, { includeHidden: true });
    expect(all.map((h) => h.rule.id).sort()).toEqual(['bruteforce-success', 'many-failed']);
    const generating = correlation(
      { type: 'temporal_ordered', rules: ['multiple_failed_login', 'successful_login'], 'group-by': ['User'], timespan: '10m', generate: true },
      { id: 'bruteforce-success' },
    );
    expect(evaluateCorrelations([generating, failedLogins], batch.inputs).map((h) => h.rule.id).sort()).toEqual(['bruteforce-success', 'many-failed']);
  });

  it('names the rules whose own hits are hidden by generate: false', () => {
    const hidden = hiddenRuleKeys([followedBySuccess, failedLogins]);
    expect(isReported({ id: 'id-failed_login', name: 'failed_login' }, hidden)).toBe(false);
    expect(isReported({ id: 'id-successful_login', name: 'successful_login' }, hidden)).toBe(false);
    expect(isReported({ id: 'many-failed', name: 'multiple_failed_login' }, hidden)).toBe(false);
    expect(isReported({ id: 'id-other', name: 'other' }, hidden)).toBe(true);
  });

  it('groups an inner hit by a field all its events share when the inner rule did not group on it', () => {
    const inner = correlation(
      { type: 'event_count', rules: ['failed_login'], 'group-by': ['User'], timespan: '10m', condition: { gte: 2 } },
      { id: 'inner', name: 'inner' },
    );
    const outer = correlation({ type: 'temporal', rules: ['inner', 'successful_login'], 'group-by': ['Computer'], timespan: '10m' }, { id: 'outer' });
    const shared = new Batch();
    shared.add('failed_login', { User: 'admin', Computer: 'dc1' }, T0);
    shared.add('failed_login', { User: 'admin', Computer: 'dc1' }, T0 + SEC);
    shared.add('successful_login', { User: 'other', Computer: 'dc1' }, T0 + 2 * SEC);
    expect(evaluateCorrelations([outer, inner], shared.inputs).map((h) => [h.rule.id, h.group])).toEqual([['outer', { Computer: 'dc1' }]]);

    const mixed = new Batch();
    mixed.add('failed_login', { User: 'admin', Computer: 'dc1' }, T0);
    mixed.add('failed_login', { User: 'admin', Computer: 'dc2' }, T0 + SEC);
    mixed.add('successful_login', { User: 'other', Computer: 'dc1' }, T0 + 2 * SEC);
    expect(evaluateCorrelations([outer, inner], mixed.inputs)).toEqual([]);
  });

  it('survives a reference cycle without hits or hanging', () => {
    const a = correlation({ type: 'event_count', rules: ['loop_b'], timespan: '1m', condition: { gte: 1 } }, { id: 'loop_a' });
    const b = correlation({ type: 'event_count', rules: ['loop_a'], timespan: '1m', condition: { gte: 1 } }, { id: 'loop_b' });
    expect(evaluateCorrelations([a, b], [])).toEqual([]);
  });
});
