import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintRuleSet } from './rule-lint';
import { correlateBatch, runRuleTests, testsFileFor } from './rule-tests';
import { loadRuleSet } from './ruleset';

/** The spec's own example: a chained correlation and its two base rules in one multi-document file. */
const SPEC_EXAMPLE = `title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
level: high
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 10
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
name: successful_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 528
            - 4624
    condition: selection
`;

function logon(eventId: number, user: string, second: number): Record<string, unknown> {
  const minute = Math.floor(second / 60);
  const time = `2024-03-01T10:${String(minute).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}Z`;
  return { timestamp: time, source: 'windows', EventID: eventId, Channel: 'Security', Computer: 'dc1', User: user, TargetUserName: user };
}

function bruteforce(user: string, successSecond: number): Array<Record<string, unknown>> {
  const failures = Array.from({ length: 10 }, (_, i) => logon(4625, user, i * 2));
  return [...failures, logon(4624, user, successSecond)];
}

describe('rule tests runner', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lantern-rule-tests-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, content: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('names the tests file beside the rule file', () => {
    expect(testsFileFor('/r/win/x.yml')).toBe('/r/win/x.tests.json');
    expect(testsFileFor('/r/win/x.yaml')).toBe('/r/win/x.tests.json');
  });

  it('tests the outermost correlation of a multi-document file as one batch (spec example)', () => {
    const file = write('mr_bruteforce.yml', SPEC_EXAMPLE);
    write('mr_bruteforce.tests.json', { positive: bruteforce('admin', 60), negative: bruteforce('admin', 0).reverse() });
    const report = runRuleTests(dir);
    expect(report.results).toEqual([
      {
        file,
        testsFile: join(dir, 'mr_bruteforce.tests.json'),
        rules: [{ id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6', title: 'Correlation - Multiple Failed Logins Followed by Successful Login' }],
        kind: 'correlation',
        positives: 11,
        negatives: 11,
        problems: [],
      },
    ]);
    expect(report).toMatchObject({ passed: 1, failed: 0 });
  });

  it('fails the correlation when its negative batch (success first) still fires', () => {
    write('mr_bruteforce.yml', SPEC_EXAMPLE);
    write('mr_bruteforce.tests.json', { positive: bruteforce('admin', 60), negative: bruteforce('admin', 60) });
    const report = runRuleTests(dir);
    expect(report.failed).toBe(1);
    expect(report.results[0].problems).toEqual(['negative batch (11 events) produced a hit of the correlation']);
  });

  it('runs a batch through the whole pack, hidden inner correlations included', () => {
    write('mr_bruteforce.yml', SPEC_EXAMPLE);
    const ruleSet = loadRuleSet([dir]);
    const ids = correlateBatch(ruleSet, bruteforce('admin', 60)).map((hit) => hit.rule.id).sort();
    expect(ids).toEqual(['a8418a5a-5fc4-46b5-b23b-6c73beb19d41', 'b180ead8-d58f-40b2-ae54-c8940995b9b6']);
  });

  it('says why a test event came out wrong: the logsource, or the selections that matched and the values read', () => {
    write(
      'whoami.yml',
      "title: Whoami\nid: 0c1f1a8e-1111-4111-8111-0000000000aa\nlevel: low\nlogsource: {product: windows, category: process_creation}\ndetection:\n  selection:\n    Image|endswith: '\\whoami.exe'\n  user:\n    User|contains: admin\n  condition: selection and not user\n",
    );
    const sysmon = (id: number, image: string): Record<string, unknown> => ({ EventID: id, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: image });
    write('whoami.tests.json', { positive: [sysmon(1, 'C:\\x\\notwhoami.exe'), sysmon(7, 'C:\\x\\whoami.exe')], negative: [sysmon(1, 'C:\\x\\whoami.exe')] });
    const [result] = runRuleTests(dir).results;
    expect(result.problems).toEqual([
      'positive[0] did not match: {"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\\\x\\\\notwhoami.exe"}\n      selections that matched: none; values: Image="C:\\\\x\\\\notwhoami.exe"; absent: User',
      'positive[1] did not match: {"EventID":7,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\\\x\\\\whoami.exe"}\n      the event\'s logsource (product: windows, category: image_load, service: sysmon) is not one the rule runs on (product: windows, category: process_creation)',
      'negative[0] matched: {"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\\\x\\\\whoami.exe"}\n      selections that matched: selection; values: Image="C:\\\\x\\\\whoami.exe"; absent: User',
    ]);
  });

  it('accepts line-format test events as strings', () => {
    write(
      'web_sqli.yml',
      `title: SQL Injection Probe
id: 9d7c2b61-3333-4333-8333-000000000001
logsource: {category: webserver}
detection:
  selection:
    cs-uri-query|contains: 'UNION SELECT'
  keywords:
    - 'UNION SELECT'
  condition: selection or keywords
`,
    );
    write('web_sqli.tests.json', {
      positive: ['203.0.113.7 - - [01/Mar/2024:10:00:00 +0000] "GET /item?id=1%20UNION SELECT%201 HTTP/1.1" 200 512 "-" "sqlmap"'],
      negative: ['203.0.113.7 - - [01/Mar/2024:10:00:00 +0000] "GET /item?id=1 HTTP/1.1" 200 512 "-" "curl"'],
    });
    const report = runRuleTests(dir);
    expect(report.results[0].kind).toBe('detection');
    expect(report.results[0].problems).toEqual([]);
  });

  it('reports a rule that does not load, and a tests file that is not JSON', () => {
    write('broken.yml', 'title: Broken\nid: 1\nlogsource: {product: windows}\ndetection:\n  sel:\n    Image|nosuchmod: x\n  condition: sel\n');
    write('broken.tests.json', '{"positive": [');
    const [result] = runRuleTests(dir).results;
    expect(result.problems[0]).toMatch(/^does not load/);
    expect(result.problems[1]).toMatch(/is not valid JSON/);
  });

  describe('filters', () => {
    const whoami = 'title: Whoami\nid: 11111111-1111-4111-8111-111111111111\nname: whoami_exec\nlogsource: {product: windows, category: process_creation}\ndetection:\n  selection:\n    Image|endswith: \\whoami.exe\n  condition: selection\n';
    const sysmon = (user: string, image = 'C:\\Windows\\System32\\whoami.exe'): Record<string, unknown> => ({
      timestamp: '2026-03-03T09:00:00Z',
      EventID: 1,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Computer: 'ws1',
      Image: image,
      User: user,
    });
    const admins = (condition: string): string =>
      `title: Admins\nid: 22222222-2222-4222-8222-222222222222\nlogsource: {product: windows, category: process_creation}\nfilter:\n  rules: [whoami_exec]\n  selection:\n    User|startswith: adm_\n  condition: ${condition}\n`;
    const tests = { positive: [sysmon('adm_bob')], negative: [sysmon('bob')] };

    it("runs a filter file's own tests: positives removed, negatives kept", () => {
      write('filter_admins.yml', admins('not selection'));
      write('filter_admins.tests.json', tests);
      const report = runRuleTests(dir);
      expect(report.results).toEqual([
        expect.objectContaining({ kind: 'filter', rules: [{ id: '22222222-2222-4222-8222-222222222222', title: 'Admins' }], positives: 1, negatives: 1, problems: [] }),
      ]);
      expect(report.passed).toBe(1);
    });

    it("fails a filter that keeps its positives and removes its negatives (the spec example's reading)", () => {
      write('filter_admins.yml', admins('selection'));
      write('filter_admins.tests.json', tests);
      const [result] = runRuleTests(dir).results;
      expect(result.problems).toEqual([expect.stringMatching(/^positive\[0\] is kept by the filter/), expect.stringMatching(/^negative\[0\] is removed by the filter/)]);
    });

    it("fails test events outside the filter's logsource", () => {
      write('filter_admins.yml', admins('not selection'));
      write('filter_admins.tests.json', { positive: [{ timestamp: '2026-03-03T09:00:00Z', EventID: 4625, Channel: 'Security', Computer: 'dc1', TargetUserName: 'adm_bob' }], negative: [] });
      const [result] = runRuleTests(dir).results;
      expect(result.problems).toEqual([expect.stringMatching(/^positive\[0\] is outside the filter's logsource/)]);
    });

    it('checks the named rules when the pack holds them: negatives must still be reported', () => {
      write('whoami_exec.yml', whoami);
      write('whoami_exec.tests.json', { positive: [sysmon('bob')], negative: [sysmon('bob', 'C:\\Windows\\System32\\cmd.exe')] });
      write('filter_admins.yml', admins('not selection'));
      write('filter_admins.tests.json', { positive: [sysmon('adm_bob')], negative: [sysmon('bob', 'C:\\Windows\\System32\\cmd.exe')] });
      const report = runRuleTests(dir);
      expect(report.results.map((r) => [r.kind, r.problems])).toEqual([
        ['filter', [expect.stringMatching(/^negative\[0\] is not reported by the rules the filter names/)]],
        ['detection', []],
      ]);
    });

    it('fails a filter file without tests, and reports an invalid filter as not loading', () => {
      write('filter_admins.yml', admins('not selection'));
      write('filter_broken.yml', admins('not selection').replace('  rules: [whoami_exec]\n', ''));
      const results = runRuleTests(dir).results;
      expect(results.map((r) => r.problems[0])).toEqual([
        expect.stringMatching(/^no tests file .*filter_admins\.tests\.json$/),
        expect.stringMatching(/^does not load \(22222222-2222-4222-8222-222222222222\): Sigma filter must have a 'rules' field/),
      ]);
    });
  });
});

describe('lintRuleSet', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lantern-rule-lint-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports an invalid filter (no rules, a list as condition) as an error with file, id and reason', () => {
    const filter = (rules: string, condition: string): string =>
      `title: Admins\nid: 22222222-2222-4222-8222-222222222222\nlogsource: {product: windows}\nfilter:\n${rules}  selection:\n    User|startswith: adm_\n  condition: ${condition}\n`;
    writeFileSync(join(dir, 'a.yml'), filter('', 'not selection'));
    writeFileSync(join(dir, 'b.yml'), filter('  rules: any\n', '[not selection]'));
    const errors = lintRuleSet(loadRuleSet([dir])).filter((i) => i.severity === 'error');
    expect(errors.map((i) => [i.file, i.ruleId, i.title, i.message])).toEqual([
      [join(dir, 'a.yml'), '22222222-2222-4222-8222-222222222222', 'Admins', expect.stringMatching(/'rules' field|'filter\.rules'/)],
      [join(dir, 'b.yml'), '22222222-2222-4222-8222-222222222222', 'Admins', expect.stringMatching(/filter\.condition'? must be a (single )?string/)],
    ]);
  });

  it('finds no error in the spec example', () => {
    writeFileSync(join(dir, 'mr.yml'), SPEC_EXAMPLE);
    expect(lintRuleSet(loadRuleSet([dir])).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('reports an alias naming a rule the correlation does not reference, and an unused alias', () => {
    writeFileSync(
      join(dir, 'mr.yml'),
      SPEC_EXAMPLE.replace(
        '    timespan: 10m\n---\ntitle: Multiple',
        '    timespan: 10m\n    aliases:\n        account:\n            failed_login: TargetUserName\n---\ntitle: Multiple',
      ),
    );
    const messages = lintRuleSet(loadRuleSet([dir])).map((i) => `${i.severity}: ${i.message}`);
    expect(messages).toContain("error: alias 'account' maps rule 'failed_login', which the correlation does not reference");
    expect(messages).toContain("warning: alias 'account' is defined but used neither in group-by nor as the condition field");
  });

  it('reports duplicate names, which make references ambiguous', () => {
    writeFileSync(join(dir, 'mr.yml'), SPEC_EXAMPLE);
    writeFileSync(join(dir, 'dup.yml'), SPEC_EXAMPLE.split('---\n')[3].replace('4d0a2c83-c62c-4ed4-b475-c7e23a9269b8', 'e0b7c4a4-4444-4444-8444-000000000001'));
    const messages = lintRuleSet(loadRuleSet([dir])).map((i) => i.message);
    expect(messages.some((m) => m.startsWith("duplicate rule name 'successful_login'"))).toBe(true);
  });
});
