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

const BROAD_MIN_EVENTS = 10;
const BROAD_SHARE = 0.9;
const BROAD_MIN_SOURCES = 3;

function logsourceKey(e: CanonicalEvent): string {
  return `${e.logsource.product ?? ''}|${e.logsource.category ?? ''}|${e.logsource.service ?? ''}|${e.format}`;
}

/**
 * A medium-or-lower rule that matches nearly every event of its log source, for many different
 * sources, describes the batch (a field the export lacks, a setting every client has), not an
 * attack: it cannot tell the attacker from the bystanders. Such signals are dropped when other
 * findings remain, so bystanders never become indicators or timeline steps.
 */
export function discriminatingSignals(signals: Signal[], events: CanonicalEvent[], lookup: EventLookup): Signal[] {
  const population = new Map<string, number>();
  for (const e of events) population.set(logsourceKey(e), (population.get(logsourceKey(e)) ?? 0) + 1);
  const broad = new Set(signals.filter((s) => isBroad(s, population, lookup)));
  if (broad.size === 0) return signals;
  const kept = signals.filter((s) => !broad.has(s));
  return kept.some((s) => levelWeight(s.rule.level) >= levelWeight('low')) ? kept : signals;
}

/** Network sensors log every client alike; there a rule firing on all of them is blind. Logon logs are not: many sources failing is itself an attack. */
function isNetworkTelemetry(e: CanonicalEvent | undefined): boolean {
  if (!e) return false;
  const ls = e.logsource;
  return ['zeek', 'suricata'].includes(ls.product ?? '') || ['dns', 'dns_query', 'firewall', 'proxy', 'network_connection'].includes(ls.category ?? '');
}

function isBroad(s: Signal, population: Map<string, number>, lookup: EventLookup): boolean {
  if (s.kind !== 'detection' || s.eventIndices.length < BROAD_MIN_EVENTS) return false;
  if (!s.eventIndices.every((i) => isNetworkTelemetry(lookup(i)))) return false;
  if (levelWeight(s.rule.level) > levelWeight('medium')) return false;
  const perSource = new Map<string, number>();
  const actors = new Set<string>();
  for (const i of s.eventIndices) {
    const e = lookup(i);
    if (!e) continue;
    perSource.set(logsourceKey(e), (perSource.get(logsourceKey(e)) ?? 0) + 1);
    const actor = e.entities.srcIp ?? e.entities.host ?? e.entities.user;
    if (actor) actors.add(actor.toLowerCase());
  }
  if (actors.size < BROAD_MIN_SOURCES) return false;
  return [...perSource].every(([key, n]) => n >= BROAD_SHARE * (population.get(key) ?? Infinity));
}
