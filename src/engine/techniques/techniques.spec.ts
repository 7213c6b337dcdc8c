import { loadAttackCatalog } from '../attack';
import type { RuleRef } from '../model';
import { makeSignal, type Signal } from '../correlate/signal';
import { event, lookupOf } from '../correlate/testing/events';
import { buildTechniques } from './index';

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
