import type { EventEntities, LogSource, Outcome } from '../../model';
import { actionMeaning, canonicalWord, outcomeWord } from '../actions';
import { applyAliases, entitiesFromFields } from '../aliases';
import { splitHashes } from '../hashes';
import { isObject, str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';
import { parseDaemonMessage, type ParsedMessage } from './syslog-messages';

/** Keys that mark an object as a generic security event (the API document's shape and its synonyms). */
const GENERIC_KEYS = [
  'source', 'action', 'event_type', 'eventtype', 'src_ip', 'srcip', 'source_ip', 'client_ip', 'dst_ip', 'dstip', 'dest_ip',
  'user', 'username', 'user_name', 'host', 'hostname', 'process', 'process_name', 'command_line', 'cmdline', 'commandline',
  'parent', 'parent_process', 'url', 'domain', 'query', 'file', 'file_path', 'hash', 'sha256', 'md5', 'event', 'activity',
];

export function looksGeneric(raw: RawObject): boolean {
  for (const k of GENERIC_KEYS) if (raw[k] !== undefined) return true;
  return false;
}

export const genericFormat: ObjectFormat = {
  id: 'generic',
  detect: looksGeneric,
  normalize: (raw) => normalizeGeneric(raw),
};

const WINDOWS_EXT_RE = /\.(exe|dll|bat|cmd|ps1|vbs|js|hta|msi|scr|com|cpl|sys|lnk)$/i;

/** `whoami.exe`, `C:\...`, `\\server\share`: a Windows program; `/usr/bin/id`: a Unix one. */
export function productFromPath(path: unknown): 'windows' | 'linux' | undefined {
  if (typeof path !== 'string' || path === '') return undefined;
  if (WINDOWS_EXT_RE.test(path) || path.includes('\\') || /^[A-Za-z]:/.test(path)) return 'windows';
  if (path.startsWith('/')) return 'linux';
  return undefined;
}

const SOURCE_PRODUCTS: Readonly<Record<string, LogSource>> = {
  sshd: { product: 'linux', service: 'sshd' },
  ssh: { product: 'linux', service: 'sshd' },
  sudo: { product: 'linux', service: 'sudo' },
  auditd: { product: 'linux', service: 'auditd' },
  syslog: { product: 'linux', service: 'syslog' },
  linux: { product: 'linux' },
  windows: { product: 'windows' },
  macos: { product: 'macos' },
};

const CATEGORY_BY_ACTION: Readonly<Record<string, string>> = {
  process_create: 'process_creation',
  process_terminate: 'process_termination',
  file_create: 'file_event',
  file_modify: 'file_change',
  file_delete: 'file_delete',
  file_access: 'file_access',
  registry_set: 'registry_set',
  logon: 'authentication',
  logon_failed: 'authentication',
  logoff: 'authentication',
};

function eventWord(raw: RawObject): unknown {
  return raw.action ?? raw.event_type ?? raw.eventtype ?? raw.event ?? raw.activity ?? raw.type;
}

/** Without an action word, the kind of source says what its events are. */
const SOURCE_ACTIONS: Readonly<Record<string, string>> = {
  dns: 'dns_query',
  resolver: 'dns_query',
  ids: 'alert',
  ips: 'alert',
  nids: 'alert',
  av: 'alert',
  antivirus: 'alert',
  edr_alert: 'alert',
  email: 'email',
  mail: 'email',
  vpn: 'logon',
  sso: 'logon',
};

/** Sources whose `message` is an auth daemon's text (sshd, sudo, su) as it appears in auth.log. */
const AUTH_LOG_SOURCES: Readonly<Record<string, readonly string[]>> = {
  auth: ['sshd', 'sudo', 'su', 'useradd', 'usermod', 'cron'],
  'auth.log': ['sshd', 'sudo', 'su', 'useradd', 'usermod', 'cron'],
  secure: ['sshd', 'sudo', 'su', 'useradd', 'usermod'],
  sshd: ['sshd'],
  ssh: ['sshd'],
  sudo: ['sudo'],
};

function daemonMessage(raw: RawObject): { parsed: ParsedMessage; program: string } | undefined {
  const source = typeof raw.source === 'string' ? raw.source.toLowerCase() : undefined;
  const programs = source ? AUTH_LOG_SOURCES[source] : undefined;
  const message = str(raw.message) ?? str(raw.msg);
  if (!programs || !message) return undefined;
  const program = str(raw.program)?.toLowerCase();
  for (const p of program ? [program] : programs) {
    const parsed = parseDaemonMessage(p, message);
    if (parsed) return { parsed, program: p };
  }
  return undefined;
}

const DAEMON_SERVICES: Readonly<Record<string, string>> = { sshd: 'sshd', sudo: 'sudo', su: 'auth', useradd: 'auth', usermod: 'auth', cron: 'cron' };

export function normalizeGeneric(raw: RawObject): NormalizedParts {
  const fields: Record<string, unknown> = { ...raw };
  applyAliases(fields, 'generic');
  const word = eventWord(raw);
  const meaning = actionMeaning(word);
  const daemon = daemonMessage(raw);
  const source = typeof raw.source === 'string' ? raw.source.toLowerCase() : '';
  const action = meaning?.action ?? daemon?.parsed.action ?? (typeof word === 'string' && word !== '' ? canonicalWord(word) : SOURCE_ACTIONS[source]);
  if (daemon) for (const [k, v] of Object.entries(daemon.parsed.fields)) if (v !== '' && fields[k] === undefined) fields[k] = v;
  const logsource = genericLogsource(raw, fields, action);
  if (daemon) {
    logsource.product ??= 'linux';
    logsource.service ??= DAEMON_SERVICES[daemon.program];
  }
  return {
    format: 'generic',
    fields,
    logsource,
    time: timeFrom(raw),
    action,
    outcome: genericOutcome(raw, meaning?.outcome ?? daemon?.parsed.outcome),
    entities: () => {
      const entities = genericEntities(raw, fields, action);
      if (daemon) for (const [k, v] of Object.entries(daemon.parsed.entities)) if (v !== undefined && v !== '') (entities as Record<string, unknown>)[k] ??= v;
      return entities;
    },
    message: str(raw.message) ?? str(raw.msg) ?? str(raw.description),
  };
}

export function genericOutcome(raw: RawObject, fromAction: Outcome | undefined): Outcome {
  const explicit = raw.outcome ?? raw.result ?? raw.status_text ?? raw.success;
  const o = isObject(explicit) ? outcomeWord(explicit.result) : outcomeWord(explicit);
  return o ?? fromAction ?? outcomeWord(raw.status) ?? 'unknown';
}

function genericLogsource(raw: RawObject, fields: Record<string, unknown>, action: string | undefined): LogSource {
  const source = typeof raw.source === 'string' ? raw.source.toLowerCase() : undefined;
  const ls: LogSource = { ...(source ? SOURCE_PRODUCTS[source] : undefined) };
  const hasProcess = fields.Image !== undefined;
  let category = action ? CATEGORY_BY_ACTION[action] : undefined;
  if (!category && hasProcess && (fields.CommandLine !== undefined || fields.ParentImage !== undefined)) category = 'process_creation';
  if (action === 'dns_query') category = hasProcess ? 'dns_query' : 'dns';
  if (action === 'network_connection' && hasProcess) category = 'network_connection';
  if (category) ls.category = category;
  if (!ls.product) {
    const os = str(raw.os ?? raw.platform ?? raw.os_type)?.toLowerCase();
    const product = os?.includes('windows') ? 'windows' : os?.includes('linux') ? 'linux' : productFromPath(fields.Image) ?? productFromPath(fields.ParentImage);
    if (product && (hasProcess || category !== undefined)) ls.product = product;
  }
  return ls;
}

const HASH_KEYS = ['hash', 'hashes', 'sha256', 'sha1', 'md5', 'file_hash', 'Hashes'];

function genericEntities(raw: RawObject, fields: Record<string, unknown>, action: string | undefined): EventEntities {
  const e: EventEntities = {};
  const user = str(fields.User);
  const target = str(fields.TargetUserName);
  if (user) e.user = user;
  if (target) e.targetUser = target;
  else if (user && (action === 'logon' || action === 'logon_failed' || action === 'logoff')) e.targetUser = user;
  const hashes = HASH_KEYS.flatMap((k) => splitHashes(raw[k]));
  if (hashes.length) e.hashes = [...new Set(hashes)];
  const servicePath = str(fields.ImagePath);
  if (servicePath && action === 'service_install') e.file = servicePath;
  const email = str(raw.email ?? raw.sender ?? raw.from);
  if (email && email.includes('@')) e.email = email;
  const domain = str(raw.domain ?? raw.dst_domain ?? raw.hostname_requested);
  if (domain) e.domain = domain;
  entitiesFromFields(fields, e);
  return e;
}
