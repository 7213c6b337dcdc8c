import type { AttackCatalog } from '../attack';
import type { TechniqueMapping } from '../model';
import type { EventLookup, Signal } from '../correlate/signal';
import { consistentTechniques } from './consistency';
import { byConfidence, INFORMATIONAL_CAP, signalConfidence, techniqueConfidence } from './confidence';

const RESOURCE_DEVELOPMENT = 'Resource Development';

export { techniqueConfidence, signalConfidence, LEVEL_BASE, byConfidence } from './confidence';
export { withParentTechniques } from './rollup';

export const MAX_TECHNIQUES = 15;
export const MIN_CONFIDENCE = 20;
const MAX_EVIDENCE = 50;

export interface TechniqueOptions {
  /** Signals of the most important chain (boost when it spans several stages). */
  primarySignals?: Set<Signal>;
  primaryMultiStage?: boolean;
  /** The events behind signals: lets a broad rule's program techniques be checked against what ran. */
  lookup?: EventLookup;
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
  /** Per collapsed parent and signal: the sibling sub-techniques that signal named. */
  const named = new Map<string, Map<Signal, string[]>>();
  for (const s of signals) {
    const { ids, collapsed } = mostSpecific(consistentTechniques(s, options.lookup), catalog);
    for (const id of ids) {
      const list = evidence.get(id) ?? [];
      list.push(s);
      evidence.set(id, list);
    }
    for (const [parent, subs] of collapsed) {
      const bySignal = named.get(parent) ?? new Map<Signal, string[]>();
      bySignal.set(s, subs);
      named.set(parent, bySignal);
    }
  }
  foldParentsIntoSubtechniques(evidence, named, catalog);
  const chainStrength = options.primaryMultiStage === true ? strongest(options.primarySignals) : undefined;
  const out: TechniqueMapping[] = [];
  for (const [id, supporting] of evidence) {
    const mapping = toMapping(id, supporting, catalog, options, chainStrength);
    if (mapping) out.push(mapping);
  }
  out.sort(byConfidence);
  return out.filter((m) => m.confidence >= (options.minConfidence ?? MIN_CONFIDENCE)).slice(0, options.max ?? MAX_TECHNIQUES);
}

interface SpecificIds {
  ids: string[];
  /** Parent -> the sibling sub-techniques it stands for (several named, none provable). */
  collapsed: Map<string, string[]>;
}

/**
 * Current, non-deprecated ids; a parent listed next to one of its own sub-techniques is dropped.
 * A rule naming several sibling sub-techniques (T1003.001, .002, .004) cannot tell which one
 * happened: it is evidence for the parent only.
 */
function mostSpecific(tags: string[], catalog: AttackCatalog): SpecificIds {
  const current = [...new Set(tags.map((id) => currentId(id, catalog)).filter((id): id is string => id !== undefined))];
  const siblings = new Map<string, string[]>();
  for (const id of current) {
    const parent = catalog.technique(id)?.parent;
    if (parent) siblings.set(parent, [...(siblings.get(parent) ?? []), id]);
  }
  const collapsed = new Map([...siblings].filter(([, subs]) => subs.length >= 2));
  const reduced = [...new Set(current.map((id) => {
    const parent = catalog.technique(id)?.parent;
    return parent && collapsed.has(parent) ? parent : id;
  }))];
  return { ids: reduced.filter((id) => !reduced.some((other) => other !== id && other.startsWith(`${id}.`))), collapsed };
}

function currentId(id: string, catalog: AttackCatalog): string | undefined {
  const t = catalog.technique(id);
  if (!t) return undefined;
  if (!t.deprecated) return t.id;
  const successor = t.successors?.length === 1 ? catalog.technique(t.successors[0]) : undefined;
  return successor && !successor.deprecated ? successor.id : undefined;
}

/**
 * Parent evidence corroborates the mapped sub-techniques instead of being listed on its own. A
 * signal that named the parent only corroborates a mapped sub-technique it shares an event with
 * (a Windows logon never props up a cloud sign-in elsewhere); a signal collapsed from several
 * named siblings corroborates only those siblings. Parent evidence left with no sub-technique to
 * corroborate stays on the parent.
 */
function foldParentsIntoSubtechniques(evidence: Map<string, Signal[]>, named: Map<string, Map<Signal, string[]>>, catalog: AttackCatalog): void {
  for (const id of [...evidence.keys()]) {
    if (id.includes('.')) continue;
    const subs = [...evidence.keys()].filter((other) => other.startsWith(`${id}.`) && catalog.technique(other)?.parent === id);
    if (subs.length === 0) continue;
    const kept: Signal[] = [];
    const own = new Map(subs.map((sub) => [sub, [...(evidence.get(sub) ?? [])]]));
    for (const s of evidence.get(id) ?? []) {
      const targets = named.get(id)?.get(s)?.filter((sub) => subs.includes(sub)) ?? (named.get(id)?.has(s) ? [] : subs.filter((sub) => sharesEvent(s, own.get(sub) ?? [])));
      if (targets.length === 0) kept.push(s);
      for (const sub of targets) {
        const list = evidence.get(sub) ?? [];
        if (!list.includes(s)) list.push(s);
        evidence.set(sub, list);
      }
    }
    if (kept.length === 0) evidence.delete(id);
    else evidence.set(id, kept);
  }
}

function strongest(signals: Set<Signal> | undefined): number | undefined {
  if (!signals || signals.size === 0) return undefined;
  return Math.max(...[...signals].map(signalConfidence));
}

function sharesEvent(s: Signal, others: Signal[]): boolean {
  const seen = new Set(others.flatMap((o) => o.eventIndices));
  return s.eventIndices.some((i) => seen.has(i));
}

function toMapping(id: string, signals: Signal[], catalog: AttackCatalog, options: TechniqueOptions, primaryStrength: number | undefined): TechniqueMapping | undefined {
  const technique = catalog.technique(id);
  if (!technique) return undefined;
  const events = new Set<number>();
  for (const s of signals) for (const i of s.eventIndices) events.add(i);
  const inPrimary = options.primaryMultiStage === true && signals.some((s) => options.primarySignals?.has(s));
  const chainStrength = inPrimary ? primaryStrength : undefined;
  const scored = techniqueConfidence({ signals, events: events.size, inMultiStageChain: inPrimary, chainStrength });
  // Resource Development (building or buying tools and infrastructure) happens before and outside the
  // victim's network: a rule tagging it on host telemetry means "a known tool is here", which the
  // techniques of what the tool did already say. It corroborates; it never maps on its own.
  const confidence = technique.tactics.every((t) => t === RESOURCE_DEVELOPMENT) ? Math.min(scored, INFORMATIONAL_CAP) : scored;
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
