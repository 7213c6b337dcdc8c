import { loadAttackCatalog } from '../attack';
import type { RuleRef, TechniqueMapping } from '../model';
import { makeSignal, type Signal } from '../correlate/signal';
import { event, lookupOf } from '../correlate/testing/events';
import { assessSeverity } from './index';

const catalog = loadAttackCatalog();
const lookup = lookupOf([event(0, '2026-01-01T00:00:00Z', { outcome: 'success' }), event(1, '2026-01-01T00:00:01Z', { outcome: 'failure' })]);

function sig(rule: Partial<RuleRef>, index = 0): Signal {
  return makeSignal('detection', rule.id ?? 'r', { id: 'r', title: 'Rule', level: 'medium', tags: [], ...rule }, [index], lookup, catalog);
}

function tech(id: string, confidence = 80): TechniqueMapping {
  return { technique_id: id, name: id, tactic: 'x', confidence };
}

describe('severity', () => {
  it('is info when nothing matched', () => {
    expect(assessSeverity({ signals: [], techniques: [] }).severity).toBe('info');
  });

  it('keeps a failed attempt at medium at most, even from a high rule', () => {
    expect(assessSeverity({ signals: [sig({ level: 'high' }, 1)], techniques: [] }).severity).toBe('medium');
  });

  it('is at least high once the attacker obtained a session', () => {
    const r = assessSeverity({ signals: [sig({ id: 'lantern.heuristic.brute_force_success', level: 'medium' })], techniques: [] });
    expect(r.severity).toBe('high');
    expect(r.reasons.join(' ')).toMatch(/valid session/);
  });

  it('raises a confirmed compromise of a production server with customer PII to critical', () => {
    const r = assessSeverity({ signals: [sig({ id: 'lantern.heuristic.external_logon_then_activity', level: 'high' })], techniques: [], context: 'Production environment, server handles customer PII' });
    expect(r.severity).toBe('critical');
    expect(r.reasons.join(' ')).toMatch(/production system, personal data/);
  });

  it('does not raise a low finding because the asset is sensitive', () => {
    expect(assessSeverity({ signals: [sig({ level: 'low' })], techniques: [], context: 'domain controller' }).severity).toBe('low');
  });

  it('rates destruction of recovery options critical', () => {
    expect(assessSeverity({ signals: [sig({ level: 'high' })], techniques: [tech('T1490')] }).severity).toBe('critical');
  });

  it('lowers one level for an authorised red-team exercise', () => {
    expect(assessSeverity({ signals: [sig({ level: 'high' })], techniques: [], context: 'Authorized penetration test in progress' }).severity).toBe('medium');
  });

  it('counts a web shell that answered as access gained, and one that was refused as an attempt', () => {
    const answered = sig({ id: 'shell', level: 'high', tags: ['attack.persistence', 'attack.t1505.003'] }, 0);
    const stages = ['Persistence', 'Execution', 'Command and Control'];
    expect(assessSeverity({ signals: [answered], techniques: [tech('T1505.003')], stages }).severity).toBe('critical');
    const refused = sig({ id: 'shell', level: 'high', tags: ['attack.persistence', 'attack.t1505.003'] }, 1);
    expect(assessSeverity({ signals: [refused], techniques: [], stages }).severity).toBe('medium');
  });
});

