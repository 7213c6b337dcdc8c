import type { AttackCatalog } from '../attack';
import type { TechniqueMapping } from '../model';
import type { Signal } from '../correlate/signal';
import { techniqueConfidence } from './confidence';

export { techniqueConfidence, signalConfidence, LEVEL_BASE } from './confidence';

export const MAX_TECHNIQUES = 15;
export const MIN_CONFIDENCE = 20;
const MAX_EVIDENCE = 50;

export interface TechniqueOptions {
  /** Signals of the most important chain (boost when it spans several stages). */
  primarySignals?: Set<Signal>;
  primaryMultiStage?: boolean;
  max?: number;
  minConfidence?: number;
}

/**
 * ATT&CK mapping: each signal's techniques (a rule tagged with a parent and its sub-technique
 * counts for the sub-technique only), parent-only evidence corroborating its sub-techniques,
 * confidence per README.md, the tactic that fits the evidence, noise cut by cap and floor.
 */
export function buildTechniques(signals: Signal[], catalog: AttackCatalog, options: TechniqueOptions = {}): TechniqueMapping[] {
  const evidence = new Map<string, Signal[]>();
  for (const s of signals) {
    for (const id of mostSpecific(s.techniques, catalog)) {
      const list = evidence.get(id) ?? [];
      list.push(s);
      evidence.set(id, list);
    }
  }
  foldParentsIntoSubtechniques(evidence, catalog);
  const out: TechniqueMapping[] = [];
  for (const [id, supporting] of evidence) {
    const mapping = toMapping(id, supporting, catalog, options);
    if (mapping) out.push(mapping);
  }
  out.sort((a, b) => b.confidence - a.confidence || a.technique_id.localeCompare(b.technique_id));
  return out.filter((m) => m.confidence >= (options.minConfidence ?? MIN_CONFIDENCE)).slice(0, options.max ?? MAX_TECHNIQUES);
}

/**
 * Current, non-deprecated ids; a parent listed next to one of its own sub-techniques is dropped.
 * A rule naming several sibling sub-techniques (T1003.001, .002, .004) cannot tell which one
 * happened: it is evidence for the parent only.
 */
function mostSpecific(ids: string[], catalog: AttackCatalog): string[] {
  const current = [...new Set(ids.map((id) => currentId(id, catalog)).filter((id): id is string => id !== undefined))];
  const siblings = new Map<string, string[]>();
  for (const id of current) {
    const parent = catalog.technique(id)?.parent;
    if (parent) siblings.set(parent, [...(siblings.get(parent) ?? []), id]);
  }
  const ambiguous = new Set([...siblings].filter(([, subs]) => subs.length >= 2).map(([parent]) => parent));
  const collapsed = [...new Set(current.map((id) => {
    const parent = catalog.technique(id)?.parent;
    return parent && ambiguous.has(parent) ? parent : id;
  }))];
  return collapsed.filter((id) => !collapsed.some((other) => other !== id && other.startsWith(`${id}.`)));
}

function currentId(id: string, catalog: AttackCatalog): string | undefined {
  const t = catalog.technique(id);
  if (!t) return undefined;
  if (!t.deprecated) return t.id;
  const successor = t.successors?.length === 1 ? catalog.technique(t.successors[0]) : undefined;
  return successor && !successor.deprecated ? successor.id : undefined;
}

function foldParentsIntoSubtechniques(evidence: Map<string, Signal[]>, catalog: AttackCatalog): void {
  for (const id of [...evidence.keys()]) {
    if (id.includes('.')) continue;
    const subs = [...evidence.keys()].filter((other) => other.startsWith(`${id}.`) && catalog.technique(other)?.parent === id);
    if (subs.length === 0) continue;
    const parentSignals = evidence.get(id) ?? [];
    for (const sub of subs) {
      const list = evidence.get(sub) ?? [];
      for (const s of parentSignals) if (!list.includes(s)) list.push(s);
    }
    evidence.delete(id);
  }
}

function toMapping(id: string, signals: Signal[], catalog: AttackCatalog, options: TechniqueOptions): TechniqueMapping | undefined {
  const technique = catalog.technique(id);
  if (!technique) return undefined;
  const events = new Set<number>();
  for (const s of signals) for (const i of s.eventIndices) events.add(i);
  const inPrimary = options.primaryMultiStage === true && signals.some((s) => options.primarySignals?.has(s));
  const confidence = techniqueConfidence({ signals, events: events.size, inMultiStageChain: inPrimary });
  const preferred = [...signals].sort((a, b) => b.eventIndices.length - a.eventIndices.length).flatMap((s) => s.tactics);
  return {
    technique_id: technique.id,
    name: technique.name,
    tactic: catalog.tacticFor(technique.id, preferred) ?? technique.tactics[0] ?? 'Unknown',
    confidence,
    rule_ids: [...new Set(signals.map((s) => s.rule.id))],
    event_indices: [...events].sort((a, b) => a - b).slice(0, MAX_EVIDENCE),
  };
}
