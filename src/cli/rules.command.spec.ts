import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRulesLint, runRulesTest } from './rules.command';

const FAILED_LOGON = `title: Failed Logon
id: 5b0a7f3e-2222-4222-8222-000000000001
name: failed_logon
level: low
logsource: {product: windows, service: security}
detection:
  selection:
    EventID: 4625
  condition: selection
`;

const BRUTEFORCE = `title: Logon Brute Force
id: 5b0a7f3e-2222-4222-8222-000000000002
level: high
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 5m
  condition: {gte: 3}
`;

function security(eventId: number, user: string, second: number): Record<string, unknown> {
  return {
    timestamp: `2024-03-01T10:00:${String(second).padStart(2, '0')}Z`,
    source: 'windows',
    EventID: eventId,
    Channel: 'Security',
    Computer: 'dc1',
    TargetUserName: user,
  };
}

function capture(): { io: { stdout: (t: string) => void; stderr: (t: string) => void }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        err += t;
      },
    },
    out: () => out,
    err: () => err,
  };
}

describe('lantern rules', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lantern-rules-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, content: unknown): void {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }

  function goodPack(): void {
    write('failed_logon.yml', FAILED_LOGON);
    write('failed_logon.tests.json', { positive: [security(4625, 'admin', 1)], negative: [security(4624, 'admin', 1)] });
    write('bruteforce.yml', BRUTEFORCE);
    write('bruteforce.tests.json', {
      positive: [security(4625, 'admin', 1), security(4625, 'admin', 2), security(4625, 'admin', 3)],
      negative: [security(4625, 'admin', 1), security(4625, 'bob', 2), security(4625, 'carol', 3)],
    });
  }

  describe('test', () => {
    it('passes a pack whose detection and correlation rules behave as their tests say', () => {
      goodPack();
      const { io, out } = capture();
      expect(runRulesTest([dir], io)).toBe(0);
      expect(out()).toBe('2 rule files, 2 passed, 0 failed (8 test cases)\n');
    });

    it('fails a detection rule whose positive does not match or whose negative matches', () => {
      goodPack();
      write('failed_logon.tests.json', { positive: [security(4624, 'admin', 1)], negative: [security(4625, 'admin', 1)] });
      const { io, out } = capture();
      expect(runRulesTest([dir], io)).toBe(1);
      const failedLogon = join(dir, 'failed_logon.yml');
      expect(out()).toContain(`FAIL ${failedLogon} [5b0a7f3e-2222-4222-8222-000000000001 Failed Logon]\n`);
      expect(out()).toMatch(/ {2}- positive\[0\] did not match: \{.*"EventID":4624/);
      expect(out()).toMatch(/ {2}- negative\[0\] matched: \{.*"EventID":4625/);
      expect(out()).toMatch(/2 rule files, 1 passed, 1 failed/);
    });

    it('fails a correlation whose positive batch produces no hit or whose negative batch does', () => {
      goodPack();
      write('bruteforce.tests.json', {
        positive: [security(4625, 'admin', 1), security(4625, 'bob', 2)],
        negative: [security(4625, 'carol', 1), security(4625, 'carol', 2), security(4625, 'carol', 3)],
      });
      const { io, out } = capture();
      expect(runRulesTest([dir], io)).toBe(1);
      expect(out()).toContain('positive batch (2 events) produced no hit of the correlation');
      expect(out()).toContain('negative batch (3 events) produced a hit of the correlation');
    });

    it('fails a rule without a tests file', () => {
      goodPack();
      write('other.yml', FAILED_LOGON.replace('000000000001', '000000000009').replace('failed_logon', 'other'));
      const { io, out } = capture();
      expect(runRulesTest([dir], io)).toBe(1);
      expect(out()).toContain(`no tests file ${join(dir, 'other.tests.json')}`);
    });

    it('fails a tests file without positives', () => {
      goodPack();
      write('failed_logon.tests.json', { positive: [], negative: [] });
      const { io, out } = capture();
      expect(runRulesTest([dir], io)).toBe(1);
      expect(out()).toMatch(/needs a non-empty "positive" array/);
    });

    it('exits 2 for a missing folder', () => {
      const { io, err } = capture();
      expect(runRulesTest([join(dir, 'missing')], io)).toBe(2);
      expect(err()).toMatch(/rules path not found or unreadable/);
    });
  });

  describe('lint', () => {
    it('passes a clean pack', () => {
      goodPack();
      const { io, out } = capture();
      expect(runRulesLint([dir], io)).toBe(0);
      expect(out()).toBe('2 rules loaded from 2 files: 0 errors, 0 warnings\n');
    });

    it('reports a broken correlation reference, an unknown modifier and a duplicate id, and exits 1', () => {
      goodPack();
      write('bruteforce.yml', BRUTEFORCE.replace('[failed_logon]', '[failed_logon, no_such_rule]'));
      write('bad_modifier.yml', FAILED_LOGON.replace('000000000001', '000000000005').replace('name: failed_logon', 'name: bad').replace('EventID: 4625', 'EventID|startswithx: 4625'));
      write('dup.yml', BRUTEFORCE.replace('Logon Brute Force', 'Copy'));
      const { io, out } = capture();
      expect(runRulesLint([dir], io)).toBe(1);
      expect(out()).toContain("error: correlation references unknown rule 'no_such_rule'");
      expect(out()).toMatch(/bad_modifier\.yml.*: error: .*startswithx/);
      expect(out()).toMatch(/duplicate rule id '5b0a7f3e-2222-4222-8222-000000000002'/);
    });

    it('reports every schema problem of a detection rule in the lint format, and exits 1', () => {
      goodPack();
      write(
        'failed_logon.yml',
        FAILED_LOGON.replace('5b0a7f3e-2222-4222-8222-000000000001', 'not-a-uuid')
          .replace('level: low', "level: low\ndate: 13/45/2024\ntags: ['Bad Tag!']\nfalsepositives: 5\nrelated: [{id: 5b0a7f3e-2222-4222-8222-000000000009, type: bogus}]"),
      );
      const { io, out } = capture();
      expect(runRulesLint([dir], io)).toBe(1);
      const file = join(dir, 'failed_logon.yml');
      expect(out()).toContain(`${file} [not-a-uuid Failed Logon]: error: schema: id 'not-a-uuid' is not a UUID\n`);
      expect(out()).toContain(`${file} [not-a-uuid Failed Logon]: error: schema: date '13/45/2024' is not a YYYY-MM-DD date\n`);
      expect(out()).toContain(': error: schema: tags[0] \'Bad Tag!\' does not match');
      expect(out()).toContain(': error: schema: falsepositives must be a list, not 5\n');
      expect(out()).toContain(": error: schema: related[0] type 'bogus' is not one of derived, obsolete, merged, renamed, similar\n");
      expect(out()).toMatch(/: 5 errors, 0 warnings\n$/);
    });

    it('reports a reference cycle between correlations', () => {
      write('a.yml', 'title: A\nid: loop-a\ncorrelation: {type: event_count, rules: [loop-b], group-by: [User], timespan: 1m, condition: {gte: 1}}\n');
      write('b.yml', 'title: B\nid: loop-b\ncorrelation: {type: event_count, rules: [loop-a], group-by: [User], timespan: 1m, condition: {gte: 1}}\n');
      const { io, out } = capture();
      expect(runRulesLint([dir], io)).toBe(1);
      expect(out()).toMatch(/\[loop-a A\]: error: correlation is part of a reference cycle/);
      expect(out()).toMatch(/\[loop-b B\]: error: correlation is part of a reference cycle/);
    });

    it('rejects a range condition (several operators) as pySigma does, and exits 1', () => {
      goodPack();
      write('bruteforce.yml', BRUTEFORCE.replace('{gte: 3}', '{gte: 3, lte: 50}'));
      const { io, out } = capture();
      expect(runRulesLint([dir], io)).toBe(1);
      expect(out()).toMatch(/error: .*correlation.condition has several operators \(gte, lte\): exactly one is allowed, as in pySigma/);
    });
  });
});
