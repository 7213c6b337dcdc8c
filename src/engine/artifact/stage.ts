import type { AttackCatalog } from '../attack';
import type { ArtifactReport, CanonicalEvent, RuleRef, TimelineEntry } from '../model';
import { levelWeight, makeSignal, type EventLookup, type RoleHint, type Signal } from '../correlate/signal';
import { isExternalIp } from '../indicators/ip';
import { isBenignDomain } from '../indicators/benign';
import type { ArtifactAnalysis } from './index';
import { selectArtifact } from './select';

export interface ArtifactStage {
  report: ArtifactReport;
  signals: Signal[];
  layerEntries: TimelineEntry[];
  focusSignals(all: Signal[]): Signal[];
}

function iso(t: number | undefined): string | undefined {
  return t === undefined ? undefined : new Date(t).toISOString().replace('.000Z', 'Z');
}

export type RuleMatcher = (event: { index: number; fields: Record<string, unknown>; logsource: CanonicalEvent['logsource']; time?: number }) => readonly RuleRef[];

/** Artifact scope: pick one artifact, peel its layers, run the rules and traits on what it decodes to. */
export function artifactStage(events: CanonicalEvent[], signals: Signal[], catalog: AttackCatalog, lookup: EventLookup, matchEvent?: RuleMatcher): ArtifactStage | undefined {
  const weights = new Map<number, number>();
  for (const s of signals) for (const i of s.eventIndices) weights.set(i, (weights.get(i) ?? 0) + levelWeight(s.rule.level));
  const selected = selectArtifact(events, (i) => weights.get(i) ?? 0);
  if (!selected) return undefined;
  const { analysis, event } = selected;
  const report: ArtifactReport = {
    type: selected.type,
    event_index: event.index,
    original: selected.text,
    decoded: analysis.decoded,
    layers: analysis.layers.map((l) => ({ method: l.method, text: l.text })),
    traits: analysis.traits.map((t) => t.title),
  };
  const extra: Signal[] = [];
  const roles = embeddedRoles(analysis, event.index);
  const decodedRules = analysis.layers.length > 0 && matchEvent
    ? matchEvent({ index: event.index, fields: { ...event.fields, CommandLine: analysis.decoded, ScriptBlockText: analysis.decoded }, logsource: event.logsource, time: event.time })
    : [];
  for (const rule of decodedRules) extra.push(makeSignal('detection', `artifact:${rule.id}`, rule, [event.index], lookup, catalog));
  extra.push(makeSignal('behaviour', 'artifact:indicators', {
    id: 'lantern.artifact.embedded', title: `Indicators embedded in the ${selected.type.replace('_', ' ')}`, level: 'low', status: 'heuristic', tags: [],
  }, [event.index], lookup, catalog, roles));
  const layerEntries: TimelineEntry[] = analysis.layers.map((l, n) => ({
    timestamp: iso(event.time) ?? 'unknown',
    description: `Artifact layer ${n + 1} (${l.method.replace(/_/g, ' ')}): ${l.text.replace(/\s+/g, ' ').slice(0, 200)}`,
    event_indices: [event.index],
  }));
  return {
    report,
    signals: extra,
    layerEntries,
    focusSignals: (all) => all.filter((s) => s.eventIndices.includes(event.index) || extra.includes(s)),
  };
}

function embeddedRoles(analysis: ArtifactAnalysis, index: number): RoleHint[] {
  const download = analysis.traits.some((t) => t.id === 'download_cradle');
  const roles: RoleHint[] = [];
  for (const ind of analysis.indicators) {
    const at = [index];
    if (ind.type === 'url') roles.push({ type: 'url', value: ind.value, role: download ? 'payload_url' : 'embedded_url', eventIndices: at });
    else if (ind.type === 'ip' && isExternalIp(ind.value)) roles.push({ type: 'ip', value: ind.value, role: download ? 'payload_host' : 'embedded_address', eventIndices: at });
    else if (ind.type === 'domain' && !isBenignDomain(ind.value)) roles.push({ type: 'domain', value: ind.value, role: download ? 'payload_host' : 'embedded_domain', eventIndices: at });
    else if (ind.type === 'file') roles.push({ type: 'file', value: ind.value, role: download ? 'payload' : 'embedded_file', eventIndices: at });
    else if (ind.type === 'registry') roles.push({ type: 'registry', value: ind.value, role: 'modified_registry', eventIndices: at });
    else if (['md5', 'sha1', 'sha256'].includes(ind.type)) roles.push({ type: ind.type, value: ind.value, role: 'embedded_hash', eventIndices: at });
    else if (ind.type === 'email') roles.push({ type: 'email', value: ind.value, role: 'embedded_email', eventIndices: at });
  }
  return roles;
}

