import type { CanonicalEvent, TimelineEntry } from '../model';
import { baseName, hostKey, ipValue, userKey } from '../correlate/entities';
import { field, isDnsQuery, isKerberosServiceTicket, isLogon, isMfaDenial, outcomeOf } from '../correlate/event-kinds';
import { registeredDomain } from '../indicators/domains';
import { levelWeight, type EventLookup, type Signal } from '../correlate/signal';
import { describeEvent, readableUrl, type Labeller } from './describe';
import { describeContext, type DescribeContext } from './context';

export { describeEvent } from './describe';
export type { Labeller } from './describe';

export const MAX_TIMELINE = 100;
const COLLAPSE_GAP_MS = 30 * 60 * 1000;
const MAX_EVIDENCE = 50;

export interface TimelineOptions {
  label?: Labeller;
  max?: number;
  /** Events to show even without a signal (e.g. the attacker's first connection). */
  contextEvents?: number[];
  /** Signals of the main chain: kept first when the timeline must be cut. */
  primary?: Set<Signal>;
  /** Only these events (one incident of a campaign). */
  onlyEvents?: Set<number>;
}

interface Item {
  event: CanonicalEvent;
  sortTime: number;
  rules: Signal[];
  key: string;
}

interface Group {
  items: Item[];
  weight: number;
}

/**
 * Chronological steps: every event some signal flagged (plus context events), one sentence each;
 * repeats of the same step (same action, actor and rule) within 30 minutes collapse into one entry.
 */
export function buildTimeline(events: CanonicalEvent[], signals: Signal[], lookup: EventLookup, options: TimelineOptions = {}): TimelineEntry[] {
  const label = options.label ?? ((v: string) => v);
  const max = options.max ?? MAX_TIMELINE;
  const rulesByEvent = new Map<number, Signal[]>();
  for (const s of signals) {
    for (const i of s.eventIndices) {
      if (options.onlyEvents && !options.onlyEvents.has(i)) continue;
      const list = rulesByEvent.get(i) ?? [];
      list.push(s);
      rulesByEvent.set(i, list);
    }
  }
  for (const i of options.contextEvents ?? []) if (!rulesByEvent.has(i)) rulesByEvent.set(i, []);
  const sortTimes = inheritedTimes(events);
  const ctx = describeContext(events);
  const items: Item[] = [];
  for (const [index, rules] of rulesByEvent) {
    const event = lookup(index);
    if (!event) continue;
    // Informational rules (logons, logoffs, PowerShell starting) only describe context: shown when a heuristic or a real finding covers the event.
    const kept = rules.filter((r) => levelWeight(r.rule.level) >= 1 || r.kind === 'behaviour');
    if (rules.length > 0 && kept.length === 0) continue;
    items.push({ event, sortTime: sortTimes.get(index) ?? 0, rules: kept, key: collapseKey(event, kept, ctx) });
  }
  items.sort((a, b) => a.sortTime - b.sortTime || a.event.index - b.event.index);
  const groups = collapse(items);
  return render(groups, max, label, options.primary, ctx);
}

const inheritedCache = new WeakMap<CanonicalEvent[], Map<number, number>>();

/** Untimed events take the time of the timed event before them in the request, so they keep their place (once per batch). */
function inheritedTimes(events: CanonicalEvent[]): Map<number, number> {
  const cached = inheritedCache.get(events);
  if (cached) return cached;
  const out = new Map<number, number>();
  inheritedCache.set(events, out);
  let last = events.find((e) => e.time !== undefined)?.time ?? 0;
  for (const e of [...events].sort((a, b) => a.index - b.index)) {
    if (e.time !== undefined) last = e.time;
    out.set(e.index, e.time ?? last);
  }
  return out;
}

/**
 * Repeats of one step share a key. Logon attempts, DNS lookups and web requests collapse by what a
 * responder counts (source, outcome, service, domain, page), whichever rules flagged each one.
 */
function collapseKey(e: CanonicalEvent, rules: Signal[], ctx: DescribeContext): string {
  const en = e.entities;
  const ruleIds = rules.map((r) => r.rule.id).sort().join(',');
  const src = ipValue(en.srcIp) ?? en.srcHost ?? '';
  if (isLogon(e)) return `logon|${outcomeOf(e)}|${isMfaDenial(e) ? 'mfa' : ''}|${src}|${hostKey(en.host) ?? ''}|${ctx.service(e)?.name ?? ''}`;
  if (isDnsQuery(e)) return `dns|${src || (hostKey(en.host) ?? '')}|${registeredDomain(en.domain ?? '')}|${field(e, 'qtype_name', 'record_type')}`;
  if (e.action === 'http_request' && en.url) {
    const status = Number(field(e, 'sc-status', 'status', 'status_code'));
    // A burst of refused probes is one step; requests that worked are kept per page.
    if (status >= 400 && status < 500) return `http|${src}|4xx`;
    return `http|${src}|${(en.url.split('?')[0] ?? '').toLowerCase()}`;
  }
  if (e.action === 'process_create') return `proc|${hostKey(en.host) ?? ''}|${baseName(en.process) ?? ''}|${(en.commandLine ?? '').toLowerCase()}|${ruleIds}`;
  if (e.format === 'cloudtrail') return `cloud|${field(e, 'eventName')}|${userKey(en.user ?? en.cloudIdentity) ?? ''}|${src}|${outcomeOf(e)}`;
  return `${e.action ?? e.format}|${outcomeOf(e)}|${src}|${hostKey(en.host) ?? ''}|${baseName(en.process) ?? ''}|${ruleIds}`;
}

function collapse(items: Item[]): Group[] {
  const open = new Map<string, Group>();
  const groups: Group[] = [];
  for (const item of items) {
    const group = open.get(item.key);
    const last = group?.items[group.items.length - 1];
    if (group && last && item.sortTime - last.sortTime <= COLLAPSE_GAP_MS) {
      group.items.push(item);
      continue;
    }
    const fresh: Group = { items: [item], weight: 0 };
    open.set(item.key, fresh);
    groups.push(fresh);
  }
  for (const g of groups) g.weight = Math.max(0.5, ...g.items.flatMap((i) => i.rules.map((r) => levelWeight(r.rule.level))));
  return groups;
}

function render(groups: Group[], max: number, label: Labeller, primary: Set<Signal> | undefined, ctx: DescribeContext): TimelineEntry[] {
  let shown = groups;
  let hidden: Group[] = [];
  if (groups.length > max) {
    const ranked = [...groups].sort((a, b) => rankOf(b, primary) - rankOf(a, primary));
    const keep = new Set(ranked.slice(0, max - 1));
    shown = groups.filter((g) => keep.has(g));
    hidden = groups.filter((g) => !keep.has(g));
  }
  const entries = shown.map((g) => toEntry(g, label, ctx));
  if (hidden.length > 0) {
    const count = hidden.reduce((a, g) => a + g.items.length, 0);
    const last = hidden[hidden.length - 1].items[0];
    entries.push({ timestamp: iso(last.event.time ?? last.sortTime), description: `${count} further flagged events in ${hidden.length} lower-priority steps are not shown`, count });
  }
  return entries;
}

function rankOf(g: Group, primary: Set<Signal> | undefined): number {
  const inPrimary = g.items.some((i) => i.rules.some((r) => primary?.has(r)));
  return g.weight + (inPrimary ? 5 : 0);
}

function iso(t: number | undefined): string {
  return t === undefined ? 'unknown' : new Date(t).toISOString().replace('.000Z', 'Z');
}

function hhmmss(t: number): string {
  return new Date(t).toISOString().slice(11, 19);
}

function toEntry(g: Group, label: Labeller, ctx: DescribeContext): TimelineEntry {
  const first = g.items[0];
  const rules = [...new Map(g.items.flatMap((i) => i.rules).map((r) => [r.rule.id, r])).values()];
  const entry: TimelineEntry = {
    timestamp: iso(first.event.time),
    // The rules behind the step are evidence (rule_ids), not part of the sentence.
    description: g.items.length === 1 ? describeEvent(first.event, label, ctx) : describeGroup(g, label, ctx),
    event_indices: g.items.map((i) => i.event.index).slice(0, MAX_EVIDENCE),
    rule_ids: rules.map((r) => r.rule.id),
  };
  if (g.items.length > 1) entry.count = g.items.length;
  return entry;
}

function describeGroup(g: Group, label: Labeller, ctx: DescribeContext): string {
  const events = g.items.map((i) => i.event);
  const first = events[0];
  const lastTime = g.items[g.items.length - 1].sortTime;
  const range = first.time !== undefined ? ` between ${hhmmss(first.time)} and ${hhmmss(lastTime)}` : '';
  if (isLogon(first)) return logonGroup(events, label, ctx, range);
  if (isDnsQuery(first)) {
    const names = new Set(events.map((e) => (e.entities.domain ?? '').toLowerCase()));
    const parents = new Set([...names].map(registeredDomain));
    const target = parents.size === 1 ? `${names.size} unique names under ${label([...parents][0])}` : `${names.size} names`;
    const qtype = field(first, 'qtype_name', 'record_type') ? ` (${field(first, 'qtype_name', 'record_type')})` : '';
    return `${events.length} DNS queries${qtype} from ${label(first.entities.srcIp ?? first.entities.host ?? 'a client')} for ${target}${range}`;
  }
  if (first.action === 'http_request' && first.entities.url) return requestGroup(events, label, range);
  if (isKerberosServiceTicket(first)) return ticketGroup(events, label, range);
  return `${describeEvent(first, label, ctx)} (${events.length} times${range})`;
}

function logonGroup(events: CanonicalEvent[], label: Labeller, ctx: DescribeContext, range: string): string {
  const first = events[0];
  // Built-in names (root, administrator) are what brute force tries first: they count as accounts here.
  const named = events.map((e) => e.entities.targetUser ?? e.entities.user ?? e.entities.cloudIdentity).filter((u): u is string => !!u && u.trim() !== '-');
  const byKey = new Map(named.map((u) => [userKey(u) ?? u.trim().toLowerCase(), u]));
  const accounts = [...byKey.values()];
  const keys = new Set(byKey.keys());
  const from = first.entities.srcIp ? ` from ${label(ipValue(first.entities.srcIp) ?? first.entities.srcIp)}` : '';
  const who = keys.size === 1 ? `${isMfaDenial(first) ? 'for' : 'as'} ${accounts[0]}` : `for ${keys.size} accounts`;
  if (isMfaDenial(first)) return `${events.length} MFA requests denied or failed ${who}${from}${range}`;
  const outcome = outcomeOf(first) === 'failure' ? 'failed' : outcomeOf(first) === 'success' ? 'successful' : '';
  const service = ctx.service(first);
  const target = first.entities.host ? ` to ${first.entities.host}` : '';
  const noun = ['okta', 'entra_id', 'cloudtrail', 'm365', 'gcp'].includes(first.format) ? 'sign-ins' : 'logons';
  const shown = keys.size > 1 && keys.size <= 5 ? ` (${accounts.join(', ')})` : '';
  return `${events.length} ${outcome} ${service ? `${service.name} ` : ''}${noun} ${who}${shown}${from}${target}${range}`.replace(/\s+/g, ' ');
}

/** Service tickets requested in a burst: how many, for which services, with which (weak) encryption. */
function ticketGroup(events: CanonicalEvent[], label: Labeller, range: string): string {
  const first = events[0];
  const services = [...new Set(events.map((e) => e.entities.service ?? field(e, 'ServiceName')).filter(Boolean))];
  const rc4 = events.every((e) => /^0x0*(?:17|18)$/i.test(field(e, 'TicketEncryptionType').trim()));
  const who = first.entities.targetUser ?? first.entities.user ?? 'an account';
  const from = first.entities.srcIp ? ` from ${label(ipValue(first.entities.srcIp) ?? first.entities.srcIp)}` : '';
  const on = first.entities.host ? ` on ${first.entities.host}` : '';
  return `${events.length} Kerberos service tickets${rc4 ? ' with RC4 encryption' : ''} requested by ${who}${from}${on} for ${services.length} service${services.length === 1 ? '' : 's'} (${services.slice(0, 3).join(', ')}${services.length > 3 ? ', ...' : ''})${range}`;
}

/** Web requests from one client: the probe burst with its status, or the page with each query it was sent. */
function requestGroup(events: CanonicalEvent[], label: Labeller, range: string): string {
  const first = events[0];
  const src = label(first.entities.srcIp ?? 'a client');
  const statuses = [...new Set(events.map((e) => field(e, 'sc-status', 'status', 'status_code')).filter(Boolean))];
  const pages = [...new Set(events.map((e) => (e.entities.url ?? '').split('?')[0]))];
  const status = statuses.length > 0 ? ` (HTTP ${statuses.slice(0, 3).join('/')})` : '';
  if (pages.length > 1) {
    const agent = field(first, 'cs-user-agent', 'c-useragent', 'user_agent');
    const tool = /nikto|sqlmap|nmap|masscan|nuclei|gobuster|dirbuster|wpscan|zgrab|acunetix|nessus|openvas|feroxbuster|ffuf|wfuzz/i.exec(agent)?.[0];
    return `${events.length} requests from ${src} for ${pages.length} different paths${status}${tool ? `, user agent ${tool}` : ''}${range}: ${pages.slice(0, 4).map((p) => readableUrl(p)).join(', ')}${pages.length > 4 ? ', ...' : ''}`;
  }
  const queries = events.map((e) => (e.entities.url ?? '').split('?')[1]).filter((q): q is string => !!q);
  const sent = queries.length > 0 ? `: ${queries.slice(0, 3).map((q) => readableUrl(q)).join('; ')}${queries.length > 3 ? '; ...' : ''}` : '';
  return `${events.length} requests from ${src} to ${readableUrl(pages[0])}${status}${range}${sent}`;
}
