import type { AttackCatalog } from '../attack';
import type { IntelIndex } from '../intel';
import type { CanonicalEvent, Indicator } from '../model';
import { baseName, hostKey, ipValue, userKey } from '../correlate/entities';
import { stageOf } from '../correlate/chains';
import { levelWeight, type EventLookup, type RoleHint, type Signal } from '../correlate/signal';
import { isBenignDomain, isBenignIp } from './benign';
import { isExternalIp, isMeaninglessIp, parseIp } from './ip';
import { PROCESS_ROLE_BY_TACTIC, rolePriority } from './roles';
import { remoteTargets } from './remote-targets';
import { hostOfUrl } from './extract';
import { analyseArtifact } from '../artifact';
import { registeredDomain } from './domains';
import { isDnsQuery, mailForwardTargets, taskCommand } from '../correlate/event-kinds';

export { parseIp, isExternalIp, isInternalIp, isMeaninglessIp } from './ip';
export { extractFromText, hostOfUrl } from './extract';
export { isBenignDomain, isBenignIp } from './benign';
export { ROLE_PRIORITY, rolePriority } from './roles';

export const MAX_INDICATORS = 50;
const SUBDOMAIN_MERGE = 3;
const MAX_EVIDENCE = 50;

interface Candidate {
  type: string;
  key: string;
  displays: Map<string, number>;
  roles: Map<string, number>;
  events: Set<number>;
  weight: number;
}

/** The normalised identity of a value: one indicator per person, address, binary. */
export function indicatorKey(type: string, value: string): string | undefined {
  switch (type) {
    case 'user': return userKey(value);
    case 'ip': return ipValue(value);
    case 'host': return hostKey(value);
    case 'process': return baseName(value);
    default: return value.trim().toLowerCase() || undefined;
  }
}

function display(type: string, value: string): string {
  if (type === 'ip') return ipValue(value) ?? value;
  if (type === 'process') return baseName(value) ?? value;
  return value.trim();
}

/**
 * Indicators a responder would put in a report: every value some signal gives a role, with the
 * events that show it, threat-intel labels, benign infrastructure removed, ordered by importance.
 */
export function buildIndicators(signals: Signal[], lookup: EventLookup, catalog: AttackCatalog, intel?: IntelIndex): Indicator[] {
  const candidates = new Map<string, Candidate>();
  const add = (h: RoleHint, weight: number): void => {
    const key = indicatorKey(h.type, h.value);
    if (!key || !acceptable(h.type, key)) return;
    const id = `${h.type}:${key}`;
    const c = candidates.get(id) ?? { type: h.type, key, displays: new Map(), roles: new Map(), events: new Set<number>(), weight: 0 };
    const shown = display(h.type, h.value);
    c.displays.set(shown, (c.displays.get(shown) ?? 0) + 1);
    c.roles.set(h.role, (c.roles.get(h.role) ?? 0) + weight);
    for (const i of h.eventIndices) if (c.events.size < MAX_EVIDENCE) c.events.add(i);
    c.weight += weight;
    candidates.set(id, c);
  };
  for (const s of signals) {
    const weight = levelWeight(s.rule.level);
    for (const h of s.roles) add(h, weight);
    if (weight >= levelWeight('low')) for (const h of taskPrograms(s, lookup)) add(h, weight);
    // Informational rules describe normal activity: they never make anything an indicator.
    if ((s.kind === 'behaviour' && s.roles.length > 0) || weight < levelWeight('low')) continue;
    for (const h of genericRoles(s, lookup, catalog)) add(h, weight);
  }
  mergeSubdomains(candidates);
  dropOwnDomains(candidates, ownDomains(signals, lookup));
  const indicators = withoutShellCommands([...candidates.values()].map((c) => toIndicator(c, intel)).filter((i) => reportable(i, candidates)));
  indicators.sort((a, b) => rolePriority(a.role) - rolePriority(b.role) || weightOf(candidates, b) - weightOf(candidates, a) || a.value.localeCompare(b.value));
  return indicators.slice(0, MAX_INDICATORS);
}

/**
 * The organisation's own DNS domains, from the Windows computers in the batch (`DC01.corp.example`
 * -> `corp.example`): only Windows events name the local machine as the host (proxies name the
 * remote server there). A command line naming them (`/domain:corp.example`) names the victim.
 */
function ownDomains(signals: Signal[], lookup: EventLookup): Set<string> {
  const out = new Set<string>();
  for (const s of signals) {
    for (const index of s.eventIndices.slice(0, 200)) {
      const e = lookup(index);
      const host = e?.logsource.product === 'windows' ? e.entities.host?.toLowerCase() : undefined;
      const dot = host?.indexOf('.') ?? -1;
      if (host && dot > 0 && !ipOf(host)) out.add(host.slice(dot + 1));
    }
  }
  return out;
}

function dropOwnDomains(candidates: Map<string, Candidate>, own: Set<string>): void {
  if (own.size === 0) return;
  for (const [id, c] of candidates) {
    if (c.type !== 'domain') continue;
    if ([...own].some((d) => c.key === d || c.key.endsWith(`.${d}`))) candidates.delete(id);
  }
}

/** Once a page is known to be a web shell, each command sent to it is evidence on that one indicator, not another. */
function withoutShellCommands(indicators: Indicator[]): Indicator[] {
  const shells = new Set(indicators.filter((i) => i.role === 'webshell').map((i) => i.value.toLowerCase()));
  if (shells.size === 0) return indicators;
  return indicators.filter((i) => i.type !== 'url' || i.role === 'webshell' || !shells.has(i.value.split('?')[0].toLowerCase()));
}

/** Many names under one registered domain (encoded sub-domains, CDN shards) are one indicator: the domain. */
function mergeSubdomains(candidates: Map<string, Candidate>): void {
  const byParent = new Map<string, Candidate[]>();
  for (const c of candidates.values()) {
    if (c.type !== 'domain') continue;
    const parent = registeredDomain(c.key);
    byParent.set(parent, [...(byParent.get(parent) ?? []), c]);
  }
  for (const [parent, group] of byParent) {
    if (group.length < SUBDOMAIN_MERGE) continue;
    const merged: Candidate = { type: 'domain', key: parent, displays: new Map([[parent, 1]]), roles: new Map(), events: new Set(), weight: 0 };
    for (const c of group) {
      candidates.delete(`domain:${c.key}`);
      for (const [role, w] of c.roles) merged.roles.set(role, (merged.roles.get(role) ?? 0) + w);
      for (const e of c.events) if (merged.events.size < MAX_EVIDENCE) merged.events.add(e);
      merged.weight += c.weight;
    }
    const existing = candidates.get(`domain:${parent}`);
    if (existing) {
      for (const [role, w] of existing.roles) merged.roles.set(role, (merged.roles.get(role) ?? 0) + w);
      for (const e of existing.events) if (merged.events.size < MAX_EVIDENCE) merged.events.add(e);
      merged.weight += existing.weight;
    }
    candidates.set(`domain:${parent}`, merged);
  }
}

/** Weak roles (context a rule merely names) must be backed by a medium-or-higher finding; hashes only as malware evidence. */
const WEAK_ROLES = new Set(['suspicious_process', 'suspicious_file', 'affected_host', 'modified_registry', 'source_host', 'suspicious_source']);
const HASH_TYPES = new Set(['md5', 'sha1', 'sha256', 'hash']);

function reportable(i: Indicator, candidates: Map<string, Candidate>): boolean {
  if (/^<.*>$|^-$|^unknown$/i.test(i.value)) return false;
  if (HASH_TYPES.has(i.type) && !['malware', 'payload', 'attack_tool', 'persistence'].includes(i.role)) return false;
  if (!WEAK_ROLES.has(i.role)) return true;
  return weightOf(candidates, i) >= levelWeight('medium') * 2;
}

function weightOf(candidates: Map<string, Candidate>, i: Indicator): number {
  return candidates.get(`${i.type}:${indicatorKey(i.type, i.value)}`)?.weight ?? 0;
}

function acceptable(type: string, key: string): boolean {
  if (type === 'ip') {
    if (isMeaninglessIp(key)) return false;
    if (isBenignIp(key)) return false;
  }
  if (type === 'domain' && isBenignDomain(key)) return false;
  if (type === 'url') {
    const host = hostOfUrl(key);
    if (host && (isBenignDomain(host) || isBenignIp(host))) return false;
  }
  return true;
}

function toIndicator(c: Candidate, intel: IntelIndex | undefined): Indicator {
  const role = [...c.roles.entries()].sort((a, b) => rolePriority(a[0]) - rolePriority(b[0]) || b[1] - a[1])[0][0];
  const value = [...c.displays.entries()].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)[0][0];
  const indicator: Indicator = { type: c.type, value, role, event_indices: [...c.events].sort((a, b) => a - b) };
  const labels = intelLabels(c.type, value, intel);
  if (labels.length > 0) indicator.intel = labels;
  return indicator;
}

export function intelLabels(type: string, value: string, intel: IntelIndex | undefined): string[] {
  if (!intel) return [];
  if (type === 'ip') return intel.lookupIp(value);
  if (type === 'domain') return intel.lookupDomain(value);
  if (type === 'url') {
    const host = hostOfUrl(value);
    return host ? intel.lookup(host) : [];
  }
  if (['md5', 'sha1', 'sha256', 'hash'].includes(type)) return intel.lookupHash(value);
  return [];
}

const POST_EXPLOITATION = new Set(['Execution', 'Persistence', 'Privilege Escalation', 'Stealth', 'Defense Impairment', 'Credential Access', 'Discovery', 'Lateral Movement', 'Collection', 'Command and Control', 'Exfiltration', 'Impact']);
const REMOTE_STAGES = new Set(['Credential Access', 'Lateral Movement', 'Discovery', 'Initial Access']);
const C2_STAGES = new Set(['Command and Control', 'Exfiltration']);
const WRITABLE_DIR = /\\(?:users\\public|temp|tmp|appdata|downloads|programdata\\[^\\]+\.exe|perflogs|windows\\temp)\\/i;
const EXECUTABLE = /\.(?:exe|dll|scr|ps1|bat|cmd|vbs|js|hta|msi|jar|sys)$/i;

/** Roles that follow from where a value sits in an event flagged by a rule of some tactic. */
export function genericRoles(s: Signal, lookup: EventLookup, catalog: AttackCatalog): RoleHint[] {
  const stage = stageOf(s, catalog);
  const weighty = levelWeight(s.rule.level) >= levelWeight('medium');
  const telling = tellingDomains(s, lookup);
  const out: RoleHint[] = [];
  for (const index of s.eventIndices.slice(0, 200)) {
    const e = lookup(index);
    if (!e) continue;
    const at = [index];
    const en = e.entities;
    if (en.srcIp && !isMeaninglessIp(en.srcIp)) {
      // An internal machine talking to command-and-control or exfiltrating is infected, not a mere client.
      // (Only where the address is the host's only name: an event naming the user or host says who it is.)
      const beaconing = weighty && C2_STAGES.has(stage) && isExternalIp(en.dstIp) && !en.user && !en.host;
      out.push({ type: 'ip', value: en.srcIp, role: isExternalIp(en.srcIp) ? 'attacker' : beaconing ? 'compromised_host' : 'source_host', eventIndices: at });
    }
    // The destination of a DNS query is the resolver, not a target.
    if (en.dstIp && !isMeaninglessIp(en.dstIp) && !isDnsQuery(e)) {
      const outbound = isExternalIp(en.dstIp) && !isExternalIp(en.srcIp);
      // A web server answering its web shell runs the attacker's commands: compromised, not merely targeted.
      const answeredShell = !outbound && weighty && stage === 'Persistence' && isInboundRequest(e) && e.outcome !== 'failure';
      const inboundRole = answeredShell ? 'compromised_host' : 'target';
      out.push({ type: 'ip', value: en.dstIp, role: outbound ? (stage === 'Exfiltration' ? 'exfil_destination' : weighty ? 'c2' : 'suspicious_source') : inboundRole, eventIndices: at });
    }
    const failed = e.outcome === 'failure';
    // The account of a failed attempt was targeted, not compromised.
    // Computer accounts (NAME$) act for the machine itself: the host, not the account, is what is compromised.
    if (en.user && userKey(en.user) && weighty && !en.user.endsWith('$')) out.push({ type: 'user', value: en.user, role: failed ? 'targeted_account' : 'compromised_account', eventIndices: at });
    if (en.targetUser && userKey(en.targetUser) && stage === 'Credential Access') out.push({ type: 'user', value: en.targetUser, role: 'targeted_account', eventIndices: at });
    if (en.cloudIdentity && weighty && userKey(en.cloudIdentity) !== userKey(en.user)) out.push({ type: 'cloud_identity', value: en.cloudIdentity, role: failed ? 'targeted_account' : 'compromised_account', eventIndices: at });
    // Proxies and sensors name the remote server as "host": only a local machine can be compromised here.
    const remoteHost = (en.url !== undefined && hostOfUrl(en.url) === en.host?.toLowerCase()) || isExternalIp(en.host);
    // A server logging what a remote client did to it (Kerberos on a DC, SMB on a file server) is the target.
    const actedOnRemotely = en.srcIp !== undefined && !isMeaninglessIp(en.srcIp) && REMOTE_STAGES.has(stage) && e.action !== 'process_create';
    if (en.host && !remoteHost && POST_EXPLOITATION.has(stage) && s.outcome !== 'failure') {
      out.push({ type: 'host', value: en.host, role: actedOnRemotely ? 'target' : weighty ? 'compromised_host' : 'affected_host', eventIndices: at });
    }
    out.push(...processRoles(e, stage, at));
    out.push(...artefactRoles(e, stage, at, s.techniques.some((t) => t === 'T1505' || t === 'T1505.003')).filter((h) => h.type !== 'domain' || !telling || telling.has(registeredDomain(h.value))));
    if (weighty && en.commandLine) out.push(...commandLineRoles(en.commandLine, stage, at));
    // The machine a flagged remote-execution command line names is where the attacker moves next.
    if (weighty && en.commandLine) for (const t of remoteTargets(en.commandLine)) if (hostKey(t.value) !== hostKey(en.host)) out.push({ type: t.type, value: t.value, role: 'target', eventIndices: at });
    // Where a mailbox rule sends the mail is where the data goes.
    for (const address of mailForwardTargets(e)) out.push({ type: 'email', value: address, role: 'exfil_destination', eventIndices: at });
  }
  return out;
}

/**
 * A rule whose hits query many different domains from many different clients flags a property of
 * the lookups (a record type, a header flag), not the domains. Among them only a domain that stands
 * out (many distinct names under it: encoded sub-domains) is telling; undefined = the rule is about
 * one or two domains, and every one it names counts.
 */
function tellingDomains(s: Signal, lookup: EventLookup): Set<string> | undefined {
  const names = new Map<string, Set<string>>();
  const clients = new Set<string>();
  for (const index of s.eventIndices.slice(0, 2000)) {
    const e = lookup(index);
    if (!e?.entities.domain) continue;
    const parent = registeredDomain(e.entities.domain);
    const set = names.get(parent) ?? new Set<string>();
    set.add(e.entities.domain.toLowerCase());
    names.set(parent, set);
    const client = e.entities.srcIp ?? e.entities.host;
    if (client) clients.add(client.toLowerCase());
  }
  if (names.size < 3 || clients.size < 3) return undefined;
  return new Set([...names].filter(([, set]) => set.size >= TELLING_NAMES).map(([parent]) => parent));
}

const TELLING_NAMES = 5;

/** The program a new scheduled task runs is the foothold itself (an OS binary it calls is not). */
function taskPrograms(s: Signal, lookup: EventLookup): RoleHint[] {
  const out: RoleHint[] = [];
  for (const index of s.eventIndices.slice(0, 50)) {
    const e = lookup(index);
    const command = e ? taskCommand(e) : undefined;
    if (!e || !command) continue;
    const program = command.startsWith('"') ? command.slice(1, command.indexOf('"', 1)) : command.split(/\s+/)[0];
    if (!program || isOsBinary(program)) continue;
    out.push({ type: 'file', value: program, role: WRITABLE_DIR.test(program) && EXECUTABLE.test(program) ? 'malware' : 'persistence', eventIndices: [index] });
  }
  return out;
}

/** Binaries that ship with the OS or are everyday admin tools: abused, never "malware" themselves. */
const LIVING_OFF_THE_LAND = /^(?:powershell|pwsh|powershell_ise|cmd|mshta|rundll32|regsvr32|certutil|bitsadmin|wmic|cscript|wscript|msiexec|schtasks|reg|regedit|net|net1|sc|curl|wget|bash|sh|python\d?|installutil|msbuild|regasm|regsvcs|cmstp|forfiles|hh|msdt|odbcconf|pcalua|wmiprvse|svchost|explorer|conhost|taskmgr|psexec|psexesvc|ntdsutil|vssadmin|wevtutil|bcdedit|nltest|dsquery|whoami|systeminfo|ipconfig|netstat|tasklist|quser|query|arp|route|ping|nslookup|at|attrib|icacls|takeown|expand|esentutl|findstr|xcopy|robocopy)\.exe$|^(?:bash|sh|zsh|python\d?|perl|curl|wget|nc|ncat|socat)$/i;

/** An OS binary where the OS keeps it (or named bare); `svchost.exe` in a user-writable folder is masquerading malware. */
function isOsBinary(path: string): boolean {
  if (!LIVING_OFF_THE_LAND.test(baseName(path) ?? '')) return false;
  return !/[\\/]/.test(path) || !WRITABLE_DIR.test(path);
}

/** OS hosts that run work on behalf of a caller (WMI, services, tasks, WinRM, COM): the caller is the indicator, not them. */
const SERVICE_HOSTS = /^(?:wmiprvse|svchost|services|taskhostw|taskeng|wsmprovhost|dllhost|wininit|lsass|smss)\.exe$/i;

function processRoles(e: CanonicalEvent, stage: string, at: number[]): RoleHint[] {
  const image = e.entities.process;
  if (!image) return [];
  if (SERVICE_HOSTS.test(baseName(image) ?? '') && !WRITABLE_DIR.test(image)) return [];
  const name = baseName(image) ?? '';
  let role = WRITABLE_DIR.test(image) && EXECUTABLE.test(image) ? 'malware' : PROCESS_ROLE_BY_TACTIC[stage] ?? 'suspicious_process';
  // OS binaries are the attacker's tools, never their malware or foothold (the account or task they made is).
  if ((role === 'malware' || role === 'persistence') && isOsBinary(image)) role = 'attack_tool';
  const out: RoleHint[] = [{ type: 'process', value: image, role, eventIndices: at }];
  // On a file event the hashes are the written file's (artefactRoles), not the writer's.
  if (e.entities.file) return out;
  for (const h of e.entities.hashes ?? []) out.push({ type: hashType(h), value: h, role: role === 'malware' ? 'malware' : 'suspicious_file', eventIndices: at });
  return out;
}

function artefactRoles(e: CanonicalEvent, stage: string, at: number[], webShell = false): RoleHint[] {
  const en = e.entities;
  const out: RoleHint[] = [];
  const persistence = stage === 'Persistence' || stage === 'Privilege Escalation';
  const dropped = en.file !== undefined && WRITABLE_DIR.test(en.file) && EXECUTABLE.test(en.file);
  if (en.file) {
    const role = persistence ? 'persistence' : dropped ? 'payload' : 'suspicious_file';
    out.push({ type: 'file', value: en.file, role, eventIndices: at });
    for (const h of en.hashes ?? []) out.push({ type: hashType(h), value: h, role: dropped ? 'malware' : role, eventIndices: at });
  }
  if (en.registryKey) out.push({ type: 'registry', value: en.registryKey, role: persistence ? 'persistence' : 'modified_registry', eventIndices: at });
  if (en.service) out.push({ type: 'service', value: en.service, role: serviceRole(e, stage, persistence), eventIndices: at });
  if (en.task) out.push({ type: 'scheduled_task', value: en.task, role: 'persistence', eventIndices: at });
  if (en.domain && !isBenignDomain(en.domain)) out.push({ type: 'domain', value: en.domain, role: stage === 'Exfiltration' ? 'exfil_destination' : 'c2', eventIndices: at });
  if (en.url && isInboundRequest(e)) out.push(...inboundRequestRoles(e, en.url, webShell || stage === 'Persistence', at));
  else if (en.url) out.push({ type: 'url', value: en.url, role: stage === 'Initial Access' ? 'phishing_url' : 'payload_url', eventIndices: at });
  if (en.email && stage === 'Initial Access' && isMailDelivery(e) && !namesTheAccount(en.email, en)) out.push({ type: 'email', value: en.email, role: 'phishing_sender', eventIndices: at });
  return out;
}

/** A service someone installed is their foothold or their remote-execution tool; a service a client asked for (a Kerberos SPN) was targeted. */
function serviceRole(e: CanonicalEvent, stage: string, persistence: boolean): string {
  const installed = e.action === 'service_install' || /service_(?:install|create)/.test(e.action ?? '');
  if (installed) return stage === 'Lateral Movement' || stage === 'Execution' ? 'attack_tool' : 'persistence';
  return persistence ? 'persistence' : 'targeted_service';
}

/** A request a web server logged: the URL is a page of our own site, not a place the attacker hosts. */
function isInboundRequest(e: CanonicalEvent): boolean {
  return e.logsource.category === 'webserver' || e.format === 'web_access' || (e.entities.url?.startsWith('/') ?? false);
}

/**
 * What an attack request to our own site shows: the web shell it calls (the page, without the
 * command), the exploit it sent, and any infrastructure named inside the request. Refused probes
 * (4xx) are noise for a report.
 */
function inboundRequestRoles(e: CanonicalEvent, url: string, webShell: boolean, at: number[]): RoleHint[] {
  const status = Number(e.fields['sc-status'] ?? e.fields.status ?? 0);
  if (status >= 400 && status < 500) return [];
  const page = url.split('?')[0];
  const out: RoleHint[] = [];
  if (webShell && /\.(?:php\d?|phtml|aspx?|ashx|asmx|jspx?|cfm|cgi|pl)$/i.test(page)) out.push({ type: 'url', value: page, role: 'webshell', eventIndices: at });
  else out.push({ type: 'url', value: url, role: 'exploit_url', eventIndices: at });
  let decoded = url;
  try {
    decoded = decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    // keep the raw text
  }
  for (const ind of analyseArtifact(decoded).indicators) {
    if (ind.type === 'url' && /^[a-z]+:\/\//i.test(ind.value)) out.push({ type: 'url', value: ind.value, role: 'payload_url', eventIndices: at });
    else if (ind.type === 'ip' && isExternalIp(ind.value)) out.push({ type: 'ip', value: ind.value, role: 'payload_host', eventIndices: at });
  }
  return out;
}

/** Only a mail event can show who sent a message; a sign-in's e-mail-shaped login is the account, not a sender. */
function isMailDelivery(e: CanonicalEvent): boolean {
  return /mail|smtp|message_(?:received|delivered)/i.test(`${e.action ?? ''} ${e.logsource.category ?? ''} ${e.logsource.service ?? ''} ${e.format}`);
}

function namesTheAccount(email: string, en: CanonicalEvent['entities']): boolean {
  const value = email.toLowerCase();
  return [en.user, en.targetUser, en.cloudIdentity].some((v) => v !== undefined && v.toLowerCase() === value);
}

/** Infrastructure named in a flagged command line, including what an encoded payload decodes to. */
function commandLineRoles(commandLine: string, stage: string, at: number[]): RoleHint[] {
  const out: RoleHint[] = [];
  const c2 = stage === 'Command and Control' || stage === 'Exfiltration';
  for (const ind of analyseArtifact(commandLine).indicators) {
    if (ind.type === 'url') out.push({ type: 'url', value: ind.value, role: c2 ? 'c2' : 'payload_url', eventIndices: at });
    else if (ind.type === 'ip' && isExternalIp(ind.value)) out.push({ type: 'ip', value: ind.value, role: c2 ? 'c2' : 'payload_host', eventIndices: at });
    else if (ind.type === 'domain' && !isBenignDomain(ind.value) && !/\.(?:local|corp|lan|internal)$/.test(ind.value)) out.push({ type: 'domain', value: ind.value, role: c2 ? 'c2' : 'payload_host', eventIndices: at });
  }
  return out;
}

function hashType(h: string): string {
  return h.length === 64 ? 'sha256' : h.length === 40 ? 'sha1' : h.length === 32 ? 'md5' : 'hash';
}

export function ipOf(value: string): string | undefined {
  return parseIp(value)?.value;
}
