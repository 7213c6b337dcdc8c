import type { AttackCatalog } from '../attack';
import type { CanonicalEvent, CorrelationHit, DetectionHit, Outcome, RuleRef } from '../model';

export type SignalKind = 'detection' | 'correlation' | 'behaviour';

/** An entity a heuristic knows the role of (e.g. the source of a successful brute force is the attacker). */
export interface RoleHint {
  type: string;
  value: string;
  role: string;
  eventIndices: number[];
}

/**
 * One piece of evidence that something happened: all hits of one Sigma rule, one correlation
 * hit, or one inferred behaviour. Every later stage (chains, techniques, indicators, timeline,
 * severity) reads signals, so rules and heuristics are weighed the same way.
 */
export interface Signal {
  id: string;
  kind: SignalKind;
  rule: RuleRef;
  eventIndices: number[];
  /** Current ATT&CK technique ids (revoked ids resolved). */
  techniques: string[];
  /** Tactic display names the rule is tagged with. */
  tactics: string[];
  outcome: Outcome;
  firstTime?: number;
  lastTime?: number;
  roles: RoleHint[];
  /** A sentence for the timeline, when the producer can say more than the rule title. */
  summary?: string;
  /** Its events are one story (a brute-force run, a correlation), linked into one chain even without shared entities. */
  story?: boolean;
}

export type EventLookup = (index: number) => CanonicalEvent | undefined;

export function detectionSignals(hits: DetectionHit[], lookup: EventLookup, catalog: AttackCatalog): Signal[] {
  const byRule = new Map<string, { rule: RuleRef; indices: number[] }>();
  for (const hit of hits) {
    const entry = byRule.get(hit.rule.id) ?? { rule: hit.rule, indices: [] };
    entry.indices.push(hit.eventIndex);
    byRule.set(hit.rule.id, entry);
  }
  return [...byRule.values()].map(({ rule, indices }) =>
    makeSignal('detection', `rule:${rule.id}`, rule, indices, lookup, catalog),
  );
}

export function correlationSignals(hits: CorrelationHit[], lookup: EventLookup, catalog: AttackCatalog): Signal[] {
  return hits.map((hit, i) => {
    const signal = makeSignal('correlation', `correlation:${hit.rule.id}:${i}`, hit.rule, hit.eventIndices, lookup, catalog);
    signal.story = true;
    const summary = describeCorrelation(hit);
    if (summary) signal.summary = summary;
    return signal;
  });
}

export function makeSignal(
  kind: SignalKind,
  id: string,
  rule: RuleRef,
  indices: number[],
  lookup: EventLookup,
  catalog: AttackCatalog,
  roles: RoleHint[] = [],
): Signal {
  const eventIndices = [...new Set(indices)].sort((a, b) => a - b);
  const events = eventIndices.map(lookup).filter((e): e is CanonicalEvent => e !== undefined);
  const mapping = catalog.fromSigmaTags(rule.tags);
  const signal: Signal = {
    id,
    kind,
    rule,
    eventIndices,
    techniques: mapping.techniques,
    tactics: mapping.tactics,
    outcome: combinedOutcome(events.map((e) => e.outcome)),
    roles,
  };
  const span = timeSpan(events);
  if (span) {
    signal.firstTime = span[0];
    signal.lastTime = span[1];
  }
  return signal;
}

export function timeSpan(events: Iterable<CanonicalEvent>): [number, number] | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const e of events) {
    if (e.time === undefined) continue;
    if (e.time < first) first = e.time;
    if (e.time > last) last = e.time;
  }
  return first === Infinity ? undefined : [first, last];
}

/** Success wins: one successful event in a burst of failures means the behaviour worked. */
export function combinedOutcome(outcomes: Outcome[]): Outcome {
  if (outcomes.includes('success')) return 'success';
  if (outcomes.length > 0 && outcomes.every((o) => o === 'failure')) return 'failure';
  return 'unknown';
}

function describeCorrelation(hit: CorrelationHit): string | undefined {
  const group = Object.entries(hit.group)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  const count = hit.value !== undefined ? ` (${hit.value})` : '';
  return `${hit.rule.title}${count}${group ? ` for ${group}` : ''}`;
}

export const LEVEL_WEIGHT: Record<string, number> = {
  critical: 10,
  high: 6,
  medium: 3,
  low: 1,
  informational: 0.3,
};

export function levelWeight(level: string | undefined): number {
  return LEVEL_WEIGHT[(level ?? '').toLowerCase()] ?? 1;
}
