import { loadRuleTexts } from './loader';
import { RuleSet } from './ruleset';
import type { RuleSelection } from './selection';
import type { SigmaEvent } from './types';

const T0 = Date.parse('2024-03-01T10:00:00Z');

function rule(n: number, status: string | undefined, tags: string[], image: string): string {
  return [
    `title: Rule ${n}`,
    `id: 00000000-0000-4000-8000-00000000000${n}`,
    `name: rule_${n}`,
    ...(status ? [`status: ${status}`] : []),
    'level: medium',
    `tags: [${tags.join(', ')}]`,
    'logsource: {product: windows, category: process_creation}',
    'detection:',
    '  selection:',
    `    Image|endswith: '\\${image}'`,
    '  condition: selection',
    '',
  ].join('\n');
}

const RULES = [
  rule(1, 'stable', ['attack.discovery', 'attack.t1033'], 'whoami.exe'),
  rule(2, 'experimental', ['attack.credential_access', 'attack.t1003.001'], 'procdump.exe'),
  rule(3, undefined, ['attack.execution', 'attack.t1059.001'], 'powershell.exe'),
  // Correlations on rule 2: one chained on another.
  'title: Repeated Dumps\nid: 00000000-0000-4000-8000-000000000008\nname: repeated_dumps\nstatus: test\nlevel: high\ntags: [attack.t1003]\ncorrelation:\n  type: event_count\n  rules: [rule_2]\n  group-by: [User]\n  timespan: 10m\n  condition: {gte: 2}\n  generate: true\n',
  'title: Dumps Then Shell\nid: 00000000-0000-4000-8000-000000000009\nstatus: stable\nlevel: critical\ntags: [attack.t1059]\ncorrelation:\n  type: temporal\n  rules: [repeated_dumps, rule_3]\n  group-by: [User]\n  timespan: 1h\n  generate: true\n',
];

function ruleSet(select?: RuleSelection): RuleSet {
  return new RuleSet(loadRuleTexts(RULES.map((text, i) => ({ file: `r${i}.yml`, text }))), { select });
}

const events: SigmaEvent[] = ['whoami.exe', 'procdump.exe', 'procdump.exe', 'powershell.exe'].map((image, index) => ({
  index,
  time: T0 + index * 60_000,
  logsource: { product: 'windows', category: 'process_creation' },
  fields: { Image: `C:\\Tools\\${image}`, User: 'CORP\\alice' },
}));

const titles = (rs: RuleSet): { detections: string[]; correlations: string[] } => {
  const result = rs.evaluate(events);
  return { detections: result.detections.map((d) => d.rule.title), correlations: result.correlations.map((c) => c.rule.title) };
};

describe('rule selection', () => {
  it('runs every rule without a selection', () => {
    const rs = ruleSet();
    expect(rs.size).toBe(5);
    expect(rs.selection).toBeUndefined();
    expect(titles(rs)).toEqual({ detections: ['Rule 1', 'Rule 2', 'Rule 2', 'Rule 3'], correlations: ['Repeated Dumps', 'Dumps Then Shell'] });
  });

  it('keeps rules of the statuses asked for; a rule without a status is left out', () => {
    const rs = ruleSet({ statuses: ['STABLE'] });
    expect(rs.detectionRules.map((r) => r.ref.title)).toEqual(['Rule 1', 'Rule 2', 'Rule 3']);
    // The stable correlation keeps what it chains (Repeated Dumps, rules 2 and 3) running, unreported.
    expect(titles(rs)).toEqual({ detections: ['Rule 1'], correlations: ['Dumps Then Shell'] });
    expect(rs.selection).toEqual({ leftOut: 0, unknownExclusions: [] });
    const experimental = ruleSet({ statuses: ['experimental'] });
    expect(titles(experimental)).toEqual({ detections: ['Rule 2', 'Rule 2'], correlations: [] });
    expect(experimental.selection?.leftOut).toBe(4);
  });

  it('keeps rules with a tag asked for or below it, case aside', () => {
    const rs = ruleSet({ tags: ['ATTACK.T1003'] });
    expect(rs.detectionRules.map((r) => r.ref.title)).toEqual(['Rule 2']);
    expect(titles(rs)).toEqual({ detections: ['Rule 2', 'Rule 2'], correlations: ['Repeated Dumps'] });
    expect(titles(ruleSet({ tags: ['attack.discovery', 'attack.t1059'] }))).toEqual({ detections: ['Rule 1', 'Rule 3'], correlations: ['Dumps Then Shell'] });
  });

  it("keeps quiet what a generate: false correlation hides, even when the selection leaves that correlation out", () => {
    const quiet = RULES.map((text) => text.replace('  generate: true\n', '  generate: false\n'));
    const load = (select?: RuleSelection): RuleSet => new RuleSet(loadRuleTexts(quiet.map((text, i) => ({ file: `q${i}.yml`, text }))), { select });
    // Rules 2 and 3 feed correlations with generate: false: their own hits are never reported.
    expect(titles(load()).detections).toEqual(['Rule 1']);
    expect(titles(load({ statuses: ['experimental'] })).detections).toEqual([]);
    expect(titles(load({ tags: ['attack.t1003.001', 'attack.t1033'] })).detections).toEqual(['Rule 1']);
  });

  it('never runs an excluded rule, even one a chosen correlation references; names exclusions that match nothing', () => {
    const rs = ruleSet({ exclude: ['rule_3', '00000000-0000-4000-8000-000000000001', 'no_such_rule'] });
    expect(rs.detectionRules.map((r) => r.ref.title)).toEqual(['Rule 2']);
    expect(titles(rs)).toEqual({ detections: ['Rule 2', 'Rule 2'], correlations: ['Repeated Dumps'] });
    expect(rs.selection).toEqual({ leftOut: 2, unknownExclusions: ['no_such_rule'] });
  });
});
