import type { AttackCatalog } from '../attack';
import type { IntelIndex } from '../intel';
import type { CanonicalEvent, RuleRef } from '../model';
import { makeSignal, type EventLookup, type RoleHint, type Signal } from '../correlate/signal';
import { hostOfUrl } from './extract';
import { isMeaninglessIp } from './ip';

interface Hit {
  type: string;
  value: string;
  role: string;
  labels: string[];
  events: number[];
}

/**
 * Events naming a value on a loaded threat-intel feed. A listed source address is the attacker,
 * a listed destination or domain is attacker infrastructure, a listed hash is malware.
 */
export function intelSignals(events: CanonicalEvent[], intel: IntelIndex | undefined, lookup: EventLookup, catalog: AttackCatalog): Signal[] {
  if (!intel || intel.size === 0) return [];
  const hits = new Map<string, Hit>();
  const cache = new Map<string, string[]>();
  const check = (type: string, value: string | undefined, role: string, e: CanonicalEvent): void => {
    if (!value || (type === 'ip' && isMeaninglessIp(value))) return;
    const key = `${type}:${value.toLowerCase()}`;
    let labels = cache.get(key);
    if (!labels) {
      labels = type === 'ip' ? intel.lookupIp(value) : type === 'domain' ? intel.lookupDomain(value) : intel.lookupHash(value);
      cache.set(key, labels);
    }
    if (labels.length === 0) return;
    const hit = hits.get(key) ?? { type, value, role, labels, events: [] };
    if (hit.events.length < 200) hit.events.push(e.index);
    hits.set(key, hit);
  };
  for (const e of events) {
    const en = e.entities;
    check('ip', en.srcIp, 'attacker', e);
    check('ip', en.dstIp, 'c2', e);
    check('domain', en.domain, 'c2', e);
    check('domain', en.url ? hostOfUrl(en.url) : undefined, 'c2', e);
    for (const h of en.hashes ?? []) check(h.length === 64 ? 'sha256' : h.length === 40 ? 'sha1' : 'md5', h, 'malware', e);
  }
  return [...hits.values()].map((hit) => {
    const rule: RuleRef = {
      id: `lantern.intel.${hit.type}`,
      title: `Threat intel: ${hit.value} (${hit.labels.join(', ')})`,
      level: 'medium',
      status: 'heuristic',
      tags: [],
      description: 'Value listed on a loaded threat-intel feed',
    };
    const roles: RoleHint[] = [{ type: hit.type, value: hit.value, role: hit.role, eventIndices: hit.events }];
    return makeSignal('behaviour', `intel:${hit.type}:${hit.value}`, rule, hit.events, lookup, catalog, roles);
  });
}
