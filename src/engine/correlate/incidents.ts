import type { CanonicalEvent, IncidentSummary, Severity, TimelineEntry } from '../model';
import { SEVERITIES } from '../model';
import { buildTimeline } from '../timeline';
import { clusterChains } from './campaign';
import type { ChainBuild } from './chains';
import { levelWeight, type EventLookup } from './signal';

export function iso(t: number | undefined): string | undefined {
  return t === undefined ? undefined : new Date(t).toISOString().replace('.000Z', 'Z');
}

/**
 * Campaign scope: clusters of chains sharing infrastructure, accounts or tooling become incidents,
 * each with its own summary, severity and timeline entries (prefixed with the incident id).
 */
export function summariseCampaign(chains: ChainBuild[], events: CanonicalEvent[], lookup: EventLookup, label: (v: string) => string): { timeline: TimelineEntry[]; incidents: IncidentSummary[] } {
  const clusters = clusterChains(chains);
  const incidents: IncidentSummary[] = [];
  const timeline: TimelineEntry[] = [];
  clusters.forEach((members, n) => {
    const id = `incident-${n + 1}`;
    const builds = members.map((m) => chains[m]);
    const signals = [...new Set(builds.flatMap((b) => b.signals))];
    const first = Math.min(...builds.map((b) => b.chain.firstTime ?? Infinity));
    const last = Math.max(...builds.map((b) => b.chain.lastTime ?? -Infinity));
    const severity = builds.map((b) => b.chain.severity).sort((a, b) => rankOf(b) - rankOf(a))[0] ?? 'info';
    const techniques = [...new Set(signals.flatMap((s) => s.techniques))].slice(0, 10);
    const keyValues = [...new Set(signals.flatMap((s) => s.roles.filter((r) => ['attacker', 'compromised_account', 'compromised_host', 'c2', 'created_account'].includes(r.role)).map((r) => r.value)))].slice(0, 8);
    const top = [...signals].sort((a, b) => levelWeight(b.rule.level) - levelWeight(a.rule.level) || Number(!!b.summary) - Number(!!a.summary) || b.eventIndices.length - a.eventIndices.length)[0];
    const summary = `${top?.summary ?? top?.rule.title ?? 'Suspicious activity'}${keyValues.length > 0 ? ` (involving ${keyValues.join(', ')})` : ''}; ${builds.length} chain${builds.length > 1 ? 's' : ''}, ${signals.length} signals`;
    const incident: IncidentSummary = { id, severity, summary, techniques, indicators: keyValues, event_count: new Set(builds.flatMap((b) => b.eventIndices)).size };
    const fs = iso(Number.isFinite(first) ? first : undefined);
    const ls = iso(Number.isFinite(last) ? last : undefined);
    if (fs) incident.first_seen = fs;
    if (ls) incident.last_seen = ls;
    incidents.push(incident);
    const entries = buildTimeline(events, signals, lookup, { label, max: Math.max(10, Math.floor(100 / clusters.length)) });
    for (const e of entries) timeline.push({ ...e, description: `[${id}] ${e.description}` });
  });
  incidents.sort((a, b) => rankOf(b.severity) - rankOf(a.severity));
  timeline.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  return { timeline: timeline.slice(0, 100), incidents };
}

function rankOf(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

