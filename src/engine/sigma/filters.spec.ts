/**
 * Sigma filters (meta filters) as pySigma applies them: the rule's condition becomes
 * `(rule) and (filter)`, to the rules whose logsource is within the filter's and that it names.
 */
import { ruleSetFromText } from './ruleset';
import type { SigmaEvent } from './types';

const winProc = { product: 'windows', category: 'process_creation', service: 'sysmon' };
const winImageLoad = { product: 'windows', category: 'image_load', service: 'sysmon' };

function ev(fields: Record<string, unknown>, logsource: SigmaEvent['logsource'] = winProc, index = 0, time?: number): SigmaEvent {
  return { index, fields, logsource, time };
}

function rule(id: string, name: string, category: string): string {
  return `
title: ${name}
id: ${id}
name: ${name}
logsource: { product: windows, category: ${category} }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`;
}

const WHOAMI = rule('11111111-1111-4111-8111-111111111111', 'whoami_exec', 'process_creation');
const WHOAMI_LOAD = rule('44444444-4444-4444-8444-444444444444', 'whoami_load', 'image_load');

function filter(rules: string, condition: string, logsource = '{ product: windows, category: process_creation }'): string {
  return `
title: Admins may
id: 22222222-2222-4222-8222-222222222222
logsource: ${logsource}
filter:
${rules}
  selection:
    User|startswith: 'adm_'
  condition: ${condition}
`;
}

function load(...texts: string[]) {
  return ruleSetFromText(texts.map((text, i) => ({ file: `f${i}.yml`, text })));
}

const names = (rs: ReturnType<typeof load>, e: SigmaEvent): string[] => rs.matchEvent(e).map((r) => r.name ?? r.id);

describe('Sigma filters (pySigma semantics)', () => {
  it('suppresses the events of `condition: not selection` and keeps the others', () => {
    const rs = load(WHOAMI, filter('  rules: [whoami_exec]', 'not selection'));
    expect(rs.errors).toEqual([]);
    expect(rs.warnings).toEqual([]);
    expect(names(rs, ev({ Image: 'c:\\whoami.exe', User: 'adm_bob' }))).toEqual([]);
    expect(names(rs, ev({ Image: 'c:\\whoami.exe', User: 'bob' }))).toEqual(['whoami_exec']);
    expect(rs.detectionRules[0].filters).toEqual(['Admins may']);
  });

  it('keeps only the events a plain `condition: selection` matches (the spec example read as pySigma does)', () => {
    const rs = load(WHOAMI, filter('  rules: [11111111-1111-4111-8111-111111111111]', 'selection'));
    expect(names(rs, ev({ Image: 'c:\\whoami.exe', User: 'adm_bob' }))).toEqual(['whoami_exec']);
    expect(names(rs, ev({ Image: 'c:\\whoami.exe', User: 'bob' }))).toEqual([]);
  });

  it('gives the same hits with and without the prefilter', () => {
    const texts = [WHOAMI, filter('  rules: any', 'not selection')];
    const events = [ev({ Image: 'c:\\whoami.exe', User: 'adm_bob' }), ev({ Image: 'c:\\whoami.exe', User: 'bob' }), ev({ Image: 'c:\\cmd.exe', User: 'bob' })];
    const on = ruleSetFromText(texts.map((text, i) => ({ file: `f${i}.yml`, text })));
    const off = ruleSetFromText(texts.map((text, i) => ({ file: `f${i}.yml`, text })), { prefilter: false });
    expect(events.map((e) => names(on, e))).toEqual([[], ['whoami_exec'], []]);
    expect(events.map((e) => names(off, e))).toEqual(events.map((e) => names(on, e)));
  });

  it.each(['  rules: any', '  rules: ALL', '  rules: []'])('applies `%s` to every rule of its logsource and to none of another', (rules) => {
    const rs = load(WHOAMI, WHOAMI_LOAD, filter(rules, 'not selection'));
    expect(rs.errors).toEqual([]);
    expect(rs.detectionRules.map((r) => [r.ref.name, r.filters])).toEqual([
      ['whoami_exec', ['Admins may']],
      ['whoami_load', []],
    ]);
    expect(names(rs, ev({ Image: 'c:\\whoami.exe', User: 'adm_bob' }))).toEqual([]);
    expect(names(rs, ev({ Image: 'c:\\whoami.exe', User: 'adm_bob' }, winImageLoad))).toEqual(['whoami_load']);
  });

  it('applies a product-only filter to every rule of the product', () => {
    const rs = load(WHOAMI, WHOAMI_LOAD, filter('  rules: any', 'not selection', '{ product: windows }'));
    expect(rs.detectionRules.map((r) => r.filters)).toEqual([['Admins may'], ['Admins may']]);
  });

  it('leaves a listed rule of another logsource unfiltered, and says so', () => {
    const rs = load(WHOAMI, WHOAMI_LOAD, filter('  rules: [whoami_exec, whoami_load]', 'not selection'));
    expect(rs.detectionRules.map((r) => r.filters)).toEqual([['Admins may'], []]);
    expect(names(rs, ev({ Image: 'c:\\whoami.exe', User: 'adm_bob' }, winImageLoad))).toEqual(['whoami_load']);
    expect(rs.warnings).toEqual([
      expect.objectContaining({ file: 'f2.yml', reason: "filter does not apply to rule 'whoami_load': its logsource is not within the filter's" }),
    ]);
  });

  it('takes a single rule reference as a string', () => {
    const rs = load(WHOAMI, WHOAMI_LOAD, filter('  rules: whoami_exec', 'not selection', '{ product: windows }'));
    expect(rs.detectionRules.map((r) => r.filters)).toEqual([['Admins may'], []]);
  });

  it('warns about a filter that references an unknown rule', () => {
    const rs = load(WHOAMI, filter('  rules: [nope]', 'not selection'));
    expect(rs.warnings).toEqual([expect.objectContaining({ reason: "filter references unknown rule 'nope'" })]);
    expect(rs.detectionRules[0].filters).toEqual([]);
  });

  it.each([
    ['no rules', '', /^Sigma filter must have a 'rules' field \(use 'any' or 'all'/],
    ['empty rules', '  rules:', /^'filter.rules' must be 'any', 'all', a rule id or name, or a list of them/],
    ['a map as rules', '  rules: { id: x }', /^'filter.rules' must be 'any', 'all'/],
  ])('reports a filter with %s as a load error with file, id and reason', (_what, rules, reason) => {
    const rs = load(WHOAMI, filter(rules, 'not selection'));
    expect(rs.filters).toEqual([]);
    expect(rs.errors).toEqual([
      { file: 'f1.yml', ruleId: '22222222-2222-4222-8222-222222222222', title: 'Admins may', reason: expect.stringMatching(reason) },
    ]);
    expect(rs.detectionRules[0].filters).toEqual([]);
  });

  it('reports a filter whose condition is a list, or missing, as a load error', () => {
    const listed = load(filter('  rules: any', '[selection]'));
    expect(listed.errors).toEqual([expect.objectContaining({ file: 'f0.yml', reason: "'filter.condition' must be a single string" })]);
    const missing = load(filter('  rules: any', 'x').replace('  condition: x\n', ''));
    expect(missing.errors).toEqual([expect.objectContaining({ file: 'f0.yml', reason: expect.stringMatching(/^'filter.condition' is missing/) })]);
  });

  it('never filters correlation rules, even when named', () => {
    const corr = `
title: Many whoami
id: 33333333-3333-4333-8333-333333333333
name: many_whoami
correlation:
  type: event_count
  rules: [whoami_exec]
  group-by: [Computer]
  timespan: 5m
  condition: { gte: 2 }
`;
    const rs = load(WHOAMI, corr, filter('  rules: [many_whoami]', 'not selection', '{}'));
    expect(rs.errors).toEqual([]);
    expect(rs.warnings).toEqual([
      expect.objectContaining({ file: 'f2.yml', reason: "filter references correlation rule 'many_whoami': correlation rules are never filtered" }),
    ]);
    const events = [0, 1].map((i) => ev({ Image: 'c:\\whoami.exe', Computer: 'WS1', User: 'adm_bob' }, winProc, i, 1_000 * i));
    expect(rs.detectionRules[0].filters).toEqual([]);
    const result = rs.evaluate(events, { includeHidden: true });
    expect(result.detections).toHaveLength(2);
    expect(result.correlations.map((c) => c.rule.name)).toEqual(['many_whoami']);
  });
});
