import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { yamlStage } from './loader';
import { type LintIssue, lintRuleSet } from './rule-lint';
import { loadRuleSet, ruleSetFromText } from './ruleset';

/** A rule using every property of the Sigma detection rule schema, each in a valid form. */
const RULE = `title: Whoami Execution
id: 5b0a7f3e-1111-4111-8111-000000000001
related:
    - id: 5b0a7f3e-1111-4111-8111-000000000009
      type: derived
name: whoami_execution
taxonomy: sigma
status: test
description: whoami.exe run by a user
license: DRL-1.1
author: Lantern
references:
    - https://example.org/whoami
date: 2024-01-15
modified: 2024-02-01
tags:
    - attack.discovery
    - attack.t1033
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    keywords:
        - whoami
        - 4688
    condition: selection or keywords
fields:
    - CommandLine
falsepositives:
    - Admin scripts
level: low
scope:
    - server
`;

const FILTER = `title: Admin Workstations
id: 5b0a7f3e-1111-4111-8111-000000000003
description: admins run whoami
date: 2024-01-15
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 5b0a7f3e-1111-4111-8111-000000000001
    selection:
        User|startswith: adm_
    condition: not selection
`;

/** RULE with one line replaced (the text must be there: a test must not pass on a typo). */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`not in the rule: ${from}`);
  return text.replace(from, to);
}

describe('lintRuleSet: detection rule schema', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lantern-rule-lint-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function lint(files: Record<string, string>, placeholders?: Record<string, string[]>): LintIssue[] {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return lintRuleSet(loadRuleSet([dir], { placeholders }), { placeholders });
  }

  const lines = (issues: LintIssue[]): string[] => issues.map((i) => `${i.severity}: ${i.message}`);
  const lintRule = (text: string): string[] => lines(lint({ 'rule.yml': text }));

  it('finds nothing in a rule that uses every schema property validly', () => {
    expect(lintRule(RULE)).toEqual([]);
  });

  it('reports a missing or overlong title', () => {
    expect(lintRule(edit(RULE, 'title: Whoami Execution\n', ''))).toEqual(["error: schema: missing required 'title'"]);
    expect(lintRule(edit(RULE, 'title: Whoami Execution', `title: ${'x'.repeat(257)}`))).toEqual([
      'error: schema: title is longer than 256 characters (257)',
    ]);
    expect(lintRule(edit(RULE, 'title: Whoami Execution', `title: ${'x'.repeat(256)}`))).toEqual([]);
  });

  it('reports an id that is not a UUID, with the rule id and file of the lint format', () => {
    const issues = lint({ 'rule.yml': edit(RULE, 'id: 5b0a7f3e-1111-4111-8111-000000000001', 'id: not-a-uuid') });
    expect(issues).toEqual([
      { severity: 'error', file: join(dir, 'rule.yml'), ruleId: 'not-a-uuid', title: 'Whoami Execution', message: "schema: id 'not-a-uuid' is not a UUID" },
    ]);
  });

  it('reports status and level outside their enums once each (the loader reason is not repeated)', () => {
    expect(lintRule(edit(RULE, 'status: test', 'status: bogus'))).toEqual([
      "error: schema: status 'bogus' is not one of stable, test, experimental, deprecated, unsupported",
    ]);
    expect(lintRule(edit(RULE, 'level: low', 'level: severe'))).toEqual([
      "error: schema: level 'severe' is not one of informational, low, medium, high, critical",
    ]);
    expect(lintRule(edit(RULE, 'status: test', 'status: stable'))).toEqual([]);
  });

  it('reports date and modified not written YYYY-MM-DD', () => {
    const bad = edit(edit(RULE, 'date: 2024-01-15', 'date: 13/45/2024'), 'modified: 2024-02-01', 'modified: 2024-13-01');
    expect(lintRule(bad)).toEqual([
      "error: schema: date '13/45/2024' is not a YYYY-MM-DD date",
      "error: schema: modified '2024-13-01' is not a YYYY-MM-DD date",
    ]);
  });

  it('reports tags off the schema pattern and repeated tags', () => {
    const bad = edit(RULE, '    - attack.t1033\n', "    - 'Bad Tag!'\n    - attack.discovery\n");
    expect(lintRule(bad)).toEqual([
      "error: schema: tags[1] 'Bad Tag!' does not match ^[a-z0-9_-]+\\.[a-z0-9._-]+$ (namespace.name, lower case)",
      'error: schema: tags lists "attack.discovery" more than once',
    ]);
    expect(lintRule(edit(RULE, '    - attack.t1033\n', '    - cve.2021-44228\n    - detection.emerging-threats\n'))).toEqual([]);
  });

  it('reports related entries without an id or with a type outside the enum', () => {
    const bad = edit(RULE, '      type: derived\n', '      type: bogus\n    - type: similar\n');
    expect(lintRule(bad)).toEqual([
      "error: schema: related[0] type 'bogus' is not one of derived, obsolete, merged, renamed, similar",
      "error: schema: related[1] has no 'id'",
    ]);
  });

  it('reports falsepositives, references, fields and scope that are not lists of distinct strings', () => {
    const bad = edit(
      edit(edit(RULE, '    - Admin scripts\n', '    - x\n'), '    - https://example.org/whoami\n', '    - https://example.org/whoami\n    - https://example.org/whoami\n'),
      'fields:\n    - CommandLine\n',
      'fields: CommandLine\n',
    );
    expect(lintRule(bad)).toEqual([
      'error: schema: references lists "https://example.org/whoami" more than once',
      'error: schema: fields must be a list, not \'CommandLine\'',
      'error: schema: falsepositives[0] must be 2 characters at least',
    ]);
    expect(lintRule(edit(RULE, 'falsepositives:\n    - Admin scripts\n', 'falsepositives: 5\n'))).toEqual([
      'error: schema: falsepositives must be a list, not 5',
    ]);
    expect(lintRule(edit(RULE, '    - server\n', '    - s\n'))).toEqual(['error: schema: scope[0] must be 2 characters at least']);
  });

  it('reports a logsource that is not a map, or with a part that is not a string', () => {
    expect(lintRule(edit(RULE, 'logsource:\n    category: process_creation\n    product: windows\n', 'logsource: windows\n'))).toEqual([
      "error: schema: logsource must be a map, not 'windows'",
    ]);
    expect(lintRule(edit(RULE, 'product: windows', 'product: [windows, linux]'))).toEqual([
      'error: schema: logsource.product must be a string, not a list',
    ]);
  });

  it('reports a detection without condition and a search identifier that is neither a map nor a list', () => {
    expect(lintRule(edit(RULE, '    condition: selection or keywords\n', ''))).toEqual(["error: schema: missing required 'detection.condition'"]);
    const scalar = edit(RULE, '    keywords:\n        - whoami\n        - 4688\n', '    keywords: whoami\n');
    expect(lintRule(scalar)).toEqual(["error: schema: detection.keywords must be a map or a list, not 'whoami'"]);
    expect(lintRule(edit(RULE, '        - 4688\n', '        - 4.5\n'))).toEqual([
      'error: schema: detection.keywords[1] must be a string, an integer or a map, not 4.5',
    ]);
  });

  it('warns (without an error) about a Sigma v1 list of conditions', () => {
    expect(lintRule(edit(RULE, 'condition: selection or keywords', 'condition: [selection, keywords]'))).toEqual([
      'warning: schema: detection.condition should be a string (a list of conditions is a Sigma v1 form pySigma still accepts)',
    ]);
  });

  it("warns about unknown top-level keys, not about SigmaHQ's own simulation and regression test keys", () => {
    expect(lintRule(`${RULE}severity: high\nauthors: [me]\n`)).toEqual([
      "warning: schema: unknown top-level keys 'severity', 'authors' (not in the Sigma schema)",
    ]);
    expect(lintRule(`${RULE}regression_tests_path: regression_data/rules/x/info.yml\nsimulation:\n    - type: atomic-red-team\n`)).toEqual([]);
  });

  it('reports every problem of a rule the loader rejects: schema findings and each broken search identifier', () => {
    const bad = edit(
      edit(edit(edit(RULE, 'level: low', 'level: severe'), 'date: 2024-01-15', 'date: 2024/01/15'), "Image|endswith: '\\whoami.exe'", "Image|endswithx: '\\whoami.exe'"),
      '        - 4688\n',
      '        - 4688\n    other:\n        CommandLine|containz: whoami\n',
    );
    expect(lintRule(bad)).toEqual([
      "error: schema: date '2024/01/15' is not a YYYY-MM-DD date",
      "error: schema: level 'severe' is not one of informational, low, medium, high, critical",
      "error: unknown modifier 'endswithx' in 'Image|endswithx'",
      "error: unknown modifier 'containz' in 'CommandLine|containz'",
    ]);
  });

  it('reports a broken condition and a broken identifier of the same rule', () => {
    expect(lintRule(edit(edit(RULE, 'or keywords', 'or keyword'), 'Image|endswith', 'Image|endswithx'))).toEqual([
      "error: condition 'selection or keyword': unknown identifier 'keyword'",
      "error: unknown modifier 'endswithx' in 'Image|endswithx'",
    ]);
  });

  it('checks the other identifiers of a rejected rule with the placeholders lint was given', () => {
    const expand = edit(edit(RULE, 'level: low', 'level: severe'), '        - 4688\n', '        - 4688\n    admins:\n        User|expand: \'%admins%\'\n');
    expect(lint({ 'rule.yml': expand }, { admins: ['adm_*'] }).map((i) => i.message)).toEqual([
      "schema: level 'severe' is not one of informational, low, medium, high, critical",
    ]);
  });

  it('checks rules given as text when their documents are passed', () => {
    const text = edit(RULE, 'date: 2024-01-15', 'date: 2024-1-5');
    const documents = yamlStage(text).docs.map((doc) => ({ file: 'inline.yml', doc }));
    expect(lines(lintRuleSet(ruleSetFromText(text), { documents }))).toEqual(["error: schema: date '2024-1-5' is not a YYYY-MM-DD date"]);
  });
});

describe('lintRuleSet: filter schema', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lantern-filter-lint-'));
    writeFileSync(join(dir, 'rule.yml'), RULE);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function lintFilter(text: string): string[] {
    writeFileSync(join(dir, 'filter.yml'), text);
    return lintRuleSet(loadRuleSet([dir]))
      .filter((i) => i.file.endsWith('filter.yml'))
      .map((i) => `${i.severity}: ${i.message}`);
  }

  it('finds nothing in a valid filter', () => {
    expect(lintFilter(FILTER)).toEqual([]);
  });

  it('reports a filter without rules once, and a filter without selection', () => {
    expect(lintFilter(edit(FILTER, '    rules:\n        - 5b0a7f3e-1111-4111-8111-000000000001\n', ''))).toEqual([
      "error: schema: missing required 'filter.rules' (list the rules to filter, or write 'any' for every rule of the filter's logsource)",
    ]);
    expect(lintFilter(edit(edit(FILTER, '    selection:', '    admins:'), 'not selection', 'not admins'))).toEqual([
      "error: schema: missing required 'filter.selection'",
    ]);
  });

  it("warns about `rules: any`, a pySigma form the schema's list does not allow", () => {
    expect(lintFilter(edit(FILTER, 'rules:\n        - 5b0a7f3e-1111-4111-8111-000000000001', 'rules: any'))).toEqual([
      "warning: schema: filter.rules should be a list (a single string such as 'any' is a pySigma form)",
    ]);
  });

  it('reports filter metadata the schema rejects', () => {
    expect(lintFilter(edit(edit(FILTER, 'id: 5b0a7f3e-1111-4111-8111-000000000003', 'id: 42'), 'date: 2024-01-15', 'date: yesterday'))).toEqual([
      'error: schema: id must be a string UUID, not 42',
      "error: schema: date 'yesterday' is not a YYYY-MM-DD date",
    ]);
  });
});
