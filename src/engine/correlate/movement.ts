import type { CanonicalEvent, RuleRef } from '../model';
import { isExternalIp, isMeaninglessIp } from '../indicators/ip';
import { hostKey, ipValue, userKey } from './entities';
import { eventId, field, isDnsQuery, isLogon, isNetworkConnection, outcomeOf } from './event-kinds';
import { makeSignal, type EventLookup, type RoleHint, type Signal } from './signal';
import type { AttackCatalog } from '../attack';

/**
 * Behaviours seen across events of network, Windows and cloud sources: remote service execution
 * (PsExec-style lateral movement), regular beaconing, and bulk reads from cloud storage.
 * Generic patterns, see README.md.
 */
export interface MovementContext {
  events: CanonicalEvent[];
  lookup: EventLookup;
  catalog: AttackCatalog;
}

const MINUTE = 60_000;
const REMOTE_EXEC_WINDOW = 10 * MINUTE;
const BEACON_MIN_CONNECTIONS = 6;
const BEACON_MIN_INTERVAL_MS = 10_000;
const BEACON_JITTER = 0.2;
const BEACON_REGULAR_SHARE = 0.8;
const BULK_READ_MIN = 20;
const BULK_READ_WINDOW = 15 * MINUTE;

function rule(id: string, title: string, level: string, tags: string[], description: string): RuleRef {
  return { id: `lantern.heuristic.${id}`, title, level, status: 'heuristic', tags, description };
}

function signal(ctx: MovementContext, r: RuleRef, key: string, events: CanonicalEvent[], roles: RoleHint[], summary: string): Signal {
  const s = makeSignal('behaviour', `${r.id}:${key}`, r, events.map((e) => e.index), ctx.lookup, ctx.catalog, roles);
  s.summary = summary;
  s.story = true;
  return s;
}

function hint(type: string, value: string | undefined, role: string, events: CanonicalEvent[]): RoleHint[] {
  return value ? [{ type, value, role, eventIndices: events.map((e) => e.index) }] : [];
}

function hhmmss(t: number | undefined): string {
  return t === undefined ? '?' : new Date(t).toISOString().slice(11, 19);
}

export function inferMovement(ctx: MovementContext): Signal[] {
  return [...remoteServiceExecution(ctx), ...beaconing(ctx), ...bulkCloudReads(ctx)];
}

const SERVICE_INSTALL_IDS = new Set([7045, 4697]);
const ADMIN_SHARE = /\\(?:admin|[a-z])\$$/i;

/** Per-user service instances Windows creates at every interactive logon (`CDPUserSvc_4f2a1`). */
const PER_USER_SERVICE = /_[0-9a-f]{4,8}$/i;

function isServiceInstall(e: CanonicalEvent): boolean {
  if (!SERVICE_INSTALL_IDS.has(eventId(e) ?? 0) && e.action !== 'service_install') return false;
  // Installed by the machine itself (4697 names the installer, 7045 carries its SID): the system at work, not a remote caller.
  if (field(e, 'SubjectUserName').endsWith('$') || /^S-1-5-(?:18|19|20)$/i.test(field(e, 'UserID', 'UserId').trim())) return false;
  return !PER_USER_SERVICE.test(e.entities.service ?? field(e, 'ServiceName'));
}

function isNetworkLogon(e: CanonicalEvent): boolean {
  return isLogon(e) && outcomeOf(e) === 'success' && Number(field(e, 'LogonType', 'logon_type')) === 3;
}

/**
 * A network logon (or an admin-share write) from another machine, then a service installed on the
 * same host within minutes: remote execution through the service manager (PsExec, Impacket, ...).
 */
function remoteServiceExecution(ctx: MovementContext): Signal[] {
  const installs = ctx.events.filter(isServiceInstall);
  if (installs.length === 0) return [];
  const byHost = new Map<string, CanonicalEvent[]>();
  for (const e of ctx.events) {
    const host = hostKey(e.entities.host);
    const src = ipValue(e.entities.srcIp);
    if (!host || !src || isMeaninglessIp(src) || e.time === undefined) continue;
    if (!isNetworkLogon(e) && !(eventId(e) === 5145 && ADMIN_SHARE.test(field(e, 'ShareName')))) continue;
    byHost.set(host, [...(byHost.get(host) ?? []), e]);
  }
  const out: Signal[] = [];
  for (const install of installs) {
    const host = hostKey(install.entities.host);
    const at = install.time;
    if (!host || at === undefined) continue;
    const before = (byHost.get(host) ?? []).filter((e) => (e.time ?? 0) <= at && at - (e.time ?? 0) <= REMOTE_EXEC_WINDOW);
    const logon = before.filter(isNetworkLogon).pop() ?? before[before.length - 1];
    if (!logon) continue;
    const src = ipValue(logon.entities.srcIp);
    const user = [...before].reverse().map((e) => e.entities.targetUser ?? e.entities.user).find((u) => userKey(u));
    const evidence = [...before, install];
    const roles: RoleHint[] = [
      ...hint('ip', src, 'attacker', before),
      ...hint('host', logon.entities.srcHost && logon.entities.srcHost !== '-' ? logon.entities.srcHost : undefined, 'attacker', [logon]),
      ...hint('user', user, 'compromised_account', before),
      ...hint('host', install.entities.host, 'compromised_host', [install]),
      ...hint('service', install.entities.service, 'attack_tool', [install]),
    ];
    const from = `${src}${logon.entities.srcHost && logon.entities.srcHost !== '-' ? ` (${logon.entities.srcHost})` : ''}`;
    out.push(signal(ctx, rule('remote_service_execution', 'Remote execution through a service installed after a network logon', 'high',
      ['attack.lateral-movement', 'attack.t1021.002', 'attack.execution', 'attack.t1569.002'], 'Network logon or admin-share write, then a service installed on the same host within 10 minutes'),
    String(install.index), evidence,
    roles, `${user ?? 'An account'} logged on over the network from ${from} to ${install.entities.host} and installed service ${install.entities.service ?? '?'} ${Math.round((at - (logon.time ?? at)) / 1000)} s later (remote execution, PsExec-style)`));
  }
  return out;
}

/**
 * Many connections from one internal host to one external address and port at a steady interval:
 * implants call home on a timer, people do not.
 */
function beaconing(ctx: MovementContext): Signal[] {
  const groups = new Map<string, CanonicalEvent[]>();
  for (const e of ctx.events) {
    if (!isNetworkConnection(e) || isLogon(e) || isDnsQuery(e) || e.time === undefined) continue;
    const src = ipValue(e.entities.srcIp);
    const dst = ipValue(e.entities.dstIp);
    if (!src || !dst || isExternalIp(src) || !isExternalIp(dst)) continue;
    const key = `${src}|${dst}|${e.entities.dstPort ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const out: Signal[] = [];
  for (const [key, list] of groups) {
    if (list.length < BEACON_MIN_CONNECTIONS) continue;
    list.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
    const gaps = list.slice(1).map((e, i) => (e.time ?? 0) - (list[i].time ?? 0)).filter((g) => g > 0);
    if (gaps.length < BEACON_MIN_CONNECTIONS - 1) continue;
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
    if (median < BEACON_MIN_INTERVAL_MS) continue;
    const regular = gaps.filter((g) => Math.abs(g - median) <= BEACON_JITTER * median).length / gaps.length;
    if (regular < BEACON_REGULAR_SHARE) continue;
    const [src, dst, port] = key.split('|');
    const web = ['80', '443', '8080', '8443'].includes(port);
    const tags = ['attack.command-and-control', web ? 'attack.t1071.001' : 'attack.t1071'];
    const roles = [...hint('ip', dst, 'c2', list), ...hint('ip', src, 'compromised_host', list)];
    out.push(signal(ctx, rule('beaconing', 'Regular beaconing to an external address', 'medium', tags, `${BEACON_MIN_CONNECTIONS}+ connections from one internal host to one external address at a steady interval`),
      key, list, roles, `${src} connected to ${dst}${port ? `:${port}` : ''} ${list.length} times about every ${Math.round(median / 1000)} s between ${hhmmss(list[0].time)} and ${hhmmss(list[list.length - 1].time)} (beaconing)`));
  }
  return out;
}

const OBJECT_READ = /^(?:getobject|object_read|filedownloaded|filesyncdownloadedfull|storage\.objects\.get|getblob)$/i;

function isObjectRead(e: CanonicalEvent): boolean {
  return OBJECT_READ.test(field(e, 'eventName', 'Operation', 'operation') || e.action || '') || /storage\.objects\.get$/i.test(field(e, 'protoPayload.methodName'));
}

/** One identity reading many objects from cloud storage in minutes: collection ahead of exfiltration. */
function bulkCloudReads(ctx: MovementContext): Signal[] {
  const byIdentity = new Map<string, CanonicalEvent[]>();
  for (const e of ctx.events) {
    if (e.time === undefined || !isObjectRead(e)) continue;
    const who = userKey(e.entities.user ?? e.entities.cloudIdentity);
    if (who) byIdentity.set(who, [...(byIdentity.get(who) ?? []), e]);
  }
  const out: Signal[] = [];
  for (const [who, list] of byIdentity) {
    list.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
    let start = 0;
    let best: CanonicalEvent[] = [];
    for (let end = 0; end < list.length; end++) {
      while ((list[end].time ?? 0) - (list[start].time ?? 0) > BULK_READ_WINDOW) start++;
      if (end - start + 1 > best.length) best = list.slice(start, end + 1);
    }
    if (best.length < BULK_READ_MIN) continue;
    const user = best[0].entities.user ?? best[0].entities.cloudIdentity ?? who;
    const buckets = [...new Set(best.map((e) => (e.entities.file ?? '').split('/')[0]).filter(Boolean))];
    const source = ipValue(best[0].entities.srcIp);
    out.push(signal(ctx, rule('bulk_cloud_read', 'Bulk download from cloud storage by one identity', 'medium', ['attack.collection', 'attack.t1530'],
      `${BULK_READ_MIN}+ object reads by one identity within 15 minutes`), who, best,
    [...hint('user', user, 'compromised_account', best), ...buckets.slice(0, 5).map((b) => ({ type: 'cloud_storage', value: b, role: 'targeted_data', eventIndices: best.filter((e) => e.entities.file?.startsWith(`${b}/`)).map((e) => e.index) }))],
    `${user} read ${best.length} objects${buckets.length > 0 ? ` from ${buckets.slice(0, 2).join(', ')}` : ''}${source ? ` from ${source}` : ''} between ${hhmmss(best[0].time)} and ${hhmmss(best[best.length - 1].time)}`));
  }
  return out;
}
