import type { AttackCatalog } from '../attack';
import type { AttackChain, CanonicalEvent, ChainStep, Severity } from '../model';
import { isMeaninglessIp, isExternalIp } from '../indicators/ip';
import { remoteTargets } from '../indicators/remote-targets';
import { baseName, hostKey, ipValue, userKey } from './entities';
import { levelWeight, type RoleHint, type Signal } from './signal';

/** Events sharing an entity are linked when no more than this apart (event time). */
export const LINK_WINDOW_MS = 2 * 60 * 60 * 1000;
const MAX_ENTITY_SCAN = 500;

/** The chain plus what later stages need to weigh it. */
export interface ChainBuild {
  chain: AttackChain;
  eventIndices: number[];
  signals: Signal[];
  /** Role hints about this chain's own events. */
  roles: RoleHint[];
  score: number;
}

class UnionFind {
  private readonly parent: number[];
  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
  }
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[x] !== root) {
      const next = this.parent[x];
      this.parent[x] = root;
      x = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** The entity keys an event can be linked by: who, from where, on which host, which process. */
export function linkKeys(e: CanonicalEvent): string[] {
  const keys: string[] = [];
  const en = e.entities;
  const user = userKey(en.user);
  if (user) keys.push(`user:${user}`);
  const target = userKey(en.targetUser);
  if (target && target !== user) keys.push(`user:${target}`);
  if (en.cloudIdentity) keys.push(`user:${userKey(en.cloudIdentity) ?? en.cloudIdentity.toLowerCase()}`);
  if (en.srcIp && !isMeaninglessIp(en.srcIp)) keys.push(`ip:${ipValue(en.srcIp)}`);
  // An internal source address is a machine of ours: what it does links with what was done to it
  // (a web server that answered its web shell, then called out).
  if (en.srcIp && !isMeaninglessIp(en.srcIp) && !isExternalIp(en.srcIp)) keys.push(`host:${ipValue(en.srcIp)}`);
  // Internal destinations (resolvers, file servers) are hubs every client talks to; external ones are not.
  if (en.dstIp && isExternalIp(en.dstIp)) keys.push(`ip:${ipValue(en.dstIp)}`);
  const host = hostKey(en.host);
  if (host) keys.push(`host:${host}`);
  if (en.dstIp && !isMeaninglessIp(en.dstIp) && !isExternalIp(en.dstIp)) keys.push(`host:${ipValue(en.dstIp)}`);
  // A command fetching from an internet address belongs with what that address did (the logon it came in by).
  if (en.commandLine) for (const server of urlServers(en.commandLine)) keys.push(server);
  // A command run against another machine (wmic /node:, psexec \\host, ...) belongs with what happens there.
  if (en.commandLine) for (const t of remoteTargets(en.commandLine)) if (hostKey(t.value) !== host) keys.push(`host:${hostKey(t.value)}`);
  if (host && en.processId) keys.push(`proc:${host}:${en.processId}`);
  if (host && en.parentProcessId) keys.push(`proc:${host}:${en.parentProcessId}`);
  if (en.hashes) for (const h of en.hashes) keys.push(`hash:${h.toLowerCase()}`);
  if (en.domain && !en.domain.endsWith('.arpa')) keys.push(`domain:${en.domain.toLowerCase()}`);
  return keys;
}

const URL_SERVER = /\b(?:https?|ftp|tftp):\/\/(?:[^@\/\s'"]+@)?(\[[0-9a-f:.]+\]|[^\/\s:'"?#]+)/gi;

/** Link keys of the servers a command line's URLs name: external addresses and domains only. */
function urlServers(commandLine: string): string[] {
  if (!commandLine.includes('://')) return [];
  const out: string[] = [];
  for (const m of commandLine.matchAll(URL_SERVER)) {
    const server = m[1].replace(/^\[|\]$/g, '').toLowerCase();
    const ip = ipValue(server);
    if (ip) {
      if (isExternalIp(ip)) out.push(`ip:${ip}`);
    } else if (server.includes('.') && !server.endsWith('.arpa')) out.push(`domain:${server}`);
  }
  return out;
}

/**
 * A source address and a source workstation named together (4624 IpAddress + WorkstationName,
 * Sysmon 3 SourceIp + SourceHostname) are one machine: what happens on that host (`host:` key) and
 * what it does as a source (`ip:` key) link. Only unambiguous pairs: the address names one
 * workstation and the workstation one address in the batch (NAT and DHCP churn name several).
 */
export function machineAliases(events: CanonicalEvent[]): Map<string, string> {
  const namesByIp = new Map<string, Set<string>>();
  const ipsByName = new Map<string, Set<string>>();
  for (const e of events) {
    const ip = ipValue(e.entities.srcIp);
    const name = hostKey(e.entities.srcHost);
    if (!ip || !name || isMeaninglessIp(ip) || ipValue(name)) continue;
    namesByIp.set(ip, (namesByIp.get(ip) ?? new Set<string>()).add(name));
    ipsByName.set(name, (ipsByName.get(name) ?? new Set<string>()).add(ip));
  }
  const out = new Map<string, string>();
  for (const [ip, names] of namesByIp) {
    if (names.size !== 1) continue;
    const [name] = names;
    if (ipsByName.get(name)?.size === 1) out.set(`host:${name}`, `ip:${ip}`);
  }
  return out;
}

/**
 * Links events that share an entity key within LINK_WINDOW_MS of each other (union-find), then
 * keeps the components that carry at least one signal: each is an attack chain.
 */
export function buildChains(events: CanonicalEvent[], signals: Signal[], catalog: AttackCatalog, window = LINK_WINDOW_MS): ChainBuild[] {
  const position = new Map<number, number>();
  events.forEach((e, i) => position.set(e.index, i));
  const uf = new UnionFind(events.length);
  const byKey = new Map<string, number[]>();
  const aliases = machineAliases(events);
  events.forEach((e, i) => {
    for (const linkKey of linkKeys(e)) {
      const key = aliases.get(linkKey) ?? linkKey;
      const list = byKey.get(key);
      if (list) list.push(i);
      else byKey.set(key, [i]);
    }
  });
  for (const members of byKey.values()) linkWithinWindow(members, events, uf, window);
  // A signal's own events are one story (a brute-force run, a correlation) even without shared keys.
  for (const s of signals) {
    if (!s.story) continue;
    const positions = s.eventIndices.map((i) => position.get(i)).filter((p): p is number => p !== undefined);
    for (let i = 1; i < positions.length; i++) uf.union(positions[0], positions[i]);
  }
  const components = new Map<number, number[]>();
  events.forEach((e, i) => {
    const root = uf.find(i);
    const list = components.get(root);
    if (list) list.push(e.index);
    else components.set(root, [e.index]);
  });
  const signalsByRoot = new Map<number, Map<Signal, number[]>>();
  for (const s of signals) {
    for (const index of s.eventIndices) {
      const p = position.get(index);
      if (p === undefined) continue;
      const root = uf.find(p);
      const perSignal = signalsByRoot.get(root) ?? new Map<Signal, number[]>();
      const list = perSignal.get(s) ?? [];
      list.push(index);
      perSignal.set(s, list);
      signalsByRoot.set(root, perSignal);
    }
  }
  const rolesByEvent = new Map<number, RoleHint[]>();
  for (const s of signals) {
    for (const r of s.roles) {
      const first = r.eventIndices[0];
      if (first === undefined) continue;
      const list = rolesByEvent.get(first);
      if (list) list.push(r);
      else rolesByEvent.set(first, [r]);
    }
  }
  const builds: ChainBuild[] = [];
  for (const [root, perSignal] of signalsByRoot) {
    const eventIndices = components.get(root) ?? [];
    builds.push(makeChain(eventIndices, perSignal, events, position, catalog, rolesByEvent));
  }
  builds.sort((a, b) => b.score - a.score || (a.chain.firstTime ?? 0) - (b.chain.firstTime ?? 0));
  builds.forEach((b, i) => (b.chain.id = `chain-${i + 1}`));
  return builds;
}

function linkWithinWindow(members: number[], events: CanonicalEvent[], uf: UnionFind, window: number): void {
  const timed = members.filter((m) => events[m].time !== undefined).sort((a, b) => (events[a].time ?? 0) - (events[b].time ?? 0));
  for (let i = 1; i < timed.length; i++) {
    if ((events[timed[i]].time ?? 0) - (events[timed[i - 1]].time ?? 0) <= window) uf.union(timed[i - 1], timed[i]);
  }
  // Untimed events carry no time to separate them: they join the first event with the same key.
  const untimed = members.filter((m) => events[m].time === undefined);
  const anchor = timed[0] ?? untimed[0];
  for (const m of untimed) uf.union(anchor, m);
}

function makeChain(
  eventIndices: number[],
  perSignal: Map<Signal, number[]>,
  events: CanonicalEvent[],
  position: Map<number, number>,
  catalog: AttackCatalog,
  rolesByEvent: Map<number, RoleHint[]>,
): ChainBuild {
  const signals = [...perSignal.keys()];
  const steps: ChainStep[] = [];
  for (const [signal, indices] of perSignal) {
    const times = indices.map((i) => events[position.get(i) ?? -1]?.time).filter((t): t is number => t !== undefined);
    const stage = stageOf(signal, catalog);
    const step: ChainStep = {
      stage,
      description: signal.summary ?? signal.rule.title,
      event_indices: [...indices].sort((a, b) => a - b),
      rule_ids: [signal.rule.id],
      techniques: signal.techniques,
    };
    if (times.length > 0) step.time = times.reduce((a, b) => Math.min(a, b));
    steps.push(step);
  }
  steps.sort((a, b) => catalog.killChainOrder(a.stage) - catalog.killChainOrder(b.stage) || (a.time ?? 0) - (b.time ?? 0));
  const entities = new Set<string>();
  const roles: RoleHint[] = [];
  for (const index of eventIndices.slice(0, MAX_ENTITY_SCAN)) {
    for (const r of rolesByEvent.get(index) ?? []) {
      roles.push(r);
      entities.add(`${r.type}:${r.value}`);
    }
  }
  for (const [, indices] of perSignal) {
    for (const i of indices.slice(0, 50)) {
      const e = events[position.get(i) ?? -1];
      if (!e) continue;
      if (e.entities.host) entities.add(`host:${e.entities.host}`);
      if (e.entities.user && userKey(e.entities.user)) entities.add(`user:${e.entities.user}`);
      if (e.entities.srcIp && isExternalIp(e.entities.srcIp)) entities.add(`ip:${ipValue(e.entities.srcIp)}`);
      if (e.entities.dstIp && isExternalIp(e.entities.dstIp)) entities.add(`ip:${ipValue(e.entities.dstIp)}`);
      const proc = baseName(e.entities.process);
      if (proc) entities.add(`process:${proc}`);
    }
  }
  const timed = incidentTimes(eventIndices, perSignal, events, position);
  const chain: AttackChain = { id: '', steps, entities: [...entities].slice(0, 40), severity: 'info' as Severity };
  if (timed.length > 0) {
    chain.firstTime = timed.reduce((a, b) => Math.min(a, b));
    chain.lastTime = timed.reduce((a, b) => Math.max(a, b));
  }
  return { chain, eventIndices: [...eventIndices].sort((a, b) => a - b), signals, roles, score: chainScore(perSignal, catalog) };
}

/**
 * The incident's own moments: flagged events, and unflagged ones that involve the attacker's
 * external addresses (the first allowed connection). Routine events merely linked through a
 * shared host (a backup job's logon an hour earlier) do not stretch the window.
 */
function incidentTimes(eventIndices: number[], perSignal: Map<Signal, number[]>, events: CanonicalEvent[], position: Map<number, number>): number[] {
  // Informational rules describe routine activity (every network logon): not the incident's moments.
  const telling = [...perSignal].filter(([s]) => s.kind === 'behaviour' || levelWeight(s.rule.level) >= levelWeight('low'));
  const flagged = new Set((telling.length > 0 ? telling : [...perSignal]).flatMap(([, indices]) => indices));
  const external = new Set<string>();
  for (const i of flagged) {
    const e = events[position.get(i) ?? -1];
    for (const ip of [e?.entities.srcIp, e?.entities.dstIp]) if (ip && isExternalIp(ip)) external.add(ipValue(ip) ?? ip);
  }
  const out: number[] = [];
  for (const i of eventIndices) {
    const e = events[position.get(i) ?? -1];
    if (e?.time === undefined) continue;
    const involved = flagged.has(i) || [e.entities.srcIp, e.entities.dstIp].some((ip) => ip !== undefined && external.has(ipValue(ip) ?? ip));
    if (involved) out.push(e.time);
  }
  return out;
}

/** Tactic breadth and success weigh more than repetition: 100 hits of one low rule are not an intrusion. */
function chainScore(perSignal: Map<Signal, number[]>, catalog: AttackCatalog): number {
  let score = 0;
  const stages = new Set<string>();
  for (const [signal, indices] of perSignal) {
    const w = levelWeight(signal.rule.level) * (signal.outcome === 'success' ? 1.5 : signal.outcome === 'failure' ? 0.6 : 1);
    score += w * (1 + Math.log2(indices.length) / 4);
    stages.add(stageOf(signal, catalog));
  }
  return score * (1 + 0.25 * (stages.size - 1));
}

/** The kill-chain stage of a signal: its earliest tagged tactic, else its first technique's tactic. */
export function stageOf(signal: Signal, catalog: AttackCatalog): string {
  if (signal.tactics.length > 0) return signal.tactics[0];
  for (const t of signal.techniques) {
    const tactic = catalog.tacticFor(t);
    if (tactic) return tactic;
  }
  return 'Unknown';
}
