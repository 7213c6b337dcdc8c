import type { AttackCatalog } from '../attack';
import type { CanonicalEvent, RuleRef } from '../model';
import { isMeaninglessIp } from '../indicators/ip';
import { baseName, hostKey, userKey } from './entities';
import { field, isProcessCreation } from './event-kinds';
import { processAccount, type ProcessTree } from './process-tree';
import { inboundPeer, isComServerCall, isInbound, ownAddresses, processKeys } from './remote-origin';
import { makeSignal, type EventLookup, type RoleHint, type Signal } from './signal';

/**
 * Behaviours only the process tree shows: facts about a process that its parent's own creation
 * event holds (the account the parent ran as), which no single event carries. See README.md.
 */
export interface LineageContext {
  events: CanonicalEvent[];
  lookup: EventLookup;
  catalog: AttackCatalog;
  tree: ProcessTree;
}

/** Service identities that hold SeImpersonatePrivilege but are not SYSTEM. */
const SERVICE_ACCOUNT = /^(?:nt authority\\)?(?:local ?service|network ?service)$|^iis apppool\\|^nt service\\/i;
const SYSTEM_ACCOUNT = /^(?:nt authority\\)?(?:system|localsystem)$|^s-1-5-18$/i;

export function isServiceAccount(account: string | undefined): boolean {
  return account !== undefined && SERVICE_ACCOUNT.test(account.trim());
}

export function isSystemIdentity(account: string | undefined): boolean {
  return account !== undefined && SYSTEM_ACCOUNT.test(account.trim());
}

function rule(id: string, title: string, level: string, tags: string[], description: string): RuleRef {
  return { id: `lantern.heuristic.${id}`, title, level, status: 'heuristic', tags, description };
}

interface SystemChild {
  child: CanonicalEvent;
  parent?: CanonicalEvent;
  account: string;
}

/** Integrity level System (Sysmon `System`, 4688 `S-1-16-16384`). */
function runsAtSystemIntegrity(e: CanonicalEvent): boolean {
  return /^(?:system|s-1-16-16384)$/i.test(field(e, 'IntegrityLevel').trim());
}

/**
 * SYSTEM processes whose parent did not run as SYSTEM, by the parent's own account: its creation event;
 * else its other Sysmon events (a connection it made) by GUID; else the child's `ParentUser`.
 */
function systemChildren(ctx: LineageContext): SystemChild[] {
  const out: SystemChild[] = [];
  let accounts: Map<string, string> | undefined;
  for (const child of ctx.events) {
    if (!isProcessCreation(child) || !isSystemIdentity(processAccount(child))) continue;
    const parent = ctx.tree.parentOf(child);
    accounts ??= accountsByProcess(ctx.events);
    const account = (parent && processAccount(parent))
      ?? processKeys(hostKey(child.entities.host) ?? '', field(child, 'ParentProcessGuid'), undefined).map((k) => accounts?.get(k)).find(Boolean)
      ?? (field(child, 'ParentUser') || undefined);
    if (account && !isSystemIdentity(account)) out.push({ child, parent, account });
  }
  return out;
}

/**
 * A SYSTEM process whose parent runs as a service account (LOCAL/NETWORK SERVICE, an IIS pool, a
 * virtual service account): a service identity cannot start SYSTEM processes unless it abused its
 * impersonation privilege (the "potato" family, PrintSpoofer, RogueWinRM). A SYSTEM process (System
 * integrity) whose parent runs as a person's account: that process was handed a SYSTEM token it did not
 * have (token theft from a SYSTEM process, a kernel exploit's token swap, PPL-bypass tools).
 */
export function serviceAccountToSystem(ctx: LineageContext): Signal[] {
  const children = systemChildren(ctx);
  const potato = children.filter((h) => isServiceAccount(h.account));
  const fromUser = children.filter((h) => !isServiceAccount(h.account) && userKey(h.account) !== undefined && !h.account.endsWith('$') && runsAtSystemIntegrity(h.child));
  const out: Signal[] = [];
  if (potato.length > 0) {
    out.push(systemChildSignal(ctx, potato, rule('service_account_to_system', 'SYSTEM process started by a service-account process (token impersonation, potato)', 'high',
      ['attack.privilege-escalation', 'attack.t1134.001', 'attack.t1134.002'],
      'The parent runs as LOCAL SERVICE, NETWORK SERVICE, an IIS pool or an NT SERVICE account in its own creation event; the child runs as SYSTEM')));
  }
  if (fromUser.length > 0) {
    out.push(systemChildSignal(ctx, fromUser, rule('user_process_to_system', "SYSTEM process started by a user's process (stolen token or kernel exploit)", 'high',
      ['attack.privilege-escalation', 'attack.t1134.001', 'attack.t1134.002'],
      "The parent runs as a person's account in its own creation event; the child runs as SYSTEM at System integrity")));
  }
  return out;
}

function systemChildSignal(ctx: LineageContext, hits: SystemChild[], r: RuleRef): Signal {
  const roles: RoleHint[] = hits.slice(0, 50).flatMap(({ child, parent }) => [
    { type: 'process', value: (parent?.entities.process ?? child.entities.parentProcess) as string, role: 'attack_tool', eventIndices: [...(parent ? [parent.index] : []), child.index] },
    ...(child.entities.host ? [{ type: 'host', value: child.entities.host, role: 'compromised_host', eventIndices: [child.index] }] : []),
  ]).filter((h) => h.value);
  const first = hits[0];
  const indices = [...new Set(hits.flatMap(({ child, parent }) => [...(parent ? [parent.index] : []), child.index]))];
  const signal = makeSignal('behaviour', `${r.id}:${hostKey(first.child.entities.host) ?? ''}`, r, indices, ctx.lookup, ctx.catalog, roles);
  signal.story = true;
  signal.summary = `${baseName(first.parent?.entities.process ?? first.child.entities.parentProcess)} running as ${first.account} started ${baseName(first.child.entities.process)} as SYSTEM`
    + `${first.child.entities.host ? ` on ${first.child.entities.host}` : ''}${hits.length > 1 ? ` (${hits.length} times)` : ''} (privilege escalation through a stolen token)`;
  return signal;
}

/** The account each process (host + GUID) runs as, from its events other than its creation (Sysmon names `User` on many). */
function accountsByProcess(events: CanonicalEvent[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) {
    if (isProcessCreation(e) || e.format !== 'sysmon') continue;
    const user = field(e, 'User');
    if (!user) continue;
    for (const k of processKeys(hostKey(e.entities.host) ?? '', field(e, 'ProcessGuid'), undefined)) if (!out.has(k)) out.set(k, user);
  }
  return out;
}

/**
 * What a bind shell listens with: an interpreter or netcat-like relay, or a program kept in a user-writable
 * folder. Services that accept connections and run helper shells for a living (databases' archive commands,
 * agents, SSH daemons) are neither.
 */
const SHELL_LISTENERS = /^(?:cmd|powershell|pwsh|python\d?(?:\.\d+)?|pythonw|perl|ruby|php|lua|nc|ncat|netcat|socat|sbd|bash|sh|dash|zsh|ksh|busybox|telnet)(?:\.exe)?$/i;
const WRITABLE_PLACES = /^(?:[a-z]:)?\\(?:users|programdata|windows\\temp|perflogs|temp)\\|^\/(?:tmp|var\/tmp|dev\/shm|home|run\/user)\//i;

/** Servers whose shells are exploitation (server_app_shell) or routine (SSH), wherever they are installed. */
const SERVERS = /^(?:sshd|dropbear|telnetd|w3wp|httpd|nginx|apache2?|tomcat\d*w?|java|javaw|node|php-fpm|php-cgi|sqlservr|postgres|mysqld)(?:\.exe)?$/i;

function isShellListener(image: string | undefined): boolean {
  if (!image || SERVERS.test(baseName(image) ?? '')) return false;
  return SHELL_LISTENERS.test(baseName(image) ?? '') || WRITABLE_PLACES.test(image);
}

const SHELL_CHILDREN = /^(?:cmd|powershell|pwsh|sh|bash|dash|zsh|whoami|systeminfo|hostname|ipconfig|ifconfig|netstat|net|net1|nltest|quser|tasklist|id|uname|ps)(?:\.exe)?$/i;
const BIND_BEFORE = 60_000;
const BIND_AFTER = 60 * 60_000;

/**
 * A program that accepted a connection from another machine, then started shells or discovery
 * commands: the other machine drives a shell here (bind shell: nc -l -e, powercat -l, a custom
 * listener). The join of the inbound connection with the tree below the process that accepted it
 * names the remote side as the attacker; neither event says it alone.
 */
export function inboundShellSession(ctx: LineageContext): Signal[] {
  const own = ownAddresses(ctx.events);
  const listeners = new Map<string, CanonicalEvent[]>();
  for (const e of ctx.events) {
    if (!isInbound(e) || e.time === undefined) continue;
    const host = hostKey(e.entities.host) ?? '';
    const peer = inboundPeer(e, own);
    const source = peer?.remote;
    if (!source || isMeaninglessIp(source) || own.get(host)?.has(source) || !isShellListener(e.entities.process)) continue;
    // A Windows program called on a dynamic RPC port is a COM server driven over DCOM (remote-origin.ts).
    if (peer && isComServerCall(e, peer)) continue;
    // A COM server started for a client (`-Embedding`) is remote DCOM execution (remote-origin.ts), not a listener of its own.
    if (/\s[-/]embedding\b/i.test(` ${ctx.tree.creationOf(e)?.entities.commandLine ?? ''}`)) continue;
    for (const key of processKeys(host, field(e, 'ProcessGuid'), e.entities.processId)) listeners.set(key, [...(listeners.get(key) ?? []), e]);
  }
  if (listeners.size === 0) return [];
  const hits = new Map<CanonicalEvent, CanonicalEvent[]>();
  for (const child of ctx.events) {
    if (!isProcessCreation(child) || child.time === undefined || !SHELL_CHILDREN.test(baseName(child.entities.process) ?? '')) continue;
    const host = hostKey(child.entities.host) ?? '';
    const parent = ctx.tree.parentOf(child);
    const keys = [
      ...processKeys(host, field(child, 'ParentProcessGuid'), child.entities.parentProcessId),
      ...(parent ? processKeys(host, field(parent, 'ParentProcessGuid'), parent.entities.parentProcessId) : []),
    ];
    const at = child.time;
    const connection = keys.flatMap((k) => listeners.get(k) ?? []).find((c) => (c.time ?? 0) - BIND_BEFORE <= at && at - (c.time ?? 0) <= BIND_AFTER);
    if (connection) hits.set(connection, [...(hits.get(connection) ?? []), child]);
  }
  const out: Signal[] = [];
  const bySource = new Map<string, { connections: CanonicalEvent[]; children: CanonicalEvent[] }>();
  for (const [connection, children] of hits) {
    const key = `${hostKey(connection.entities.host) ?? ''}|${inboundPeer(connection, own)?.remote}`;
    const group = bySource.get(key) ?? { connections: [], children: [] };
    group.connections.push(connection);
    group.children.push(...children);
    bySource.set(key, group);
  }
  for (const [key, { connections, children }] of bySource) {
    const first = connections[0];
    const peer = inboundPeer(first, own);
    const source = peer?.remote as string;
    const listener = first.entities.process;
    const roles: RoleHint[] = [
      { type: 'ip', value: source, role: 'attacker', eventIndices: connections.map((e) => e.index) },
      ...(listener ? [{ type: 'process', value: listener, role: 'attack_tool', eventIndices: connections.map((e) => e.index) }] : []),
      ...(first.entities.host ? [{ type: 'host', value: first.entities.host, role: 'compromised_host', eventIndices: children.slice(0, 50).map((e) => e.index) }] : []),
    ];
    const r = rule('inbound_shell_session', 'Shell driven over an inbound connection from another machine (bind shell)', 'high',
      ['attack.command-and-control', 'attack.t1095'], 'A program that accepted a connection from another machine then started shells or discovery commands');
    const indices = [...new Set([...connections, ...children.slice(0, 50)].map((e) => e.index))];
    const signal = makeSignal('behaviour', `${r.id}:${key}`, r, indices, ctx.lookup, ctx.catalog, roles);
    signal.story = true;
    const names = [...new Set(children.map((c) => baseName(c.entities.process)))].slice(0, 4).join(', ');
    signal.summary = `${source} connected to ${baseName(listener) ?? 'a listening program'}${peer?.localPort ? ` on port ${peer.localPort}` : ''}`
      + `${first.entities.host ? ` on ${first.entities.host}` : ''}, which then ran ${names} (a shell driven from that machine)`;
    out.push(signal);
  }
  return out;
}
