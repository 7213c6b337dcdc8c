import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseCorrelationRule } from './parse';
import type { CorrelationRule } from './types';
import { sharedPath } from '../../../testing/shared-data';

const EXAMPLES = sharedPath('sigma-spec', 'examples', 'correlation');

function parsed(doc: Record<string, unknown>): CorrelationRule {
  const rule = parseCorrelationRule(doc, 'test.yml');
  if ('error' in rule) throw new Error(rule.error);
  return rule;
}

function errorOf(doc: Record<string, unknown>): string {
  const rule = parseCorrelationRule(doc, 'test.yml');
  if (!('error' in rule)) throw new Error('expected a parse error');
  return rule.error;
}

function base(correlation: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: 'Test', id: '11111111-1111-4111-8111-111111111111', correlation, ...extra };
}

describe('parseCorrelationRule', () => {
  it.each(readdirSync(EXAMPLES).filter((f) => f.endsWith('.yml')))('accepts the official example %s', (file) => {
    const doc = parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Record<string, unknown>;
    const rule = parsed(doc);
    expect(rule.ref.title).toBe(doc.title);
    expect(rule.rules.length).toBeGreaterThan(0);
    expect(rule.timespanMs).toBeGreaterThan(0);
  });

  it('reads the event_count example: group, timespan and condition', () => {
    const doc = parse(readFileSync(join(EXAMPLES, 'event_count.yml'), 'utf8')) as Record<string, unknown>;
    const rule = parsed(doc);
    expect(rule).toMatchObject({
      type: 'event_count',
      rules: ['5638f7c0-ac70-491d-8465-2a65075e0d86'],
      groupBy: ['ComputerName'],
      timespan: '1h',
      timespanMs: 3_600_000,
      condition: { bounds: [{ op: 'gte', value: 100 }], explicit: true },
      generate: false,
    });
    expect(rule.ref.id).toBe('0e95725d-7320-415d-80f7-004da920fc11');
  });

  it('gives a temporal rule without condition the default "all referenced rules"', () => {
    const doc = parse(readFileSync(join(EXAMPLES, 'temporal.yml'), 'utf8')) as Record<string, unknown>;
    expect(parsed(doc).condition).toEqual({ bounds: [{ op: 'gte', value: 3 }], explicit: false });
  });

  it('reads the value_count field', () => {
    const doc = parse(readFileSync(join(EXAMPLES, 'value_count.yml'), 'utf8')) as Record<string, unknown>;
    expect(parsed(doc).condition.field).toEqual(['User']);
  });

  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
  ])('reads timespan %s as %d ms', (timespan, ms) => {
    expect(parsed(base({ type: 'event_count', rules: ['a'], timespan, condition: { gte: 2 } })).timespanMs).toBe(ms);
  });

  it.each(['5x', '0m', '-5m', 'm', '5 minutes', 5])('rejects timespan %p', (timespan) => {
    expect(errorOf(base({ type: 'event_count', rules: ['a'], timespan, condition: { gte: 2 } }))).toMatch(/timespan/);
  });

  it('rejects a missing timespan, an unknown type and a missing rules list, all at once', () => {
    const error = errorOf(base({ type: 'event_sum', condition: { gte: 2 } }));
    expect(error).toMatch(/timespan is missing/);
    expect(error).toMatch(/type 'event_sum' is not one of/);
    expect(error).toMatch(/rules must name at least one rule/);
  });

  it('requires a condition for counting types and a field for value types', () => {
    expect(errorOf(base({ type: 'event_count', rules: ['a'], timespan: '1h' }))).toMatch(/condition is required for event_count/);
    expect(errorOf(base({ type: 'value_sum', rules: ['a'], timespan: '1h', condition: { gt: 5 } }))).toMatch(/field is required for value_sum/);
  });

  it('rejects unknown condition keys, non-numeric thresholds and a condition without operator', () => {
    expect(errorOf(base({ type: 'event_count', rules: ['a'], timespan: '1h', condition: { gte: 2, atleast: 3 } }))).toMatch(/unknown key\(s\): atleast/);
    expect(errorOf(base({ type: 'event_count', rules: ['a'], timespan: '1h', condition: { gte: 'many' } }))).toMatch(/gte must be a number/);
    expect(errorOf(base({ type: 'value_count', rules: ['a'], timespan: '1h', condition: { field: 'User' } }))).toMatch(/needs one of/);
  });

  it('accepts neq (spec 2.1 and pySigma) as an operator', () => {
    expect(parsed(base({ type: 'event_count', rules: ['a'], timespan: '1h', condition: { neq: 1 } })).condition.bounds).toEqual([{ op: 'neq', value: 1 }]);
  });

  it('rejects a range (several operators) as pySigma does, naming the operators', () => {
    const error = errorOf(base({ type: 'event_count', rules: ['a'], timespan: '1h', condition: { gt: 100, lte: 200 } }));
    expect(error).toMatch(/correlation.condition has several operators \(gt, lte\): exactly one is allowed, as in pySigma/);
  });

  it('accepts a single operator next to field without a warning', () => {
    const rule = parsed(base({ type: 'value_count', rules: ['a'], timespan: '1h', 'group-by': ['Host'], condition: { field: 'User', gte: 3 } }));
    expect(rule.condition.bounds).toEqual([{ op: 'gte', value: 3 }]);
    expect(rule.warnings).toEqual([]);
  });

  it.each([
    [{ gt: 10, lt: 5 }],
    [{ gt: 5, lt: 5 }],
    [{ eq: 5, gt: 5 }],
    [{ gte: 5, lte: 5, neq: 5 }],
  ])('rejects a condition that can never be met: %p', (condition) => {
    expect(errorOf(base({ type: 'event_count', rules: ['a'], timespan: '1h', condition }))).toMatch(/can never be met/);
  });

  it('rejects extended (string) conditions clearly', () => {
    expect(errorOf(base({ type: 'temporal', rules: ['a', 'b'], timespan: '1h', condition: 'a and b', 'group-by': ['User'] }))).toMatch(/expression string/);
  });

  it('accepts value_count over several fields but not value_sum', () => {
    expect(parsed(base({ type: 'value_count', rules: ['a'], timespan: '1h', condition: { field: ['User', 'Domain'], gte: 2 } })).condition.field).toEqual(['User', 'Domain']);
    expect(errorOf(base({ type: 'value_sum', rules: ['a'], timespan: '1h', condition: { field: ['a', 'b'], gte: 2 } }))).toMatch(/single field/);
  });

  it('reads percentile only for value_percentile', () => {
    const rule = parsed(base({ type: 'value_percentile', rules: ['a'], timespan: '1h', condition: { field: 'Bytes', percentile: 95, gt: 10 } }));
    expect(rule.condition.percentile).toBe(95);
    expect(errorOf(base({ type: 'value_avg', rules: ['a'], timespan: '1h', condition: { field: 'Bytes', percentile: 95, gt: 10 } }))).toMatch(/percentile only applies/);
  });

  it('reads generate at the top level (schema) or in the correlation section (pySigma)', () => {
    expect(parsed(base({ type: 'event_count', rules: ['a'], timespan: '1h', condition: { gte: 2 } }, { generate: true })).generate).toBe(true);
    expect(parsed(base({ type: 'event_count', rules: ['a'], timespan: '1h', condition: { gte: 2 }, generate: true })).generate).toBe(true);
    expect(errorOf(base({ type: 'event_count', rules: ['a'], timespan: '1h', condition: { gte: 2 }, generate: true }, { generate: false }))).toMatch(/generate is given twice/);
  });

  it('reads aliases and rejects malformed ones', () => {
    const aliases = { internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' } };
    expect(parsed(base({ type: 'temporal', rules: ['internal_error', 'new_network_connection'], timespan: '10s', 'group-by': ['internal_ip'], aliases })).aliases).toEqual(aliases);
    expect(errorOf(base({ type: 'temporal', rules: ['a'], timespan: '10s', aliases: { ip: 'source.ip' } }))).toMatch(/aliases.ip must map/);
  });

  it('treats a missing group-by as one group (pySigma) and warns', () => {
    const rule = parsed(base({ type: 'event_count', rules: ['a'], timespan: '1h', condition: { gte: 2 } }));
    expect(rule.groupBy).toEqual([]);
    expect(rule.warnings.join('\n')).toMatch(/group-by is missing/);
  });

  it('carries metadata into the rule reference', () => {
    const rule = parsed(base({ type: 'event_count', rules: ['a'], timespan: '1h', condition: { gte: 2 } }, { name: 'many_a', level: 'high', tags: ['attack.t1110'], status: 'test' }));
    expect(rule.ref).toEqual({ id: '11111111-1111-4111-8111-111111111111', title: 'Test', name: 'many_a', level: 'high', tags: ['attack.t1110'], status: 'test', file: 'test.yml' });
  });

  it('rejects a document without a correlation section or title', () => {
    expect(errorOf({ title: 'x' })).toMatch(/correlation section is missing/);
    expect(errorOf({ correlation: { type: 'event_count', rules: ['a'], timespan: '1h', condition: { gte: 1 } } })).toMatch(/title is missing/);
  });
});
