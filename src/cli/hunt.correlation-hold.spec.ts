import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleRef } from '../engine/model';
import { type CorrelationInput, type CorrelationRule, evaluateCorrelations, parseCorrelationRule } from '../engine/sigma/correlation';
import { CorrelationHold, evaluateSpilledFile, sweepStale } from './hunt.correlation-hold';

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

function leftovers(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('lantern-correlations-'));
}

describe('CorrelationHold', () => {
  it('gives, past its limit from a temporary database, the hits the in-memory evaluation gives', () => {
    const before = leftovers();
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
    expect(leftovers()).toEqual(before);
  });

  it('covers every rule type in its comparison', () => {
    const fired = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) for (const hit of evaluateCorrelations(RULES, batch(seed, 300), { includeHidden: true })) fired.add(hit.rule.id);
    expect([...fired].sort()).toEqual(RULES.map((rule) => rule.ref.id).sort());
  });

  it('stays in memory under its limit and tells when it moves to disk', () => {
    const inputs = batch(7, 100);
    const folders: string[] = [];
    const hold = new CorrelationHold(inputs.length + 1, (folder) => folders.push(folder));
    for (const input of inputs) hold.push(input);
    expect(hold.folder).toBeUndefined();
    expect(folders).toEqual([]);
    expect(hold.size).toBe(inputs.length);
    expect(hold.evaluate(RULES)).toEqual(evaluateCorrelations(RULES, inputs));
    const spilling = new CorrelationHold(10, (folder) => folders.push(folder));
    for (const input of inputs) spilling.push(input);
    expect(folders).toHaveLength(1);
    expect(existsSync(folders[0])).toBe(true);
    spilling.discard();
    expect(existsSync(folders[0])).toBe(false);
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
    const small = held(inputs, inputs.length + 1).handOver();
    expect('inputs' in small && small.inputs).toHaveLength(inputs.length);
  });

  it('counts an event once for a rule, as the in-memory evaluation does', () => {
    const inputs = batch(5, 60);
    const doubled = [...inputs, ...inputs.slice(0, 20)];
    expect(held(doubled, 10).evaluate(RULES)).toEqual(evaluateCorrelations(RULES, doubled));
  });

  it('removes the databases of hunts whose process is gone, and only those', () => {
    const folder = mkdtempSync(join(tmpdir(), 'lantern-sweep-'));
    try {
      // A process number that was used and is free again: a child that has exited.
      const gone = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
      const names = [`lantern-correlations-${gone}-abc`, `lantern-correlations-${process.pid}-def`, `lantern-correlations-${process.ppid}-ghi`, 'lantern-correlations-x-1', 'other-folder'];
      for (const name of names) mkdirSync(join(folder, name));
      sweepStale(folder);
      expect(readdirSync(folder).sort()).toEqual(names.slice(1).sort());
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
