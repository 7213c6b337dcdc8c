import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleSet, ruleSetFromText } from './ruleset';
import type { SigmaEvent } from './types';

const winProc = { product: 'windows', category: 'process_creation', service: 'sysmon' };

function ev(fields: Record<string, unknown>, logsource: SigmaEvent['logsource'] = winProc, index = 0, time?: number): SigmaEvent {
  return { index, fields, logsource, time };
}

const RULE = `
title: Whoami
id: 11111111-1111-4111-8111-111111111111
name: whoami_exec
status: test
level: medium
author: someone
references: [https://example.org]
falsepositives: [admins]
tags: [attack.discovery, attack.t1033]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`;

describe('RuleSet', () => {
  it('matches a rule on a compatible event and reports its metadata', () => {
    const rs = ruleSetFromText([{ file: 'whoami.yml', text: RULE }]);
    expect(rs.errors).toEqual([]);
    expect(rs.size).toBe(1);
    const refs = rs.matchEvent(ev({ Image: 'C:\\Windows\\System32\\WHOAMI.EXE' }));
    expect(refs).toEqual([
      expect.objectContaining({ id: '11111111-1111-4111-8111-111111111111', name: 'whoami_exec', title: 'Whoami', level: 'medium', file: 'whoami.yml', tags: ['attack.discovery', 'attack.t1033'] }),
    ]);
    expect(rs.detectionRules[0].meta).toEqual(expect.objectContaining({ author: 'someone', references: ['https://example.org'], falsepositives: ['admins'] }));
  });

  it('does not run a rule on an event of another logsource unless asked to ignore it', () => {
    const rs = ruleSetFromText([{ file: 'whoami.yml', text: RULE }]);
    const linux = { product: 'linux', category: 'process_creation' };
    expect(rs.matchEvent(ev({ Image: 'C:\\whoami.exe' }, linux))).toEqual([]);
    expect(rs.matchEvent(ev({ Image: 'C:\\whoami.exe' }, linux), { ignoreLogsource: true })).toHaveLength(1);
  });

  it('names the candidates the prefilter leaves: a rule whose literal is absent is not one, a rule that may match is', () => {
    const notepad = RULE.replace('11111111-1111-4111-8111-111111111111', '44444444-4444-4444-8444-444444444444').replace('whoami_exec', 'notepad_exec').replace('Whoami', 'Notepad').replace('whoami.exe', 'notepad.exe');
    const rs = ruleSetFromText([{ file: 'two.yml', text: `${RULE}\n---\n${notepad}` }]);
    // Candidates only: the literal is in the value, but not where the rule wants it (endswith).
    const candidates = rs.candidateRules(ev({ Image: 'C:\\Tools\\whoami.exe.bak' }));
    expect(candidates.map((r) => r.ref.title)).toEqual(['Whoami']);
    expect(rs.matchEvent(ev({ Image: 'C:\\Tools\\whoami.exe.bak' }))).toEqual([]);
    expect(rs.candidateRules(ev({ Image: 'C:\\Windows\\explorer.exe' }))).toEqual([]);
    expect(rs.candidateRules(ev({ Image: 'C:\\whoami.exe' }, { product: 'linux', category: 'process_creation' }))).toEqual([]);
    // Without a prefilter every rule of the route is a candidate.
    const unfiltered = ruleSetFromText([{ file: 'two.yml', text: `${RULE}\n---\n${notepad}` }], { prefilter: false });
    expect(unfiltered.candidateRules(ev({ Image: 'C:\\Windows\\explorer.exe' })).map((r) => r.ref.title)).toEqual(['Whoami', 'Notepad']);
  });

  it('reports invalid rules with file, id and reason, and still loads the others', () => {
    const bad = `
title: Broken
id: 22222222-2222-4222-8222-222222222222
logsource: { product: windows }
detection:
  sel: { Image|nosuchmod: x }
  condition: sel
---
title: No condition
id: 33333333-3333-4333-8333-333333333333
logsource: { product: windows }
detection:
  sel: { Image: x }
`;
    const rs = ruleSetFromText([
      { file: 'bad.yml', text: bad },
      { file: 'whoami.yml', text: RULE },
      { file: 'yaml.yml', text: 'title: [unclosed' },
      { file: 'nodetect.yml', text: 'title: x\nlogsource: {}\n' },
    ]);
    expect(rs.detectionRules.map((r) => r.ref.title)).toEqual(['Whoami']);
    expect(rs.errors).toEqual([
      { file: 'bad.yml', ruleId: '22222222-2222-4222-8222-222222222222', title: 'Broken', reason: "unknown modifier 'nosuchmod' in 'Image|nosuchmod'" },
      { file: 'bad.yml', ruleId: '33333333-3333-4333-8333-333333333333', title: 'No condition', reason: 'detection.condition must be a non-empty string' },
      { file: 'yaml.yml', reason: expect.stringMatching(/^YAML: /) },
      { file: 'nodetect.yml', title: 'x', reason: "not a Sigma rule: no 'detection', 'correlation' or 'filter' section" },
    ]);
  });

  it('reports a duplicate rule id and keeps the first', () => {
    const rs = ruleSetFromText([
      { file: 'a.yml', text: RULE },
      { file: 'b.yml', text: RULE },
    ]);
    expect(rs.detectionRules).toHaveLength(1);
    expect(rs.errors).toEqual([expect.objectContaining({ file: 'b.yml', reason: 'duplicate rule id (first loaded from a.yml)' })]);
  });

  it('rejects Sigma v1 action: global files', () => {
    const rs = ruleSetFromText([{ file: 'v1.yml', text: `action: global\ntitle: g\ndetection: { condition: s }\n---\nlogsource: { product: windows }\ndetection: { s: { A: 1 } }\n` }]);
    expect(rs.errors[0].reason).toMatch(/unsupported: Sigma v1 'action: global'/);
  });

  it('evaluates correlation rules over the detection hits on event time', () => {
    const corr = `
title: Many whoami
id: 55555555-5555-4555-8555-555555555555
correlation:
  type: event_count
  rules: [whoami_exec]
  group-by: [Computer]
  timespan: 5m
  condition: { gte: 3 }
level: high
`;
    const rs = ruleSetFromText([{ file: 'rules.yml', text: `${RULE}\n---\n${corr}` }]);
    expect(rs.errors).toEqual([]);
    expect(rs.correlationRules).toHaveLength(1);
    expect(rs.correlationDocs).toHaveLength(1);
    const events = [0, 1, 2].map((i) => ev({ Image: 'c:\\whoami.exe', Computer: 'WS1' }, winProc, i, 1_000 * i));
    const out = rs.evaluate(events);
    // generate defaults to false: the referenced rule's own hits are consumed by the correlation.
    expect(out.detections).toEqual([]);
    expect(rs.evaluate(events, { includeHidden: true }).detections.map((d) => d.eventIndex)).toEqual([0, 1, 2]);
    expect(out.correlations).toEqual([expect.objectContaining({ correlationType: 'event_count', group: { Computer: 'WS1' }, eventIndices: [0, 1, 2] })]);
  });

  it('reports an invalid correlation rule as a load error', () => {
    const rs = ruleSetFromText(`title: C\ncorrelation: { type: nope, rules: [x], timespan: 5m }\n`);
    expect(rs.errors).toEqual([expect.objectContaining({ file: 'inline.yml', title: 'C' })]);
  });

  it('loads .yml/.yaml files recursively from folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigma-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.yaml'), RULE);
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const rs = loadRuleSet([dir]);
    expect(rs.detectionRules.map((r) => r.ref.file)).toEqual([join(dir, 'sub', 'a.yaml')]);
    expect(loadRuleSet([join(dir, 'missing')]).errors[0].reason).toMatch(/cannot read rule path/);
  });

  it('gives the same hits with and without the prefilter', () => {
    const rules = [
      RULE,
      `title: Kw\nid: k1\nlogsource: { product: windows }\ndetection: { keywords: ['sekurlsa::'], condition: keywords }`,
      `title: Neg\nid: n1\nlogsource: { product: windows, category: process_creation }\ndetection: { s: { Image|endswith: '.exe' }, f: { User: bob }, condition: s and not f }`,
      `title: Num\nid: u1\nlogsource: { product: windows, category: process_creation }\ndetection: { s: { EventID: 1, CommandLine|contains|all: [' -enc', 'bypass'] }, condition: s }`,
    ].map((text, i) => ({ file: `r${i}.yml`, text }));
    const on = ruleSetFromText(rules);
    const off = ruleSetFromText(rules, { prefilter: false });
    const events = [
      { Image: 'c:\\whoami.exe', User: 'bob' },
      { Image: 'c:\\x.exe', CommandLine: 'mimikatz sekurlsa::logonpasswords' },
      { EventID: '1', CommandLine: 'powershell -ep Bypass -enc AAA', Image: 'p.exe' },
      { EventID: 1, CommandLine: 'powershell -enc AAA' },
      {},
    ];
    for (const f of events) {
      expect(on.matchEvent(ev(f)).map((r) => r.id)).toEqual(off.matchEvent(ev(f)).map((r) => r.id));
    }
    expect(on.matchEvent(ev(events[2])).map((r) => r.id)).toEqual(['n1', 'u1']);
  });


  it('finds keywords in values scanned for a field rule too (short, memoised, long-literal fields)', () => {
    const rules = [
      `title: Kw\nid: k1\nlogsource: { product: windows }\ndetection: { keywords: ['sekurlsa::', 'Kiwi Legit Printer'], condition: keywords }`,
      // CommandLine: a short literal (per-character scan, memoised values); Image: a skipping scan as short as the keywords.
      `title: Cmd\nid: c1\nlogsource: { product: windows }\ndetection: { s: { CommandLine|contains: ' -e ' }, condition: s }`,
      `title: Img\nid: i1\nlogsource: { product: windows }\ndetection: { s: { Image|endswith: '\\\\evil.exe' }, condition: s }`,
      // Hashes: literals longer than every keyword, so its values are scanned for keywords separately.
      `title: Hash\nid: h1\nlogsource: { product: windows }\ndetection: { s: { Hashes|contains: 'IMPHASH=0123456789ABCDEF0123456789ABCDEF' }, condition: s }`,
    ].map((text, i) => ({ file: `r${i}.yml`, text }));
    const on = ruleSetFromText(rules);
    const off = ruleSetFromText(rules, { prefilter: false });
    const long = `${'x'.repeat(40)} sekurlsa::logonpasswords`;
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ CommandLine: 'sekurlsa::x' }, ['k1']],
      [{ CommandLine: long }, ['k1']],
      [{ CommandLine: long }, ['k1']],
      [{ CommandLine: `${long} -e x` }, ['k1', 'c1']],
      [{ Image: 'c:\\kiwi legit printer\\evil.exe' }, ['k1', 'i1']],
      [{ Hashes: 'SHA1=1,sekurlsa::' }, ['k1']],
      [{ Image: 'c:\\evil.exe', Hashes: 'IMPHASH=0123456789abcdef0123456789abcdef' }, ['i1', 'h1']],
      [{ CommandLine: 'nothing here at all, padded past the memo length' }, []],
    ];
    for (const [fields, ids] of cases) {
      expect(on.matchEvent(ev(fields)).map((r) => r.id)).toEqual(ids);
      expect(off.matchEvent(ev(fields)).map((r) => r.id)).toEqual(ids);
    }
  });
  it('explains which selections matched and with which field values', () => {
    const rule = `
title: Encoded PowerShell
id: e1
logsource: { product: windows, category: process_creation }
detection:
  sel_img: { Image|endswith: '\\powershell.exe' }
  sel_cli: { CommandLine|contains: ' -enc ' }
  filter: { User: SYSTEM }
  condition: all of sel_* and not filter
`;
    const rs = ruleSetFromText(rule);
    const e = ev({ Image: 'C:\\ps\\powershell.exe', CommandLine: 'powershell -enc AAA', User: 'bob', Other: 1 });
    expect(rs.explain(e, 'e1')).toEqual({
      rule: expect.objectContaining({ id: 'e1' }),
      matched: true,
      logsourceCompatible: true,
      selections: ['sel_img', 'sel_cli'],
      fields: { Image: 'C:\\ps\\powershell.exe', CommandLine: 'powershell -enc AAA', User: 'bob' },
      filters: [],
    });
    const sys = rs.explain(ev({ Image: 'x\\powershell.exe', CommandLine: 'a -enc b', User: 'system' }, { product: 'linux', category: 'process_creation' }), 'e1');
    expect(sys).toEqual(expect.objectContaining({ matched: false, logsourceCompatible: false, selections: ['sel_img', 'sel_cli', 'filter'] }));
    expect(rs.explain(e, 'nope')).toBeUndefined();
  });

  it('explains a keyword search by the event fields whose text it found', () => {
    const rs = ruleSetFromText(`
title: Mimikatz Keywords
id: k1
logsource: { product: windows }
detection:
  keywords: ['sekurlsa::', 'lsadump::']
  sel_user: { User: bob }
  condition: keywords and sel_user
`);
    const e = ev({ CommandLine: 'mimikatz "sekurlsa::logonpasswords" exit', ParentCommandLine: 'cmd.exe', Note: 'lsadump::sam later', User: 'bob', Count: 3 }, { product: 'windows', service: 'sysmon' });
    expect(rs.explain(e, 'k1')).toEqual(
      expect.objectContaining({
        matched: true,
        selections: ['keywords', 'sel_user'],
        fields: { User: 'bob', CommandLine: 'mimikatz "sekurlsa::logonpasswords" exit', Note: 'lsadump::sam later' },
      }),
    );
  });

  it('keeps numbers in other notations as written (hex access masks)', () => {
    const rs = ruleSetFromText(`title: H\nid: h1\nlogsource: { product: windows, category: process_access }\ndetection: { s: { GrantedAccess: 0x1410, Count: 12 }, condition: s }`);
    const pa = { product: 'windows', category: 'process_access' };
    expect(rs.matchEvent(ev({ GrantedAccess: '0x1410', Count: '12' }, pa))).toHaveLength(1);
    expect(rs.matchEvent(ev({ GrantedAccess: '5136', Count: 12 }, pa))).toHaveLength(0);
  });

  it('reports a broken search identifier even when the condition does not use it', () => {
    const rs = ruleSetFromText(`title: U\nid: u2\nlogsource: { product: windows }\ndetection: { s: { A: 1 }, unused: { B|nosuch: 1 }, condition: s }`);
    expect(rs.errors).toEqual([expect.objectContaining({ ruleId: 'u2', reason: "unknown modifier 'nosuch' in 'B|nosuch'" })]);
  });
});
