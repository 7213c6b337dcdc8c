import type { CanonicalEvent, IncidentSummary, Severity, TimelineEntry } from '../model';
import { SEVERITIES } from '../model';
import { buildTimeline } from '../timeline';
import { clusterChains } from './campaign';
import type { ChainBuild } from './chains';
import { levelWeight, type EventLookup, type Signal } from './signal';

/** Incidents reported in detail; smaller clusters are summed up in one closing entry. */
export const MAX_INCIDENTS = 20;
const KEY_ROLES = new Set(['attacker', 'compromised_account', 'compromised_host', 'c2', 'created_account']);

export function iso(t: number | undefined): string | undefined {
  return t === undefined ? undefined : new Date(t).toISOString().replace('.000Z', 'Z');
}

function rankOf(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/**
 * Campaign scope: clusters of chains sharing infrastructure, accounts or tooling become incidents,
 * each with its own summary, severity and timeline entries (prefixed with the incident id).
 */
/** An incident's ATT&CK techniques from its signals, most confident first (the response's mapping rules). */
export type IncidentTechniques = (signals: Signal[]) => string[];

const rawTechniques: IncidentTechniques = (signals) => [...new Set(signals.flatMap((s) => s.techniques))];

export function summariseCampaign(chains: ChainBuild[], events: CanonicalEvent[], lookup: EventLookup, label: (v: string) => string, techniquesOf: IncidentTechniques = rawTechniques): { timeline: TimelineEntry[]; incidents: IncidentSummary[] } {
  const clusters = clusterChains(chains);
  const detailed = clusters.slice(0, MAX_INCIDENTS);
  const incidents: IncidentSummary[] = [];
  const timeline: TimelineEntry[] = [];
  const perIncident = Math.max(5, Math.floor(100 / Math.max(1, detailed.length)));
  detailed.forEach((members, n) => {
    const id = `incident-${n + 1}`;
    const builds = members.map((m) => chains[m]);
    const eventSet = new Set(builds.flatMap((b) => b.eventIndices));
    const signals = [...new Set(builds.flatMap((b) => b.signals))];
    incidents.push(incidentOf(id, builds, signals, eventSet, techniquesOf));
    const entries = buildTimeline(events, signals, lookup, { label, max: perIncident, onlyEvents: eventSet });
    for (const e of entries) timeline.push({ ...e, description: `[${id}] ${e.description}` });
  });
  const rest = clusters.slice(MAX_INCIDENTS);
  if (rest.length > 0) {
    const restEvents = rest.reduce((a, members) => a + members.reduce((b, m) => b + chains[m].eventIndices.length, 0), 0);
    incidents.push({ id: 'incident-others', severity: 'low', summary: `${rest.length} further lower-priority incidents (${restEvents} events) not detailed`, techniques: [], indicators: [], event_count: restEvents });
  }
  incidents.sort((a, b) => rankOf(b.severity) - rankOf(a.severity));
  // By instant, not by text: "13:00:02.300Z" is after "13:00:02Z".
  const at = (t: TimelineEntry): number => (t.timestamp === 'unknown' ? Infinity : Date.parse(t.timestamp));
  timeline.sort((a, b) => at(a) - at(b));
  return { timeline: timeline.slice(0, 100), incidents };
}

function incidentOf(id: string, builds: ChainBuild[], signals: Signal[], eventSet: Set<number>, techniquesOf: IncidentTechniques): IncidentSummary {
  const first = Math.min(...builds.map((b) => b.chain.firstTime ?? Infinity));
  const last = Math.max(...builds.map((b) => b.chain.lastTime ?? -Infinity));
  const severity = builds.map((b) => b.chain.severity).sort((a, b) => rankOf(b) - rankOf(a))[0] ?? 'info';
  const techniques = techniquesOf(signals).slice(0, 10);
  const keyValues = new Set<string>();
  for (const r of builds.flatMap((b) => b.roles)) if (keyValues.size < 8 && KEY_ROLES.has(r.role)) keyValues.add(r.value);
  // A heuristic's sentence ("Successful SSH logon as deploy from ...") heads an incident better than a rule title.
  const told = (s: Signal): number => (s.kind === 'behaviour' && s.summary ? 2 : s.summary ? 1 : 0);
  const top = [...signals].sort((a, b) => levelWeight(b.rule.level) - levelWeight(a.rule.level) || told(b) - told(a) || b.eventIndices.length - a.eventIndices.length)[0];
  const values = [...keyValues];
  const summary = `${top?.summary ?? top?.rule.title ?? 'Suspicious activity'}${values.length > 0 ? ` (involving ${values.join(', ')})` : ''}; ${builds.length} chain${builds.length > 1 ? 's' : ''}, ${signals.length} signals`;
  const incident: IncidentSummary = { id, severity, summary, techniques, indicators: values, event_count: eventSet.size };
  const fs = iso(Number.isFinite(first) ? first : undefined);
  const ls = iso(Number.isFinite(last) ? last : undefined);
  if (fs) incident.first_seen = fs;
  if (ls) incident.last_seen = ls;
  return incident;
}
