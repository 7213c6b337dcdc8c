import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleRef } from '../engine/model';
import { type CorrelationInput, type CorrelationRule, evaluateCorrelations, parseCorrelationRule } from '../engine/sigma/correlation';
import { CorrelationHold, correlationHold, evaluateSpilledFile, folderPrefix, sweepStale } from './hunt.correlation-hold';

const T0 = Date.parse('2024-03-01T10:00:00Z');
const MIN = 60_000;

function detection(name: string): RuleRef {
  return { id: `id-${name}`, name, title: name, level: 'low', tags: [] };
}

function correlation(id: string, section: Record<string, unknown>, meta: Record<string, unknown> = {}): CorrelationRule {
  const rule = parseCorrelationRule({ title: id, id, name: id, correlation: section, ...meta }, `${id}.yml`);
  if ('error' in rule) throw new Error(rule.error);
  return rule;
}

/** One rule of every type and feature: group-by, aliases, chaining (a correlation over another), generate. */
const RULES: CorrelationRule[] = [
  correlation('burst', { type: 'event_count', rules: ['failed'], 'group-by': ['User'], timespan: '5m', condition: { gte: 3 } }),
  correlation('hosts', { type: 'value_count', rules: ['failed', 'success'], 'group-by': ['User'], timespan: '10m', condition: { field: 'Host', gte: 2 } }),
  correlation('bytes', { type: 'value_sum', rules: ['transfer'], 'group-by': ['Host'], timespan: '15m', condition: { field: 'Bytes', gt: 900 } }),
  correlation('average', { type: 'value_avg', rules: ['transfer'], 'group-by': ['User'], timespan: '30m', condition: { field: 'Bytes', gte: 400 } }),
  correlation('p90', { type: 'value_percentile', rules: ['transfer'], 'group-by': ['Host'], timespan: '1h', condition: { field: 'Bytes', percentile: 90, gt: 450 } }),
  correlation('rare', { type: 'value_percentile', rules: ['success'], 'group-by': [], timespan: '2h', condition: { field: 'Host', lte: 10 } }),
  correlation('then', { type: 'temporal', rules: ['failed', 'success'], 'group-by': ['who'], timespan: '5m', aliases: { who: { failed: 'User', success: 'Account' } } }),
  correlation('ordered', { type: 'temporal_ordered', rules: ['burst', 'success'], 'group-by': ['User'], timespan: '20m' }),
  correlation('bursts', { type: 'event_count', rules: ['burst'], 'group-by': ['User'], timespan: '1h', condition: { gte: 2 } }, { generate: true }),
  correlation('quiet', { type: 'event_count', rules: ['failed'], 'group-by': ['User'], timespan: '1m', condition: { lt: 2 } }),
];

/** A seeded generator (mulberry32): the same batch for a seed, every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hits as a hunt keeps them: events in index order, times mostly rising, some missing or late, some fields absent. */
function batch(seed: number, events: number): CorrelationInput[] {
  const next = random(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  const inputs: CorrelationInput[] = [];
  let time = T0;
  for (let index = 0; index < events; index++) {
    time += Math.floor(next() * 3 * MIN);
    const at = next() < 0.1 ? undefined : next() < 0.1 ? time - Math.floor(next() * 20 * MIN) : time;
    const fields: Record<string, unknown> = {};
    if (next() < 0.95) fields.User = pick(['alice', 'bob', 'carol']);
    if (next() < 0.9) fields.Host = pick(['ws1', 'ws2', 'srv', 'dc']);
    fields.Account = pick(['alice', 'bob', 'carol', undefined]);
    fields.Bytes = pick([10, 200, 500, 900, '700', 'n/a']);
    const event = { index, fields, logsource: {}, time: at };
    const rules = next() < 0.15 ? ['failed', 'success'] : [pick(['failed', 'failed', 'success', 'transfer'])];
    for (const name of rules) inputs.push({ rule: detection(name), event });
  }
  return inputs;
}

function held(inputs: CorrelationInput[], spillAt: number): CorrelationHold {
  const hold = new CorrelationHold(spillAt);
  for (const input of inputs) hold.push(input);
  return hold;
}

/** Inputs of one rule on events with the given group values, a minute apart (untimed where `times` says). */
function grouped(values: unknown[], rule = 'failed', untimed: number[] = []): CorrelationInput[] {
  return values.map((value, index) => ({ rule: detection(rule), event: { index, fields: { User: value, Host: `h${index % 2}` }, logsource: {}, time: untimed.includes(index) ? undefined : T0 + index * MIN } }));
}

describe('CorrelationHold', () => {
  // A temporary folder of the test's own: other tests (other Jest workers) hunt and spill meanwhile.
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'lantern-hold-test-'));
    correlationHold.dir = tmp;
  });
  afterEach(() => {
    correlationHold.dir = undefined;
    rmSync(tmp, { recursive: true, force: true });
  });

  it('gives, past its limit from a temporary database, the hits the in-memory evaluation gives', () => {
    let total = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const inputs = batch(seed, 300);
      const expected = evaluateCorrelations(RULES, inputs);
      total += expected.length;
      const hold = held(inputs, 50);
      expect(hold.folder).toBeDefined();
      expect(hold.evaluate(RULES)).toEqual(expected);
      expect(held(inputs, 50).evaluate(RULES, { includeHidden: true })).toEqual(evaluateCorrelations(RULES, inputs, { includeHidden: true }));
    }
    // Every type above fired somewhere, and no database was left behind.
    expect(total).toBeGreaterThan(100);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('covers every rule type in its comparison', () => {
    const fired = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) for (const hit of evaluateCorrelations(RULES, batch(seed, 300), { includeHidden: true })) fired.add(hit.rule.id);
    expect([...fired].sort()).toEqual(RULES.map((rule) => rule.ref.id).sort());
  });

  it('reads the database a page at a time: a large batch with repeated hits on page boundaries gives the same hits', () => {
    // 30,000 inputs (three pages of 10,000) where every hit is pushed twice: a repeat falls on each boundary.
    const inputs = batch(99, 15_000).flatMap((input) => [input, input]);
    expect(inputs).toHaveLength(30_000 + (inputs.length - 30_000));
    const expected = evaluateCorrelations(RULES, inputs);
    expect(expected.length).toBeGreaterThan(1000);
    expect(held(inputs, 100).evaluate(RULES)).toEqual(expected);
  });

  it('keeps values JSON cannot carry: -0, Infinity and lone surrogates group as in memory', () => {
    const values = [-0, 0, Infinity, 1e400, '\ud800', '\udc00', '\ud800', 'x\u0000', 'x', -0];
    const inputs = grouped(values);
    const rule = correlation('pairs', { type: 'event_count', rules: ['failed'], 'group-by': ['User'], timespan: '1h', condition: { gte: 2 } });
    const expected = evaluateCorrelations([rule], inputs);
    expect(expected.map((hit) => hit.group.User)).toEqual([-0, Infinity, '\ud800']);
    expect(held(inputs, 1).evaluate([rule])).toEqual(expected);
  });

  it('reports a group by its first value as the rules list them and the hits came, whatever the spelling (445 and "445")', () => {
    const rule = correlation('ports', { type: 'event_count', rules: ['failed', 'success'], 'group-by': ['User'], timespan: '1h', condition: { gte: 3 } });
    // The success hit comes first in time, but the rule lists failed first: the group reads as failed's first value.
    const inputs: CorrelationInput[] = [
      { rule: detection('success'), event: { index: 0, fields: { User: 445 }, logsource: {}, time: T0 } },
      { rule: detection('failed'), event: { index: 1, fields: { User: '445' }, logsource: {}, time: T0 + MIN } },
      { rule: detection('failed'), event: { index: 2, fields: { User: 445 }, logsource: {}, time: T0 + 2 * MIN } },
    ];
    const expected = evaluateCorrelations([rule], inputs);
    expect(expected.map((hit) => hit.group)).toEqual([{ User: '445' }]);
    expect(held(inputs, 1).evaluate([rule])).toEqual(expected);
  });

  it('times an untimed hit by the hits of every referenced name, a detection named like a correlation included', () => {
    const inner = correlation('shared', { type: 'event_count', rules: ['failed'], 'group-by': ['User'], timespan: '1h', condition: { gte: 100 } });
    const outer = correlation('outer', { type: 'temporal', rules: ['shared', 'success'], 'group-by': ['User'], timespan: '5m' });
    // A detection rule named "shared" as well: its hit at T0 times the untimed success hit after it.
    const inputs: CorrelationInput[] = [
      { rule: detection('shared'), event: { index: 0, fields: { User: 'u' }, logsource: {}, time: T0 } },
      { rule: detection('success'), event: { index: 1, fields: { User: 'u' }, logsource: {}, time: undefined } },
      { rule: detection('success'), event: { index: 2, fields: { User: 'u' }, logsource: {}, time: T0 + 60 * MIN } },
    ];
    const expected = evaluateCorrelations([inner, outer], inputs);
    expect(held(inputs, 1).evaluate([inner, outer])).toEqual(expected);
  });

  it('stays in memory under its limit and tells when it moves to disk', () => {
    const inputs = batch(7, 100);
    const folders: string[] = [];
    const notes = { spilled: (folder: string) => folders.push(folder), noDisk: () => undefined };
    const hold = new CorrelationHold(inputs.length + 1, notes);
    for (const input of inputs) hold.push(input);
    expect(hold.folder).toBeUndefined();
    expect(folders).toEqual([]);
    expect(hold.size).toBe(inputs.length);
    expect(hold.evaluate(RULES)).toEqual(evaluateCorrelations(RULES, inputs));
    const spilling = new CorrelationHold(10, notes);
    for (const input of inputs) spilling.push(input);
    expect(folders).toHaveLength(1);
    expect(folders[0].startsWith(join(tmp, folderPrefix()))).toBe(true);
    expect(existsSync(folders[0])).toBe(true);
    spilling.discard();
    expect(existsSync(folders[0])).toBe(false);
  });

  it('stays in memory, and says why, when there is no temporary folder to write to', () => {
    correlationHold.dir = join(tmp, 'missing');
    const reasons: string[] = [];
    const inputs = batch(8, 100);
    const hold = new CorrelationHold(10, { spilled: () => undefined, noDisk: (reason) => reasons.push(reason) });
    for (const input of inputs) hold.push(input);
    expect(hold.folder).toBeUndefined();
    expect(reasons).toEqual([expect.stringContaining('ENOENT')]);
    expect(hold.evaluate(RULES)).toEqual(evaluateCorrelations(RULES, inputs));
  });

  it('hands a database over for another thread to evaluate, which removes it', () => {
    const inputs = batch(3, 200);
    const hold = held(inputs, 20);
    const handed = hold.handOver();
    expect('database' in handed).toBe(true);
    if (!('database' in handed)) return;
    expect(hold.size).toBe(0);
    expect(evaluateSpilledFile(handed.database, RULES)).toEqual(evaluateCorrelations(RULES, inputs));
    expect(existsSync(handed.database)).toBe(false);
    // A database that is gone is an error, not an empty result.
    expect(() => evaluateSpilledFile(handed.database, RULES)).toThrow();
    const small = held(inputs, inputs.length + 1).handOver();
    expect('inputs' in small && small.inputs).toHaveLength(inputs.length);
  });

  it('counts an event once for a rule, as the in-memory evaluation does', () => {
    const inputs = batch(5, 60);
    const doubled = [...inputs, ...inputs.slice(0, 20)];
    expect(held(doubled, 10).evaluate(RULES)).toEqual(evaluateCorrelations(RULES, doubled));
  });

  it('removes the databases of hunts on this host whose process is gone, and only those', () => {
    // A process number that was used and is free again: a child that has exited.
    const gone = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
    const names = [`${folderPrefix(gone)}abc`, `${folderPrefix()}def`, `${folderPrefix(process.ppid)}ghi`, `lantern-correlations-00000000-${gone}-jkl`, 'lantern-correlations-x-1', 'other-folder'];
    for (const name of names) mkdirSync(join(tmp, name));
    sweepStale(tmp);
    expect(readdirSync(tmp).sort()).toEqual(names.slice(1).sort());
    // A folder that cannot be read is passed over, not an error.
    expect(() => sweepStale(join(tmp, 'missing'))).not.toThrow();
  });
});
