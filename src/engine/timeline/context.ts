import type { CanonicalEvent } from '../model';
import { hostKey, ipValue } from '../correlate/entities';
import { field, isAccountCreation, isLogon, isNetworkConnection, logonService, outcomeOf, REMOTE_SERVICES } from '../correlate/event-kinds';

const HOUR = 3_600_000;
const MEMBER_WINDOW_MS = 15 * 60_000;

/** What one event's sentence may borrow from its neighbours in the batch. */
export interface DescribeContext {
  /** The remote service of a logon, also when only the connection before it names the port. */
  service(e: CanonicalEvent): { name: string } | undefined;
  /** The account a group change added when the event names only a SID. */
  member(e: CanonicalEvent): string | undefined;
}

export const NO_CONTEXT: DescribeContext = { service: logonService, member: () => undefined };

const cache = new WeakMap<CanonicalEvent[], DescribeContext>();

/** Built once per batch: allowed connections by source, account creations by host. */
export function describeContext(events: CanonicalEvent[]): DescribeContext {
  const cached = cache.get(events);
  if (cached) return cached;
  const connections = new Map<string, CanonicalEvent[]>();
  const created = new Map<string, CanonicalEvent[]>();
  for (const e of events) {
    const src = ipValue(e.entities.srcIp);
    if (src && e.entities.dstPort !== undefined && REMOTE_SERVICES[e.entities.dstPort] && isNetworkConnection(e) && !isLogon(e) && outcomeOf(e) !== 'failure') {
      connections.set(src, [...(connections.get(src) ?? []), e]);
    }
    const host = hostKey(e.entities.host);
    if (host && isAccountCreation(e)) created.set(host, [...(created.get(host) ?? []), e]);
  }
  const context: DescribeContext = {
    service: (e) => logonService(e) ?? connectionService(e, connections),
    member: (e) => createdJustBefore(e, created),
  };
  cache.set(events, context);
  return context;
}

/** An allowed connection from the logon's source to its destination on a remote-access port, up to an hour before. */
function connectionService(e: CanonicalEvent, connections: Map<string, CanonicalEvent[]>): { name: string } | undefined {
  const src = ipValue(e.entities.srcIp);
  if (!src || e.time === undefined) return undefined;
  const dst = ipValue(e.entities.dstIp);
  const match = (connections.get(src) ?? []).find((c) => c.time !== undefined && c.time <= (e.time ?? 0) && (e.time ?? 0) - c.time <= HOUR
    && (!dst || ipValue(c.entities.dstIp) === dst));
  return match?.entities.dstPort !== undefined ? REMOTE_SERVICES[match.entities.dstPort] : undefined;
}

function createdJustBefore(e: CanonicalEvent, created: Map<string, CanonicalEvent[]>): string | undefined {
  const host = hostKey(e.entities.host);
  if (!host || e.time === undefined) return undefined;
  const recent = (created.get(host) ?? []).filter((c) => c.time !== undefined && c.time <= (e.time ?? 0) && (e.time ?? 0) - c.time <= MEMBER_WINDOW_MS);
  const last = recent[recent.length - 1];
  return last ? last.entities.targetUser ?? (field(last, 'TargetUserName') || undefined) : undefined;
}
