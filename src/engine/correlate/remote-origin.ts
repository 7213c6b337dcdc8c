import type { AttackCatalog } from '../attack';
import type { CanonicalEvent, RuleRef } from '../model';
import { isMeaninglessIp } from '../indicators/ip';
import { baseName, hostKey, ipValue, userKey } from './entities';
import { eventId, field, isLogon, isProcessCreation, outcomeOf } from './event-kinds';
import type { ProcessTree } from './process-tree';
import { makeSignal, type EventLookup, type RoleHint, type Signal } from './signal';

/**
 * Remote origin of an execution: an inbound network logon, share access or RPC/SMB/WinRM connection
 * from another machine, followed within minutes on the same host by execution through WMI, the
 * service manager, the task scheduler or WinRM by the same account or logon session. The action alone
 * says "executed"; the join says "from that machine" (lateral movement). See README.md.
 */
export interface RemoteOriginContext {
  events: CanonicalEvent[];
  lookup: EventLookup;
  catalog: AttackCatalog;
  tree: ProcessTree;
  /** Events a rule or heuristic of medium level or above flagged (a suspicious action needs no account to match). */
  flagged: Set<number>;
}

const MINUTE = 60_000;
/** How long before the action its origin may be (a session is opened, then used). */
const ACCOUNT_WINDOW = 10 * MINUTE;
/** An origin known only by its connection must be this close to an action that is suspicious by itself. */
const CONNECTION_WINDOW = 2 * MINUTE;
/** Clocks of two logs on one host (Security, Sysmon) may disagree by this much. */
const LATE_ORIGIN = 5_000;

type ActionKind = 'wmi' | 'service' | 'task' | 'winrm' | 'dcom';

interface Origin {
  event: CanonicalEvent;
  host: string;
  source: string;
  sourceHost?: string;
  account?: string;
  logonId?: string;
  port?: number;
}

interface Action {
  event: CanonicalEvent;
  kind: ActionKind;
  account?: string;
  logonId?: string;
  suspicious: boolean;
}

const WMI_HOST = /^wmiprvse\.exe$/i;
const WINRM_HOST = /^wsmprovhost\.exe$/i;
const TASK_HOSTS = /^(?:taskeng|taskhostw|taskhost)\.exe$/i;
const SHELL_LIKE = /^(?:cmd|powershell|pwsh|wscript|cscript|mshta|rundll32|regsvr32|certutil|bitsadmin|msbuild|installutil|regasm|regsvcs|cmstp|msiexec|whoami|net|net1|reg|sc|schtasks|wmic|vssadmin|ntdsutil|procdump|nltest|quser|systeminfo|ipconfig|tasklist|hostname)\.exe$/i;

/** Sysmon file and registry writes. */
const WRITE_EVENTS = new Set([11, 12, 13, 14]);

/** Execution a bare inbound connection (no account) can explain, by the local port it reached. Services and tasks need the caller's session. */
const CONNECTION_PORTS: Partial<Record<ActionKind, (port: number | undefined, image: string) => boolean>> = {
  wmi: (p, image) => p === 135 || (p !== undefined && p >= 49152 && /^svchost\.exe$|^wmiprvse\.exe$/i.test(image)),
  winrm: (p) => p === 5985 || p === 5986,
  dcom: (p) => p === 135 || p === 445 || (p !== undefined && p >= 49152),
};

function rule(kind: ActionKind, tags: string[]): RuleRef {
  const what = { wmi: 'WMI', service: 'a service', task: 'a scheduled task', winrm: 'WinRM', dcom: 'a DCOM object' }[kind];
  return {
    id: `lantern.heuristic.remote_${kind === 'service' ? 'service_program' : `${kind}_execution`}`, title: `Execution through ${what} from another host (lateral movement)`, level: 'high', status: 'heuristic', tags,
    description: 'Inbound network logon or RPC/SMB/WinRM connection from another machine, then execution on the same host within minutes by the same account or session',
  };
}

function logonIdValue(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  if (!/^0x[0-9a-f]+$/.test(v)) return undefined;
  const n = v.replace(/^0x0*/, '');
  // 0x3e7/0x3e4/0x3e5: SYSTEM, NETWORK SERVICE, LOCAL SERVICE sessions are every process's, not a remote one.
  return n && !['3e7', '3e4', '3e5'].includes(n) ? n : undefined;
}

function realAccount(value: string | undefined): string | undefined {
  const key = userKey(value);
  return key && !key.endsWith('$') && !/^(?:iis apppool|nt service|dwm-|umfd-)/.test((value ?? '').toLowerCase()) ? key : undefined;
}

export function isInbound(e: CanonicalEvent): boolean {
  const id = eventId(e);
  if (id === 3 && e.format === 'sysmon') return /^false$/i.test(field(e, 'Initiated'));
  if (id === 5156) return /14592|inbound/i.test(field(e, 'Direction'));
  return false;
}

export interface InboundPeer {
  remote: string;
  remoteName?: string;
  localPort?: number;
}

/**
 * The remote side of an inbound connection. Sysmon versions disagree on which side of an accepted
 * connection is "Source" (older ones put the local listener there): the side named like the host,
 * or carrying one of its known addresses, is local. 5156 logs the remote peer as Source.
 */
export function inboundPeer(e: CanonicalEvent, own: Map<string, Set<string>>): InboundPeer | undefined {
  const host = hostKey(e.entities.host);
  const src = ipValue(e.entities.srcIp);
  const dst = ipValue(e.entities.dstIp);
  if (!src || !dst) return undefined;
  const srcName = hostKey(field(e, 'SourceHostname'));
  const dstName = hostKey(field(e, 'DestinationHostname'));
  const mine = own.get(host ?? '');
  const sourceIsLocal = eventId(e) !== 5156 && ((srcName !== undefined && srcName === host && dstName !== host) || (mine?.has(src) === true && mine.has(dst) !== true));
  if (sourceIsLocal) return { remote: dst, remoteName: dstName && dstName !== host ? field(e, 'DestinationHostname') : undefined, localPort: e.entities.srcPort };
  return { remote: src, remoteName: srcName && srcName !== host ? field(e, 'SourceHostname') : undefined, localPort: e.entities.dstPort };
}

/** The addresses a host is known to have (so its own traffic to itself is not "another machine"): its outbound connections' sources. */
export function ownAddresses(events: CanonicalEvent[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const e of events) {
    const id = eventId(e);
    if ((id !== 3 || e.format !== 'sysmon') && id !== 5156) continue;
    const host = hostKey(e.entities.host);
    const ip = ipValue(e.entities.srcIp);
    if (!host || !ip || isInbound(e)) continue;
    out.set(host, (out.get(host) ?? new Set<string>()).add(ip));
  }
  return out;
}

function originOf(e: CanonicalEvent, own: Map<string, Set<string>>): Origin | undefined {
  const host = hostKey(e.entities.host);
  const peer = isInbound(e) ? inboundPeer(e, own) : undefined;
  const source = peer?.remote ?? ipValue(e.entities.srcIp);
  if (!host || !source || isMeaninglessIp(source) || own.get(host)?.has(source) || e.time === undefined) return undefined;
  // A logon whose workstation is the host itself came from the host, whatever address it used.
  if (!peer && hostKey(e.entities.srcHost) === host) return undefined;
  const srcHost = peer ? peer.remoteName : e.entities.srcHost && hostKey(e.entities.srcHost) !== host ? e.entities.srcHost : undefined;
  const base = { event: e, host, source, sourceHost: srcHost && srcHost !== '-' ? srcHost : undefined };
  const id = eventId(e);
  if (isLogon(e) && id === 4624 && outcomeOf(e) === 'success' && Number(field(e, 'LogonType', 'logon_type')) === 3) {
    const account = realAccount(e.entities.targetUser ?? e.entities.user);
    return account ? { ...base, account, logonId: logonIdValue(field(e, 'TargetLogonId')) } : undefined;
  }
  if (id === 5145) {
    const account = realAccount(field(e, 'SubjectUserName') || e.entities.user);
    return account ? { ...base, account, logonId: logonIdValue(field(e, 'SubjectLogonId')), port: 445 } : undefined;
  }
  if (peer) return { ...base, port: peer.localPort };
  return undefined;
}

function actionOf(e: CanonicalEvent, tree: ProcessTree, flagged: Set<number>, comServers: Set<string>): Action | undefined {
  const id = eventId(e);
  if (id === 4698) {
    return { event: e, kind: 'task', account: realAccount(field(e, 'SubjectUserName')), logonId: logonIdValue(field(e, 'SubjectLogonId')), suspicious: flagged.has(e.index) };
  }
  const process = baseName(e.entities.process) ?? '';
  if (isProcessCreation(e)) {
    const parent = baseName(e.entities.parentProcess) ?? '';
    const kind = childKind(e, parent, tree) ?? (parentKeys(e).some((k) => comServers.has(k)) ? 'dcom' : undefined);
    if (!kind) return undefined;
    const suspicious = flagged.has(e.index) || SHELL_LIKE.test(process);
    // A service's, task's or COM server's own program is routine unless it is a shell or a rule flagged it.
    if (!suspicious && kind !== 'winrm' && kind !== 'wmi') return undefined;
    return { event: e, kind, account: realAccount(field(e, 'User') || e.entities.user), logonId: logonIdValue(field(e, 'LogonId')), suspicious };
  }
  // What the WMI provider host wrote itself (registry through StdRegProv, files) when a rule flagged it.
  if (WMI_HOST.test(process) && WRITE_EVENTS.has(id ?? 0) && e.format === 'sysmon' && flagged.has(e.index)) return { event: e, kind: 'wmi', suspicious: true };
  return undefined;
}

function childKind(e: CanonicalEvent, parent: string, tree: ProcessTree): ActionKind | undefined {
  if (WMI_HOST.test(parent)) return 'wmi';
  if (WINRM_HOST.test(parent)) return 'winrm';
  // A COM server the DCOM launcher started for a client (`mmc.exe -Embedding`, MMC20.Application, ShellWindows...).
  if (/\s[-/]embedding\b/i.test(` ${e.entities.parentCommandLine ?? tree.parentOf(e)?.entities.commandLine ?? ''}`)) return 'dcom';
  if (parent === 'services.exe') return 'service';
  if (TASK_HOSTS.test(parent)) return 'task';
  if (parent === 'svchost.exe') {
    const command = `${e.entities.parentCommandLine ?? ''} ${tree.parentOf(e)?.entities.commandLine ?? ''}`;
    if (/-s\s+schedule\b|\bschedule\b/i.test(command)) return 'task';
  }
  return undefined;
}

/** Process keys (host + GUID, host + id) of a process. */
export function processKeys(host: string, guid: string, pid: string | undefined): string[] {
  const out: string[] = [];
  const g = guid.trim().toLowerCase();
  if (g && !/^\{?0{8}-/.test(g)) out.push(`${host}|g|${g}`);
  if (pid) out.push(`${host}|p|${pid}`);
  return out;
}

function parentKeys(e: CanonicalEvent): string[] {
  return processKeys(hostKey(e.entities.host) ?? '', field(e, 'ParentProcessGuid'), e.entities.parentProcessId);
}

/** First port of the dynamic range Windows gives RPC/DCOM servers. */
export const DYNAMIC_RPC_PORT = 49152;
const SYSTEM_IMAGE = /^(?:[a-z]:)?\\windows\\/i;

/**
 * Windows programs that accepted a connection from another machine on a dynamic RPC port: COM
 * servers a remote client drives (explorer.exe through ShellWindows/ShellBrowserWindow, mmc.exe
 * through MMC20.Application, Office through its automation objects).
 */
function remotelyCalledComServers(events: CanonicalEvent[], own: Map<string, Set<string>>): Set<string> {
  const out = new Set<string>();
  for (const e of events) {
    if (!isInbound(e)) continue;
    const peer = inboundPeer(e, own);
    const host = hostKey(e.entities.host) ?? '';
    if (!peer || isMeaninglessIp(peer.remote) || own.get(host)?.has(peer.remote) || !isComServerCall(e, peer)) continue;
    for (const k of processKeys(host, field(e, 'ProcessGuid'), e.entities.processId)) out.add(k);
  }
  return out;
}

/** An inbound call on a dynamic RPC port to a Windows program that is not a service host or an interpreter (those listen for other reasons). */
export function isComServerCall(e: CanonicalEvent, peer: InboundPeer): boolean {
  const image = e.entities.process ?? '';
  const name = baseName(image) ?? '';
  return (peer.localPort ?? 0) >= DYNAMIC_RPC_PORT && SYSTEM_IMAGE.test(image) && name !== 'svchost.exe' && !SHELL_LIKE.test(name) && !/^(?:python\d?|perl|ruby|node)\.exe$/.test(name);
}

/** Does this origin explain this action? Same account or session; or a suspicious action right after a fitting connection. */
function explains(origin: Origin, action: Action): boolean {
  const at = action.event.time ?? 0;
  const from = origin.event.time ?? 0;
  if (from > at + LATE_ORIGIN) return false;
  // WMI and WinRM children run as the caller: one run as SYSTEM or a service was not started by a remote user.
  if ((action.kind === 'wmi' || action.kind === 'winrm' || action.kind === 'dcom') && isProcessCreation(action.event) && !action.account) return false;
  // What a service or a task runs happens in its own session: only a remote caller using the service or task
  // control pipes or admin shares right before ties it to that caller (any user's logon to a busy server would).
  const ranByScheduler = (action.kind === 'service' || action.kind === 'task') && isProcessCreation(action.event);
  if (ranByScheduler) return action.suspicious && at - from <= CONNECTION_WINDOW && isRemoteControlAccess(origin.event);
  if (origin.account) {
    if (at - from > ACCOUNT_WINDOW) return false;
    if (origin.logonId && action.logonId) return origin.logonId === action.logonId;
    if (action.account) return action.account === origin.account;
    return action.suspicious && at - from <= CONNECTION_WINDOW;
  }
  const fits = CONNECTION_PORTS[action.kind];
  if (!fits || at - from > CONNECTION_WINDOW || !action.suspicious) return false;
  return fits(origin.port, baseName(origin.event.entities.process) ?? '');
}

const CONTROL_PIPES = /^(?:\\)?(?:svcctl|atsvc|ntsvcs)$/i;
const ADMIN_SHARE = /\\(?:admin|[a-z])\$$/i;

/** Share access (5145) to the service-control or task-scheduler pipe, or to an admin share. */
function isRemoteControlAccess(e: CanonicalEvent): boolean {
  return eventId(e) === 5145 && (CONTROL_PIPES.test(field(e, 'RelativeTargetName').trim()) || ADMIN_SHARE.test(field(e, 'ShareName').trim()));
}

function transportTags(kind: ActionKind, origin: Origin): string[] {
  const port = origin.port;
  if (kind === 'dcom') return ['attack.t1021.003'];
  if (kind === 'winrm' || port === 5985 || port === 5986) return ['attack.t1021.006'];
  if (port === 445 || port === 139) return ['attack.t1021.002'];
  return ['attack.t1021'];
}

const KIND_TAGS: Record<ActionKind, string[]> = {
  wmi: ['attack.execution', 'attack.t1047'],
  service: ['attack.execution', 'attack.t1569.002'],
  task: ['attack.execution', 'attack.t1053.005'],
  winrm: [],
  dcom: [],
};

/** Origins (sorted by time) that may precede an action at `at`: from ACCOUNT_WINDOW before to LATE_ORIGIN after. */
function originsAround(sorted: Origin[], at: number): Origin[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid].event.time ?? 0) < at - ACCOUNT_WINDOW) lo = mid + 1;
    else hi = mid;
  }
  const out: Origin[] = [];
  for (let i = lo; i < sorted.length && (sorted[i].event.time ?? 0) <= at + LATE_ORIGIN; i++) out.push(sorted[i]);
  return out;
}

export function remoteOriginExecution(ctx: RemoteOriginContext): Signal[] {
  const own = ownAddresses(ctx.events);
  const comServers = remotelyCalledComServers(ctx.events, own);
  const originsByHost = new Map<string, Origin[]>();
  const actions: Action[] = [];
  for (const e of ctx.events) {
    const origin = originOf(e, own);
    if (origin) {
      const list = originsByHost.get(origin.host);
      if (list) list.push(origin);
      else originsByHost.set(origin.host, [origin]);
      continue;
    }
    const action = e.time === undefined ? undefined : actionOf(e, ctx.tree, ctx.flagged, comServers);
    if (action) actions.push(action);
  }
  if (actions.length === 0 || originsByHost.size === 0) return [];
  for (const list of originsByHost.values()) list.sort((a, b) => (a.event.time ?? 0) - (b.event.time ?? 0));
  const groups = new Map<string, { origin: Origin; actions: Action[]; origins: Origin[] }>();
  for (const action of actions) {
    const candidates = originsAround(originsByHost.get(hostKey(action.event.entities.host) ?? '') ?? [], action.event.time ?? 0).filter((o) => explains(o, action));
    if (candidates.length === 0) continue;
    // The closest origin before the action; an account-bearing one over a bare connection.
    const origin = candidates.sort((a, b) => Number(!!b.account) - Number(!!a.account) || (b.event.time ?? 0) - (a.event.time ?? 0))[0];
    const key = `${action.kind}|${origin.host}|${origin.source}`;
    const group = groups.get(key) ?? { origin, actions: [], origins: [] };
    group.actions.push(action);
    for (const o of candidates) if (!group.origins.includes(o) && o.source === origin.source) group.origins.push(o);
    groups.set(key, group);
  }
  return [...groups.entries()].map(([key, g]) => toSignal(ctx, key, g.origin, g.origins, g.actions));
}

function toSignal(ctx: RemoteOriginContext, key: string, origin: Origin, origins: Origin[], actions: Action[]): Signal {
  const kind = actions[0].kind;
  const tags = ['attack.lateral-movement', ...transportTags(kind, origin), ...KIND_TAGS[kind]];
  const originEvents = origins.slice(0, 20).map((o) => o.event);
  const actionEvents = actions.slice(0, 50).map((a) => a.event);
  const account = origin.account ? (origin.event.entities.targetUser ?? origin.event.entities.user ?? field(origin.event, 'SubjectUserName')) : undefined;
  const roles: RoleHint[] = [
    { type: 'ip', value: origin.source, role: 'attacker', eventIndices: originEvents.map((e) => e.index) },
    ...(origin.sourceHost ? [{ type: 'host', value: origin.sourceHost, role: 'attacker', eventIndices: [origin.event.index] }] : []),
    ...(account ? [{ type: 'user', value: account, role: 'compromised_account', eventIndices: [origin.event.index] }] : []),
    ...(actions[0].event.entities.host ? [{ type: 'host', value: actions[0].event.entities.host, role: 'compromised_host', eventIndices: actionEvents.map((e) => e.index) }] : []),
  ];
  const r = rule(kind, tags);
  const indices = [...new Set([...originEvents, ...actionEvents].map((e) => e.index))];
  const signal = makeSignal('behaviour', `${r.id}:${key}`, r, indices, ctx.lookup, ctx.catalog, roles);
  signal.story = true;
  const first = actions[0].event;
  const what = isProcessCreation(first) ? `ran ${baseName(first.entities.process)}` : first.entities.registryKey ? `wrote ${first.entities.registryKey}`
    : first.entities.task ? `created task ${first.entities.task}` : first.entities.file ? `wrote ${first.entities.file}` : 'acted';
  const via = { wmi: 'WMI', service: 'the service manager', task: 'the task scheduler', winrm: 'WinRM', dcom: `DCOM (${baseName(first.entities.parentProcess) ?? 'a COM server'})` }[kind];
  signal.summary = `${account ?? 'A remote caller'} from ${origin.source}${origin.sourceHost ? ` (${origin.sourceHost})` : ''} ${what} through ${via} on ${first.entities.host ?? origin.host}`
    + `${actions.length > 1 ? ` (${actions.length} actions)` : ''} ${Math.max(0, Math.round(((first.time ?? 0) - (origin.event.time ?? 0)) / 1000))} s after connecting (lateral movement)`;
  return signal;
}
