import type { EventEntities, LogSource } from '../../model';
import { actionMeaning, canonicalWord, outcomeWord } from '../actions';
import { applyAliases, entitiesFromFields } from '../aliases';
import { splitHashes } from '../hashes';
import { getPath, isObject, str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';
import { parseDaemonMessage, SYSLOG_SERVICES } from './syslog-messages';

/** Elastic Common Schema documents (Elastic Agent, Beats, Logstash), nested or with dotted keys. */
export function isEcs(raw: RawObject): boolean {
  if (isObject(raw.ecs) || raw['ecs.version'] !== undefined) return true;
  if (raw['event.category'] !== undefined || raw['event.action'] !== undefined) return true;
  const ev = raw.event;
  if (isObject(ev) && (ev.category !== undefined || ev.kind !== undefined || ev.dataset !== undefined || ev.module !== undefined)) return true;
  return raw['@timestamp'] !== undefined && (isObject(raw.process) || isObject(raw.source) || isObject(raw.destination) || isObject(raw.host));
}

export const ecsFormat: ObjectFormat = {
  id: 'ecs',
  detect: isEcs,
  normalize: (raw) => normalizeEcs(raw),
};

function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase());
  return typeof v === 'string' ? [v.toLowerCase()] : [];
}

function product(raw: RawObject, fields: Record<string, unknown>): string | undefined {
  const os = (str(getPath(raw, 'host.os.family')) ?? str(getPath(raw, 'host.os.type')) ?? str(getPath(raw, 'host.os.platform')) ?? '').toLowerCase();
  if (os.includes('windows')) return 'windows';
  if (os.includes('linux') || ['debian', 'ubuntu', 'redhat', 'rhel', 'centos', 'suse', 'arch'].includes(os)) return 'linux';
  if (os.includes('mac') || os === 'darwin') return 'macos';
  const image = str(fields.Image);
  if (image && (image.includes('\\') || /\.exe$/i.test(image))) return 'windows';
  if (image?.startsWith('/')) return 'linux';
  return undefined;
}

function category(categories: string[], types: string[], hasProcess: boolean, raw: RawObject): string | undefined {
  const has = (c: string) => categories.includes(c);
  const type = (t: string) => types.includes(t);
  if (has('process')) return type('end') ? 'process_termination' : type('start') || types.length === 0 ? 'process_creation' : undefined;
  if (has('registry')) return type('change') || type('creation') ? 'registry_set' : type('deletion') ? 'registry_delete' : 'registry_event';
  if (has('file')) return type('deletion') ? 'file_delete' : type('change') ? 'file_change' : type('access') ? 'file_access' : 'file_event';
  if (has('driver')) return 'driver_load';
  if (has('library')) return 'image_load';
  if (has('authentication') || has('session')) return 'authentication';
  if (has('web')) return 'webserver';
  if (has('network')) {
    if (getPath(raw, 'dns.question.name') !== undefined) return hasProcess ? 'dns_query' : 'dns';
    if (hasProcess) return 'network_connection';
    const dataset = `${str(getPath(raw, 'event.dataset')) ?? ''} ${str(getPath(raw, 'event.module')) ?? ''}`.toLowerCase();
    if (/firewall|panw|fortinet|cisco|checkpoint|pfsense|iptables/.test(dataset)) return 'firewall';
  }
  return undefined;
}

const TYPE_ACTIONS: Readonly<Record<string, string>> = {
  'process:start': 'process_create',
  'process:end': 'process_terminate',
  'file:creation': 'file_create',
  'file:deletion': 'file_delete',
  'file:change': 'file_modify',
  'registry:change': 'registry_set',
  'network:connection': 'network_connection',
  'network:start': 'network_connection',
  'network:protocol': 'network_connection',
  'authentication:start': 'logon',
  'authentication:info': 'logon',
  'iam:creation': 'account_created',
  'iam:group': 'group_member_added',
  'web:access': 'http_request',
  'intrusion_detection:info': 'alert',
  'malware:info': 'alert',
};

function normalizeEcs(raw: RawObject): NormalizedParts {
  const fields: Record<string, unknown> = { ...raw };
  applyAliases(fields, 'ecs');
  const categories = list(getPath(raw, 'event.category'));
  const types = list(getPath(raw, 'event.type'));
  const hasProcess = fields.Image !== undefined;
  const outcome = outcomeWord(getPath(raw, 'event.outcome')) ?? 'unknown';
  const declared = str(getPath(raw, 'event.action'));
  let action = actionMeaning(declared)?.action;
  if (!action) {
    for (const c of categories) {
      action = types.map((t) => TYPE_ACTIONS[`${c}:${t}`]).find((a) => a !== undefined);
      if (action) break;
    }
  }
  if (!action && declared) action = canonicalWord(declared);
  if (action === 'logon' && outcome === 'failure') action = 'logon_failed';
  const ls: LogSource = {};
  const daemon = daemonMessage(raw);
  if (daemon) {
    for (const [k, v] of Object.entries(daemon.parsed.fields)) if (v !== '' && fields[k] === undefined) fields[k] = v;
    action ??= daemon.parsed.action;
    ls.service = daemon.service;
    ls.product ??= 'linux';
  }
  const p = product(raw, fields);
  if (p) ls.product = p;
  const cat = category(categories, types, hasProcess, raw);
  if (cat) ls.category = cat;
  return {
    format: 'ecs',
    fields,
    logsource: ls,
    time: timeFrom(raw, ['@timestamp', 'event.created', 'event.ingested']),
    action,
    outcome: outcome === 'unknown' && daemon ? daemon.parsed.outcome : outcome,
    entities: () => {
      const e = ecsEntities(raw, fields, action);
      if (!daemon) return e;
      // process.name is the daemon that logged the line (sshd, sudo), not an actor.
      delete e.process;
      delete e.processId;
      return { ...daemonEntities(daemon.parsed.entities), ...e };
    },
    message: str(raw.message),
  };
}

/** Filebeat's system/auth module keeps the daemon's text in `message`: read it like an auth.log line. */
function daemonMessage(raw: RawObject): { parsed: NonNullable<ReturnType<typeof parseDaemonMessage>>; service: string } | undefined {
  const program = str(getPath(raw, 'process.name'))?.toLowerCase();
  const message = str(raw.message);
  if (!program || !message || !SYSLOG_SERVICES[program]) return undefined;
  const parsed = parseDaemonMessage(program, message);
  return parsed ? { parsed, service: SYSLOG_SERVICES[program] } : undefined;
}

function daemonEntities(e: EventEntities): EventEntities {
  const out: EventEntities = {};
  for (const [k, v] of Object.entries(e)) if (v !== undefined && v !== '') (out as Record<string, unknown>)[k] = v;
  return out;
}

function ecsEntities(raw: RawObject, fields: Record<string, unknown>, action: string | undefined): EventEntities {
  const e: EventEntities = {};
  const user = str(fields.User);
  if (user) e.user = user;
  const target = str(fields.TargetUserName);
  if (target) e.targetUser = target;
  else if (user && (action === 'logon' || action === 'logon_failed')) e.targetUser = user;
  const hashes = ['process.hash', 'file.hash'].flatMap((h) => ['md5', 'sha1', 'sha256'].flatMap((k) => splitHashes(getPath(raw, `${h}.${k}`))));
  if (hashes.length) e.hashes = [...new Set(hashes)];
  const domain = str(fields.QueryName) ?? str(getPath(raw, 'url.domain')) ?? str(fields.DestinationHostname);
  if (domain) e.domain = domain;
  const email = str(getPath(raw, 'user.email')) ?? str(getPath(raw, 'email.from.address'));
  if (email) e.email = email;
  return entitiesFromFields(fields, e);
}
