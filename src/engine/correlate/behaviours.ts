import type { AttackCatalog } from '../attack';
import type { CanonicalEvent, RuleRef } from '../model';
import { commandTraits, type CommandTrait } from '../artifact/traits';
import { analyseArtifact } from '../artifact';
import { isExternalIp } from '../indicators/ip';
import { isBenignDomain } from '../indicators/benign';
import { registeredDomain } from '../indicators/domains';
import { baseName, hostKey, ipValue, userKey } from './entities';
import {
  dnsQueryName, eventId, field, isAccountCreation, isDnsQuery, isGroupMembershipAdd, isKerberosServiceTicket, isLogon,
  isMfaDenial, isMfaRegistration, isNetworkConnection, isProcessCreation, logonService, outcomeOf, REMOTE_SERVICES,
} from './event-kinds';
import { makeSignal, type EventLookup, type RoleHint, type Signal } from './signal';
import { EVENT_SEMANTICS, hexValue, type EventSemantic } from './windows-semantics';
import { inferMovement } from './movement';
import { buildProcessTree, type ProcessTree } from './process-tree';
import { inboundShellSession, serviceAccountToSystem } from './lineage';
import { remoteOriginExecution } from './remote-origin';

/**
 * Behaviour inference: generic, documented heuristics for what single-event Sigma rules miss.
 * Each one is a pattern an analyst would apply to any batch (see README.md in this folder);
 * none is keyed on a particular case. Their rule ids start with `lantern.heuristic.`.
 */
export interface BehaviourContext {
  events: CanonicalEvent[];
  lookup: EventLookup;
  catalog: AttackCatalog;
  /** Detection and correlation signals found so far (used to tell a lone logon from an intrusion). */
  signals: Signal[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const BRUTE_FORCE_MIN_FAILURES = 5;
const BRUTE_FORCE_WINDOW = 30 * MINUTE;
const SUCCESS_AFTER_FAILURES_WINDOW = 2 * HOUR;
const MFA_FATIGUE_MIN_DENIALS = 5;
const KERBEROAST_MIN_SERVICES = 3;
const DNS_TUNNEL_MIN_NAMES = 20;

export function inferBehaviours(input: BehaviourContext): Signal[] {
  const traits = commandLineTraits(input);
  const ctx: BehaviourContext = { ...input, signals: [...input.signals, ...traits] };
  const out: Signal[] = [];
  const brute = bruteForce(ctx);
  out.push(...brute);
  out.push(...externalRemoteLogons(ctx, brute));
  out.push(...accountChanges(ctx));
  out.push(...kerberoasting(ctx));
  out.push(...mfaFatigue(ctx));
  out.push(...dnsTunnelling(ctx));
  for (const s of out) s.story = true;
  out.push(...inferMovement(ctx));
  const tree = buildProcessTree(ctx.events);
  out.push(...processLineage(ctx, tree));
  out.push(...serviceAccountToSystem({ ...ctx, tree }));
  out.push(...inboundShellSession({ ...ctx, tree }));
  out.push(...remoteOriginExecution({ ...ctx, tree, flagged: flaggedEvents(ctx.signals) }));
  out.push(...eventSemantics(ctx));
  out.push(...traits);
  return out;
}

const FLAGGING_LEVELS = new Set(['medium', 'high', 'critical']);

/** Events that a rule or heuristic of medium level or above flagged. */
function flaggedEvents(signals: Signal[]): Set<number> {
  return new Set(signals.filter((s) => FLAGGING_LEVELS.has(s.rule.level)).flatMap((s) => s.eventIndices));
}

function heuristicRule(id: string, title: string, level: string, tags: string[], description: string): RuleRef {
  return { id: `lantern.heuristic.${id}`, title, level, status: 'heuristic', tags, description };
}

function signalOf(ctx: BehaviourContext, rule: RuleRef, key: string, indices: number[], roles: RoleHint[], summary?: string): Signal {
  const signal = makeSignal('behaviour', `${rule.id}:${key}`, rule, indices, ctx.lookup, ctx.catalog, roles);
  if (summary) signal.summary = summary;
  return signal;
}

function byTime(a: CanonicalEvent, b: CanonicalEvent): number {
  return (a.time ?? 0) - (b.time ?? 0) || a.index - b.index;
}

function groupBy<T>(items: T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function hint(type: string, value: string | undefined, role: string, events: CanonicalEvent[]): RoleHint[] {
  return value ? [{ type, value, role, eventIndices: events.map((e) => e.index) }] : [];
}

function sourceOf(e: CanonicalEvent): string | undefined {
  return ipValue(e.entities.srcIp) ?? hostKey(e.entities.srcHost);
}

function loggedOnUser(e: CanonicalEvent): string | undefined {
  return e.entities.targetUser ?? e.entities.user ?? e.entities.cloudIdentity;
}

function fmtTime(t: number | undefined): string {
  return t === undefined ? '?' : new Date(t).toISOString().slice(11, 19);
}

/** A run of failed logons from one source, optionally ended by a success from the same source. */
function bruteForce(ctx: BehaviourContext): Signal[] {
  const logons = ctx.events.filter(isLogon);
  const bySource = groupBy(logons, sourceOf);
  const out: Signal[] = [];
  for (const [source, list] of bySource) {
    list.sort(byTime);
    // A refused MFA prompt means the password worked: fatigue, not guessing (see mfaFatigue).
    const failures = list.filter((e) => outcomeOf(e) === 'failure' && !isMfaDenial(e));
    for (const run of failureRuns(failures)) out.push(...bruteForceRun(ctx, source, list, run));
  }
  return out;
}

/** Bursts of failures (gaps under the window) that reach the threshold inside one window. */
function failureRuns(failures: CanonicalEvent[]): CanonicalEvent[][] {
  const runs: CanonicalEvent[][] = [];
  let current: CanonicalEvent[] = [];
  for (const e of failures) {
    const last = current[current.length - 1];
    if (last && (e.time ?? 0) - (last.time ?? 0) > BRUTE_FORCE_WINDOW) {
      runs.push(current);
      current = [];
    }
    current.push(e);
  }
  if (current.length > 0) runs.push(current);
  return runs.filter((r) => densestRun(r, BRUTE_FORCE_WINDOW).length >= BRUTE_FORCE_MIN_FAILURES);
}

function bruteForceRun(ctx: BehaviourContext, source: string, list: CanonicalEvent[], run: CanonicalEvent[]): Signal[] {
  const out: Signal[] = [];
  {
    const accounts = [...new Set(run.map(loggedOnUser).filter((u): u is string => !!u))];
    const perAccount = run.length / Math.max(1, accounts.length);
    const spraying = accounts.length >= 3 && perAccount <= 2;
    const technique = spraying ? 'attack.t1110.003' : accounts.length <= 1 || perAccount >= 3 ? 'attack.t1110.001' : 'attack.t1110';
    const first = run[0];
    const last = run[run.length - 1];
    const service = logonService(first);
    const success = list.find((e) => outcomeOf(e) === 'success' && (e.time ?? 0) >= (first.time ?? 0)
      && (e.time ?? 0) - (last.time ?? 0) <= SUCCESS_AFTER_FAILURES_WINDOW);
    const sourceIsIp = ipValue(source) !== undefined;
    const roles: RoleHint[] = [
      ...hint(sourceIsIp ? 'ip' : 'host', source, 'attacker', run),
      ...accounts.map((a) => ({ type: 'user', value: a, role: 'targeted_account', eventIndices: run.filter((e) => loggedOnUser(e) === a).map((e) => e.index) })),
      ...hint('host', first.entities.host, 'target', run),
      ...hint('ip', ipValue(first.entities.dstIp), 'target', run),
    ];
    const what = spraying ? 'Password spraying' : 'Brute force';
    const via = service ? ` ${service.name}` : '';
    const summary = `${run.length} failed${via} logons for ${accounts.length} account${accounts.length === 1 ? '' : 's'} from ${source} between ${fmtTime(first.time)} and ${fmtTime(last.time)}`;
    out.push(signalOf(ctx, heuristicRule(spraying ? 'password_spraying' : 'brute_force', `${what} of${via} logons`, 'medium',
      ['attack.credential-access', technique], `${BRUTE_FORCE_MIN_FAILURES}+ failed logons from one source within 30 minutes`), `${source}:${first.index}`, run.map((e) => e.index), roles, summary));
    if (!success) return out;
    // A success record that names no account (auditd USER_LOGIN) follows a run against one account: that one.
    const user = loggedOnUser(success) ?? (accounts.length === 1 ? accounts[0] : undefined);
    const tags = ['attack.credential-access', technique, 'attack.initial-access', 'attack.t1078'];
    if (service && sourceIsIp && isExternalIp(source)) tags.push('attack.lateral-movement', `attack.${service.technique.toLowerCase()}`);
    const successRoles: RoleHint[] = [
      ...hint(sourceIsIp ? 'ip' : 'host', source, 'attacker', [success]),
      ...hint('user', user, 'compromised_account', [success]),
      ...hint('host', success.entities.host, 'compromised_host', [success]),
      ...hint('ip', ipValue(success.entities.dstIp), 'target', [success]),
    ];
    const sentence = `Successful${via} logon${user ? ` as ${user}` : ''} from ${source} after ${run.length} failed attempts`;
    const rule = heuristicRule('brute_force_success', `${what} succeeded`, 'high', tags, 'A successful logon from the source of a brute-force run');
    out.push(signalOf(ctx, rule, `${source}:${first.index}`, [success.index, ...run.map((e) => e.index)], successRoles, sentence));
  }
  return out;
}

/** The largest set of consecutive events that fits in `window` (events sorted by time). */
function densestRun(events: CanonicalEvent[], window: number): CanonicalEvent[] {
  let best: CanonicalEvent[] = [];
  let start = 0;
  for (let end = 0; end < events.length; end++) {
    while ((events[end].time ?? 0) - (events[start].time ?? 0) > window) start++;
    if (end - start + 1 > best.length) best = events.slice(start, end + 1);
  }
  return best;
}

/**
 * A successful remote logon from an internet address. Alone it is medium (remote workers do this);
 * it is high when the same account or host shows detections afterwards (post-exploitation).
 */
function externalRemoteLogons(ctx: BehaviourContext, brute: Signal[]): Signal[] {
  const covered = new Set(brute.flatMap((s) => s.eventIndices));
  const out: Signal[] = [];
  const successes = ctx.events.filter((e) => isLogon(e) && outcomeOf(e) === 'success' && isExternalIp(e.entities.srcIp) && !covered.has(e.index));
  if (successes.length === 0) return out;
  const connections = groupBy(ctx.events.filter((e) => isNetworkConnection(e) && !isLogon(e) && outcomeOf(e) !== 'failure'), (e) => ipValue(e.entities.srcIp));
  const flagged = flaggedIndex(ctx);
  for (const [source, list] of groupBy(successes, (e) => ipValue(e.entities.srcIp))) {
    const logon = list[0];
    const connection = (connections.get(source ?? '') ?? []).find((e) => (e.time ?? 0) <= (logon.time ?? 0) && (logon.time ?? 0) - (e.time ?? 0) <= HOUR
      && (!logon.entities.dstIp || ipValue(e.entities.dstIp) === ipValue(logon.entities.dstIp)));
    const service = logonService(logon) ?? (connection?.entities.dstPort ? REMOTE_SERVICES[connection.entities.dstPort] : undefined);
    const user = loggedOnUser(logon);
    const followUp = followUpOf(flagged, logon, user);
    const cloud = isCloudIdentityEvent(logon);
    // A cloud or identity-provider sign-in is a cloud account used, not an external remote service (VPN, RDP gateway).
    const tags = ['attack.initial-access', cloud ? 'attack.t1078.004' : 'attack.t1078'];
    if (service) tags.push('attack.lateral-movement', `attack.${service.technique.toLowerCase()}`);
    else if (!cloud) tags.push('attack.t1133');
    const evidence = [...list, ...(connection ? [connection] : [])];
    const roles: RoleHint[] = [
      ...hint('ip', source, followUp ? 'attacker' : 'suspicious_source', evidence),
      ...hint('ip', ipValue(logon.entities.dstIp ?? connection?.entities.dstIp), 'target', evidence),
      ...hint('user', user, followUp ? 'compromised_account' : 'remote_account', list),
      // The host where the follow-up activity ran is where the attacker now operates.
      ...hint('host', followUp?.entities.host, 'compromised_host', followUp ? [followUp] : []),
    ];
    const via = service ? `${service.name} ` : '';
    const rule = heuristicRule(followUp ? 'external_logon_then_activity' : 'external_remote_logon',
      `Successful ${via}logon from an internet address${followUp ? ' followed by suspicious activity' : ''}`,
      followUp ? 'high' : 'medium', tags, 'Remote logon from a public IP address');
    out.push(signalOf(ctx, rule, source ?? String(logon.index), evidence.map((e) => e.index), roles,
      `Successful ${via}logon${user ? ` as ${user}` : ''} from ${source}`));
  }
  return out;
}

interface FlaggedIndex {
  byUser: Map<string, CanonicalEvent[]>;
  byHost: Map<string, CanonicalEvent[]>;
}

/** Flagged events by acting account and by host, in time order (built once per batch). */
function flaggedIndex(ctx: BehaviourContext): FlaggedIndex {
  const seen = new Set<number>();
  const byUser = new Map<string, CanonicalEvent[]>();
  const byHost = new Map<string, CanonicalEvent[]>();
  const push = (map: Map<string, CanonicalEvent[]>, key: string | undefined, e: CanonicalEvent): void => {
    if (!key) return;
    const list = map.get(key);
    if (list) list.push(e);
    else map.set(key, [e]);
  };
  for (const signal of ctx.signals) {
    for (const index of signal.eventIndices) {
      if (seen.has(index)) continue;
      seen.add(index);
      const e = ctx.lookup(index);
      if (!e || e.time === undefined) continue;
      push(byUser, userKey(e.entities.user), e);
      push(byHost, hostKey(e.entities.host), e);
      const dst = ipValue(e.entities.dstIp);
      if (dst && dst !== hostKey(e.entities.host)) push(byHost, dst, e);
    }
  }
  for (const list of [...byUser.values(), ...byHost.values()]) list.sort(byTime);
  return { byUser, byHost };
}

/** The first flagged event within 24 h after the logon by the same account or on the same host, if any. */
function followUpOf(flagged: FlaggedIndex, logon: CanonicalEvent, user: string | undefined): CanonicalEvent | undefined {
  const start = logon.time ?? 0;
  const within = (list: CanonicalEvent[] | undefined): CanonicalEvent | undefined => {
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid].time ?? 0) < start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length && (list[i].time ?? 0) - start <= 24 * HOUR; i++) if (list[i] !== logon) return list[i];
    return undefined;
  };
  const key = userKey(user);
  const host = hostKey(logon.entities.host) ?? ipValue(logon.entities.dstIp);
  const candidates = [within(key ? flagged.byUser.get(key) : undefined), within(host ? flagged.byHost.get(host) : undefined)].filter((e): e is CanonicalEvent => e !== undefined);
  return candidates.sort(byTime)[0];
}

const PRIVILEGED_GROUPS = /^(?:administrators|domain admins|enterprise admins|schema admins|remote desktop users|backup operators|account operators|server operators|dnsadmins|group policy creator owners|sudo|wheel|admin|global administrator|company administrator)$/i;

/** Products whose accounts are cloud or identity-provider identities (T1078.004, T1136.003). */
const CLOUD_PRODUCTS = new Set(['aws', 'azure', 'gcp', 'm365', 'okta', 'google_workspace', 'github', 'onelogin', 'jumpcloud']);

function isCloudIdentityEvent(e: CanonicalEvent): boolean {
  return CLOUD_PRODUCTS.has((e.logsource.product ?? '').toLowerCase());
}

/**
 * Which kind of account was created: a cloud identity (T1136.003), a domain account (T1136.002:
 * Windows names the account's domain in TargetDomainName, the machine's own name for a local
 * account), else a local one (T1136.001).
 */
function accountCreationTechnique(e: CanonicalEvent): string {
  if (isCloudIdentityEvent(e)) return 'T1136.003';
  const domain = field(e, 'TargetDomainName').trim().toLowerCase();
  const machine = (e.entities.host ?? field(e, 'Computer')).split('.')[0].toLowerCase();
  if (domain && machine && domain !== machine && !['builtin', 'nt authority', 'workgroup'].includes(domain)) return 'T1136.002';
  return /dc\d*\b|domain controller/i.test(e.entities.host ?? '') ? 'T1136.002' : 'T1136.001';
}

/** Account creation, and membership of privileged groups (the classic backdoor account). */
function accountChanges(ctx: BehaviourContext): Signal[] {
  const out: Signal[] = [];
  const created = ctx.events.filter(isAccountCreation);
  for (const e of created) {
    const account = e.entities.targetUser ?? field(e, 'TargetUserName', 'SamAccountName');
    const actor = e.entities.user;
    const domainLevel = `attack.${accountCreationTechnique(e).toLowerCase()}`;
    const roles = [...hint('user', account, 'created_account', [e]), ...hint('user', userKey(actor) ? actor : undefined, 'compromised_account', [e])];
    out.push(signalOf(ctx, heuristicRule('account_created', 'User account created', 'medium', ['attack.persistence', domainLevel],
      'A new account was created'), String(e.index), [e.index], roles, `${actor ?? 'Someone'} created account ${account || '?'}${e.entities.host ? ` on ${e.entities.host}` : ''}`));
  }
  for (const e of ctx.events.filter(isGroupMembershipAdd)) {
    // Windows names the group in TargetUserName; usermod/gpasswd lines name it `group` and the member TargetUserName.
    const group = field(e, 'GroupName', 'group') || field(e, 'TargetUserName');
    if (!PRIVILEGED_GROUPS.test(group.trim())) continue;
    const member = memberOf(e, created);
    const actor = e.entities.user;
    const roles = [...hint('user', member, 'persistence', [e]), ...hint('user', userKey(actor) ? actor : undefined, 'compromised_account', [e])];
    out.push(signalOf(ctx, heuristicRule('privileged_group_add', 'Account added to a privileged group', 'high',
      ['attack.persistence', 'attack.privilege-escalation', 'attack.t1098.007'], 'Membership of an administrative group granted'),
    String(e.index), [e.index], roles, `${actor ?? 'Someone'} added ${member ?? 'an account'} to ${group}${e.entities.host ? ` on ${e.entities.host}` : ''}`));
  }
  return out;
}

/** The added member; Windows often logs only its SID, then the account created just before by the same actor is meant. */
function memberOf(e: CanonicalEvent, created: CanonicalEvent[]): string | undefined {
  const name = field(e, 'MemberName', 'member');
  if (name && name !== '-' && !name.includes('=')) return name;
  if (name.includes('=')) return /CN=([^,]+)/i.exec(name)?.[1];
  if (!name && !field(e, 'MemberSid') && e.entities.targetUser && field(e, 'GroupName', 'group')) return e.entities.targetUser;
  const recent = created.filter((c) => (c.time ?? 0) <= (e.time ?? 0) && (e.time ?? 0) - (c.time ?? 0) <= 15 * MINUTE
    && hostKey(c.entities.host) === hostKey(e.entities.host));
  const last = recent[recent.length - 1];
  return last ? last.entities.targetUser ?? field(last, 'TargetUserName') : field(e, 'MemberSid') || undefined;
}

/** Several RC4 service tickets for distinct services requested by one account in minutes. */
function kerberoasting(ctx: BehaviourContext): Signal[] {
  const rc4 = ctx.events.filter((e) => isKerberosServiceTicket(e) && [0x17, 0x18].includes(hexValue(field(e, 'TicketEncryptionType')) ?? 0)
    && field(e, 'ServiceName') !== '' && !/\$$|^krbtgt/i.test(field(e, 'ServiceName')));
  const out: Signal[] = [];
  for (const [account, list] of groupBy(rc4, (e) => userKey(e.entities.targetUser ?? e.entities.user ?? field(e, 'TargetUserName')))) {
    list.sort(byTime);
    const run = densestRun(list, 10 * MINUTE);
    const services = [...new Set(run.map((e) => field(e, 'ServiceName')))];
    if (services.length < KERBEROAST_MIN_SERVICES) continue;
    const source = ipValue(run[0].entities.srcIp ?? field(run[0], 'IpAddress'));
    const user = run[0].entities.targetUser ?? run[0].entities.user ?? account;
    const roles: RoleHint[] = [
      ...hint('user', user, 'compromised_account', run),
      ...hint('ip', source, 'attacker', run),
      ...services.map((s) => ({ type: 'service', value: s, role: 'targeted_service', eventIndices: run.filter((e) => field(e, 'ServiceName') === s).map((e) => e.index) })),
    ];
    out.push(signalOf(ctx, heuristicRule('kerberoasting', 'Kerberoasting: RC4 service tickets for many services', 'high',
      ['attack.credential-access', 'attack.t1558.003'], `${KERBEROAST_MIN_SERVICES}+ RC4 service tickets for distinct services within 10 minutes`),
    account, run.map((e) => e.index), roles,
    `${user} requested RC4-encrypted service tickets for ${services.length} services${source ? ` from ${source}` : ''} between ${fmtTime(run[0].time)} and ${fmtTime(run[run.length - 1].time)}`));
  }
  return out;
}

/** Repeated MFA push denials for one user, then an accepted sign-in and possibly a new factor. */
function mfaFatigue(ctx: BehaviourContext): Signal[] {
  const out: Signal[] = [];
  const denials = ctx.events.filter(isMfaDenial);
  if (denials.length < MFA_FATIGUE_MIN_DENIALS) return out;
  const byAccount = groupBy(ctx.events, (e) => userKey(loggedOnUser(e)));
  for (const [account, list] of groupBy(denials, (e) => userKey(loggedOnUser(e)))) {
    list.sort(byTime);
    const run = densestRun(list, HOUR);
    if (run.length < MFA_FATIGUE_MIN_DENIALS) continue;
    const last = run[run.length - 1];
    const user = loggedOnUser(run[0]) ?? account;
    const source = ipValue(run[0].entities.srcIp);
    const later = (byAccount.get(account) ?? []).filter((e) => (e.time ?? 0) >= (last.time ?? 0));
    const success = later.find((e) => !isMfaDenial(e) && isLogon(e) && outcomeOf(e) === 'success' && (e.time ?? 0) - (last.time ?? 0) <= HOUR);
    const cloud = ['okta', 'entra_id', 'azure', 'cloudtrail', 'o365', 'm365', 'gcp'].some((f) => run[0].format.includes(f)) || /@/.test(user);
    const roles: RoleHint[] = [...hint('ip', source, 'attacker', run), ...hint('user', user, success ? 'compromised_account' : 'targeted_account', run)];
    const tags = ['attack.credential-access', 'attack.t1621'];
    if (success) tags.push('attack.initial-access', cloud ? 'attack.t1078.004' : 'attack.t1078');
    const evidence = [...run, ...(success ? [success] : [])];
    out.push(signalOf(ctx, heuristicRule(success ? 'mfa_fatigue_success' : 'mfa_fatigue', success ? 'MFA fatigue: push accepted after repeated denials' : 'MFA fatigue: repeated push denials',
      success ? 'high' : 'medium', tags, `${MFA_FATIGUE_MIN_DENIALS}+ MFA denials for one account within an hour`), account, evidence.map((e) => e.index), roles,
    `${run.length} MFA push requests denied for ${user}${source ? ` from ${source}` : ''} between ${fmtTime(run[0].time)} and ${fmtTime(last.time)}${success ? `, then accepted at ${fmtTime(success.time)}` : ''}`));
    const registration = later.find((e) => isMfaRegistration(e) && (!success || (e.time ?? 0) >= (success.time ?? 0)) && (e.time ?? 0) - (last.time ?? 0) <= 24 * HOUR);
    if (!registration) continue;
    out.push(signalOf(ctx, heuristicRule('mfa_device_registered', 'New MFA factor registered after MFA fatigue', 'high',
      ['attack.persistence', 'attack.t1098.005'], 'A factor enrolled right after an MFA fatigue run'), account, [registration.index],
    [...hint('user', user, 'compromised_account', [registration]), ...hint('ip', ipValue(registration.entities.srcIp), 'attacker', [registration])],
    `New MFA factor registered for ${user}${registration.entities.srcIp ? ` from ${registration.entities.srcIp}` : ''}`));
  }
  return out;
}

/** Many long, unique sub-domain names of one domain from one client: data carried in DNS. */
function dnsTunnelling(ctx: BehaviourContext): Signal[] {
  const queries = ctx.events.filter((e) => isDnsQuery(e) && dnsQueryName(e).includes('.'));
  const out: Signal[] = [];
  for (const [key, list] of groupBy(queries, (e) => `${ipValue(e.entities.srcIp) ?? e.entities.host ?? '?'}|${registeredDomain(dnsQueryName(e))}`)) {
    const [source, domain] = key.split('|');
    if (isBenignDomain(domain)) continue;
    const names = new Set(list.map(dnsQueryName));
    const prefixes = [...names].map((n) => n.slice(0, Math.max(0, n.length - domain.length - 1)));
    const avgLength = prefixes.reduce((a, p) => a + p.length, 0) / Math.max(1, prefixes.length);
    if (names.size < DNS_TUNNEL_MIN_NAMES || avgLength < 20) continue;
    const bytes = prefixes.reduce((a, p) => a + p.length, 0);
    const roles: RoleHint[] = [
      ...hint('domain', domain, bytes > 2000 ? 'exfil_destination' : 'c2', list),
      ...hint('ip', source !== '?' && ipValue(source) ? source : undefined, 'compromised_host', list),
      ...hint('host', source !== '?' && !ipValue(source) ? source : undefined, 'compromised_host', list),
    ];
    const tags = ['attack.command-and-control', 'attack.t1071.004'];
    if (bytes > 2000) tags.push('attack.exfiltration', 'attack.t1048.003');
    out.push(signalOf(ctx, heuristicRule('dns_tunnel', 'DNS tunnelling: many long unique sub-domains of one domain', 'high', tags,
      `${DNS_TUNNEL_MIN_NAMES}+ unique queries with long labels under one domain`), key, list.map((e) => e.index), roles,
    `${source} sent ${list.length} DNS queries with ${names.size} unique encoded sub-domains of ${domain} (~${Math.round(bytes / 1024 * 10) / 10} KB of label data) between ${fmtTime(list[0].time)} and ${fmtTime(list[list.length - 1].time)}`));
  }
  return out;
}

/** Command-line traits on process creations, including what encoded payloads decode to. */
function commandLineTraits(ctx: BehaviourContext): Signal[] {
  const byTrait = new Map<string, { events: CanonicalEvent[]; roles: RoleHint[]; title: string; level: string; tags: string[] }>();
  const seen = new Map<string, { artifact: ReturnType<typeof analyseArtifact>; traits: CommandTrait[] }>();
  for (const e of ctx.events) {
    const text = e.entities.commandLine ?? (field(e, 'ScriptBlockText', 'Payload', 'HostApplication') || undefined) ?? powershellHostText(e) ?? (isProcessCreation(e) ? e.entities.process : undefined);
    if (!text) continue;
    let known = seen.get(text);
    if (!known) {
      const artifact = analyseArtifact(text);
      known = { artifact, traits: commandTraits([text, ...artifact.layers.map((l) => l.text)].join('\n')) };
      seen.set(text, known);
    }
    const { artifact } = known;
    const traits = [...known.traits];
    if (artifact.layers.some((l) => l.method === 'powershell_encoded_command' || l.method === 'base64')) {
      traits.push({ id: 'decoded_payload', title: 'Encoded payload decoded from the command line', techniques: ['T1027', 'T1140'], tactic: 'Defense Evasion', level: 'medium' });
    }
    for (const trait of traits) {
      const entry = byTrait.get(trait.id) ?? { events: [], roles: [], title: trait.title, level: trait.level, tags: [`attack.${trait.tactic.toLowerCase().replace(/ /g, '-')}`, ...trait.techniques.map((t) => `attack.${t.toLowerCase()}`)] };
      entry.events.push(e);
      entry.roles.push(...traitRoles(trait.id, trait.processRole, e, artifact));
      byTrait.set(trait.id, entry);
    }
  }
  return [...byTrait.entries()].map(([id, t]) =>
    signalOf(ctx, heuristicRule(`cmd.${id}`, t.title, t.level, t.tags, 'Command-line pattern'), id, t.events.map((e) => e.index), t.roles));
}

function traitRoles(id: string, processRole: string | undefined, e: CanonicalEvent, artifact: ReturnType<typeof analyseArtifact>): RoleHint[] {
  const roles: RoleHint[] = [];
  const process = baseName(e.entities.process);
  if (processRole && process) roles.push({ type: 'process', value: process, role: processRole, eventIndices: [e.index] });
  if (id === 'download_cradle') {
    for (const ind of artifact.indicators) {
      if (ind.type === 'url') roles.push({ type: 'url', value: ind.value, role: 'payload_url', eventIndices: [e.index] });
      if (ind.type === 'ip' && isExternalIp(ind.value)) roles.push({ type: 'ip', value: ind.value, role: 'payload_host', eventIndices: [e.index] });
      if (ind.type === 'domain' && !isBenignDomain(ind.value)) roles.push({ type: 'domain', value: ind.value, role: 'payload_host', eventIndices: [e.index] });
      if (ind.type === 'file') roles.push({ type: 'file', value: ind.value, role: 'payload', eventIndices: [e.index] });
    }
  }
  if (id === 'schtask_create') {
    const tr = /\/tr\s+("[^"]+"|\S+)/i.exec(e.entities.commandLine ?? '')?.[1]?.replace(/^"|"$/g, '');
    const tn = /\/tn\s+("[^"]+"|\S+)/i.exec(e.entities.commandLine ?? '')?.[1]?.replace(/^"|"$/g, '');
    if (tr) roles.push({ type: 'file', value: tr.split(/\s+/)[0], role: 'persistence', eventIndices: [e.index] });
    if (tn) roles.push({ type: 'scheduled_task', value: tn, role: 'persistence', eventIndices: [e.index] });
  }
  if (id === 'user_add') {
    const name = /\buser\s+(\S+)/i.exec(e.entities.commandLine ?? '')?.[1];
    if (name) roles.push({ type: 'user', value: name, role: 'created_account', eventIndices: [e.index] });
  }
  if (id === 'run_key') {
    for (const ind of artifact.indicators) if (ind.type === 'registry') roles.push({ type: 'registry', value: ind.value, role: 'persistence', eventIndices: [e.index] });
  }
  return roles;
}

/** One signal per Windows event semantic that occurs (see windows-semantics.ts). */
function eventSemantics(ctx: BehaviourContext): Signal[] {
  const byId = new Map<number, EventSemantic[]>();
  const anyEvent: EventSemantic[] = [];
  for (const semantic of EVENT_SEMANTICS) {
    if (!semantic.ids) anyEvent.push(semantic);
    for (const id of semantic.ids ?? []) byId.set(id, [...(byId.get(id) ?? []), semantic]);
  }
  const hitsOf = new Map<EventSemantic, CanonicalEvent[]>();
  for (const e of ctx.events) {
    const id = eventId(e);
    const candidates = id === undefined ? anyEvent : [...(byId.get(id) ?? []), ...anyEvent];
    for (const semantic of candidates) {
      if (!semantic.match(e)) continue;
      const list = hitsOf.get(semantic);
      if (list) list.push(e);
      else hitsOf.set(semantic, [e]);
    }
  }
  const out: Signal[] = [];
  for (const semantic of EVENT_SEMANTICS) {
    const hits = hitsOf.get(semantic) ?? [];
    if (hits.length === 0 || hits.length < (semantic.minCount ?? 1)) continue;
    const roles: RoleHint[] = [];
    if (semantic.actorRole) {
      for (const e of hits.slice(0, 50)) {
        const actor = field(e, 'SubjectUserName') || e.entities.user;
        if (userKey(actor)) roles.push({ type: 'user', value: actor as string, role: semantic.actorRole, eventIndices: [e.index] });
      }
    }
    out.push(signalOf(ctx, heuristicRule(`win.${semantic.id}`, semantic.title, semantic.level, semantic.tags, 'Windows audit event semantics'), semantic.id, hits.map((e) => e.index), roles));
  }
  return out;
}

/** Classic PowerShell engine events (400/600/800) carry the host command line inside their parameters. */
function powershellHostText(e: CanonicalEvent): string | undefined {
  if (!/powershell/i.test(field(e, 'Channel'))) return undefined;
  const text = field(e, 'param1', 'param2', 'param3', 'Data');
  return /HostApplication=([^\n]+)/.exec(text)?.[1];
}

const SERVER_APPS = /^(?:w3wp|httpd|nginx|apache2?|tomcat\d*|tomcat\d*w|java|javaw|php|php-cgi|php-fpm|node|sqlservr|jboss|weblogic|wlsvc|beasvc|umworkerprocess|umservice|exchange\w*|owstimer)(?:\.exe)?$/i;
const OFFICE_APPS = /^(?:winword|excel|powerpnt|outlook|msaccess|mspub|onenote|visio|acrord32|acrobat|foxitreader|wordpad)(?:\.exe)?$/i;
const USER_LAUNCHERS = /^(?:explorer|msedge|chrome|firefox|iexplore|brave|opera|outlook|thunderbird|winrar|7zfm|7zg)(?:\.exe)?$/i;
const USER_DROP_DIRS = /\\(?:downloads|desktop)\\|\\appdata\\local\\temp\\|\\content\.outlook\\|\\inetcache\\/i;
const SHELLS = /^(?:cmd|powershell|pwsh|wscript|cscript|mshta|rundll32|regsvr32|certutil|bitsadmin|whoami|net|net1|systeminfo|ipconfig|curl|wget|sh|bash|dash|zsh|ksh|python\d?|perl|nc|ncat|id|uname|hostname)(?:\.exe)?$/i;

/** Server applications generic enough to run developer tooling as well: direct children only. */
const GENERIC_RUNTIMES = /^(?:java|javaw|node)(?:\.exe)?$/i;

interface AppShell {
  event: CanonicalEvent;
  /** The server or document application the shell descends from. */
  app: string;
}

/**
 * The server or Office application a shell descends from: its parent, or (through the process tree)
 * a grandparent or great-grandparent, e.g. w3wp.exe -> dropped.exe -> cmd.exe.
 */
function appAncestor(e: CanonicalEvent, tree: ProcessTree): { kind: 'server' | 'office'; app: string } | undefined {
  const parent = baseName(e.entities.parentProcess) ?? '';
  if (SERVER_APPS.test(parent)) return { kind: 'server', app: e.entities.parentProcess as string };
  if (OFFICE_APPS.test(parent)) return { kind: 'office', app: e.entities.parentProcess as string };
  for (const ancestor of tree.ancestors(e, 3).slice(1)) {
    const name = baseName(ancestor.entities.process) ?? '';
    if (SERVER_APPS.test(name) && !GENERIC_RUNTIMES.test(name)) return { kind: 'server', app: ancestor.entities.process as string };
    if (OFFICE_APPS.test(name)) return { kind: 'office', app: ancestor.entities.process as string };
  }
  return undefined;
}

/** A shell or admin tool started by a server application (exploitation, webshell) or by an Office document, directly or through a child. */
function processLineage(ctx: BehaviourContext, tree: ProcessTree): Signal[] {
  const server: AppShell[] = [];
  const office: AppShell[] = [];
  for (const e of ctx.events) {
    if (!isProcessCreation(e) || !SHELLS.test(baseName(e.entities.process) ?? '')) continue;
    const found = appAncestor(e, tree);
    if (found?.kind === 'server') server.push({ event: e, app: found.app });
    else if (found?.kind === 'office') office.push({ event: e, app: found.app });
  }
  const userRun = ctx.events.filter((e) => isProcessCreation(e) && USER_LAUNCHERS.test(baseName(e.entities.parentProcess) ?? '')
    && USER_DROP_DIRS.test(e.entities.process ?? '') && /\.(?:exe|scr|com|pif|bat|cmd|js|vbs|hta|msi|lnk)$/i.test(e.entities.process ?? ''));
  const out: Signal[] = [];
  if (userRun.length > 0) {
    out.push(signalOf(ctx, heuristicRule('user_ran_download', 'User opened an executable from a download or mail folder', 'medium',
      ['attack.execution', 'attack.t1204.002'], 'Executable launched by the desktop, a browser or a mail client from Downloads, Desktop, Temp or a mail cache'),
    'user-run', userRun.map((e) => e.index), userRun.slice(0, 20).map((e) => ({ type: 'file', value: e.entities.process as string, role: 'payload', eventIndices: [e.index] })),
    `${userRun[0].entities.user ?? 'A user'} ran ${userRun[0].entities.process}${userRun[0].entities.host ? ` on ${userRun[0].entities.host}` : ''}`));
  }
  const roles = (hits: AppShell[], role: string): RoleHint[] =>
    hits.slice(0, 50).flatMap(({ event: e, app }) => [
      { type: 'process', value: app, role, eventIndices: [e.index] },
      ...(e.entities.host ? [{ type: 'host', value: e.entities.host, role: 'compromised_host', eventIndices: [e.index] }] : []),
    ]);
  if (server.length > 0) {
    out.push(signalOf(ctx, heuristicRule('server_app_shell', 'Shell started by a server application (exploitation or webshell)', 'high',
      ['attack.initial-access', 'attack.t1190', 'attack.persistence', 'attack.t1505.003'], 'Web/application server process spawning a shell or admin tool'),
    'server', server.map((h) => h.event.index), roles(server, 'exploited_service'),
    `${baseName(server[0].app)} started ${baseName(server[0].event.entities.process)}${server[0].event.entities.host ? ` on ${server[0].event.entities.host}` : ''}${server.length > 1 ? ` (${server.length} times)` : ''}`));
  }
  if (office.length > 0) {
    out.push(signalOf(ctx, heuristicRule('office_child_shell', 'Shell started by an Office or PDF application (malicious document)', 'high',
      ['attack.execution', 'attack.t1204.002'], 'Document application spawning a shell or script host'),
    'office', office.map((h) => h.event.index), roles(office, 'exploited_application'),
    `${baseName(office[0].app)} started ${baseName(office[0].event.entities.process)}${office[0].event.entities.host ? ` on ${office[0].event.entities.host}` : ''}`));
  }
  return out;
}
