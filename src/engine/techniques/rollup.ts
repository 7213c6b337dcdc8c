import type { AttackCatalog } from '../attack';
import type { TechniqueMapping } from '../model';
import { byConfidence } from './confidence';

const MAX_EVIDENCE = 50;

/**
 * The response lists techniques at both ATT&CK levels: every mapped sub-technique brings its
 * technique (the parent), so clients that count, filter or file incidents by technique (ATT&CK
 * Navigator layers, coverage dashboards, case labels) see it without walking the hierarchy.
 * A sub-technique happening means its technique happened, so the parent is at least as certain
 * as its best sub-technique; it cites the evidence of all of them and names them in
 * `sub_techniques`. The findings themselves keep the most specific list (narrative, severity).
 */
export function withParentTechniques(mappings: TechniqueMapping[], catalog: AttackCatalog): TechniqueMapping[] {
  const byId = new Map(mappings.map((m) => [m.technique_id, m]));
  const rolled = new Map<string, TechniqueMapping>();
  for (const sub of mappings) {
    const parentId = catalog.technique(sub.technique_id)?.parent;
    if (!parentId) continue;
    const parent = rolled.get(parentId) ?? startParent(parentId, byId.get(parentId), sub, catalog);
    if (!parent) continue;
    absorb(parent, sub);
    rolled.set(parentId, parent);
  }
  const out = mappings.filter((m) => !rolled.has(m.technique_id)).concat([...rolled.values()]);
  return out.sort(byConfidence);
}

function startParent(id: string, own: TechniqueMapping | undefined, firstSub: TechniqueMapping, catalog: AttackCatalog): TechniqueMapping | undefined {
  const technique = catalog.technique(id);
  if (!technique) return undefined;
  const tactic = own?.tactic ?? (technique.tactics.includes(firstSub.tactic) ? firstSub.tactic : catalog.tacticFor(id, [firstSub.tactic]) ?? technique.tactics[0] ?? firstSub.tactic);
  return {
    technique_id: technique.id,
    name: technique.name,
    tactic,
    confidence: own?.confidence ?? 0,
    rule_ids: [...(own?.rule_ids ?? [])],
    event_indices: [...(own?.event_indices ?? [])],
    sub_techniques: [],
  };
}

function absorb(parent: TechniqueMapping, sub: TechniqueMapping): void {
  parent.confidence = Math.max(parent.confidence, sub.confidence);
  parent.sub_techniques = [...(parent.sub_techniques ?? []), sub.technique_id];
  parent.rule_ids = [...new Set([...(parent.rule_ids ?? []), ...(sub.rule_ids ?? [])])];
  const events = new Set([...(parent.event_indices ?? []), ...(sub.event_indices ?? [])]);
  parent.event_indices = [...events].sort((a, b) => a - b).slice(0, MAX_EVIDENCE);
}
