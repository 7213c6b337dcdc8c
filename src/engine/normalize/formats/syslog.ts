import type { EventEntities, LogSource } from '../../model';
import { mergeFields } from '../paths';
import { parseIso, parseSyslogTime } from '../time';
import type { LineFormat, NormalizedParts, YearlessTime } from '../types';
import { isAuditLine, normalizeAuditRecord } from './auditd';
import { parseDaemonMessage, SYSLOG_SERVICES } from './syslog-messages';
import { isSysmonXml, normalizeEventXml } from './windows-xml';
import { firewallFormat } from './firewall';
import { isNetfilterMessage, netfilterFields } from './kv';

/** A syslog record after its header is read (from an RFC 3164/5424 line or a collector's object). */
export interface SyslogRecord {
  host?: string;
  program?: string;
  pid?: string;
  message: string;
  time?: number;
  yearless?: YearlessTime;
  facility?: string;
  severity?: string;
  /** Header fields to keep in the field view (timestamp text, priority...). */
  extra?: Record<string, unknown>;
}

const RFC5424_RE = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\])+)(?: (.*))?$/;
const RFC3164_RE = /^(?:<(\d{1,3})>)?([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d+)?)(?: (\S+))? ([^\s:[\]]+)(?:\[(\d+)\])?: ?(.*)$/;
const ISO_HEADER_RE = /^(?:<(\d{1,3})>)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?) (\S+) ([^\s:[\]]+)(?:\[(\d+)\])?: ?(.*)$/;

const FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'];
const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

function priority(pri: string | undefined): { facility?: string; severity?: string } {
  if (pri === undefined) return {};
  const n = Number(pri);
  return { facility: FACILITIES[n >> 3], severity: SEVERITIES[n & 7] };
}

function nil(v: string | undefined): string | undefined {
  return v === undefined || v === '-' || v === '' ? undefined : v;
}

export function parseSyslogLine(line: string): SyslogRecord | undefined {
  let m = RFC5424_RE.exec(line);
  if (m) {
    return {
      ...priority(m[1]),
      time: parseIso(m[2]),
      host: nil(m[3]),
      program: nil(m[4]),
      pid: nil(m[5]),
      message: (m[8] ?? '').replace(/^\uFEFF/, ''),
      extra: { timestamp: m[2], msgid: nil(m[6]), structured_data: nil(m[7]) },
    };
  }
  m = ISO_HEADER_RE.exec(line);
  if (m) return { ...priority(m[1]), time: parseIso(m[2]), host: m[3], program: m[4], pid: m[5], message: m[6], extra: { timestamp: m[2] } };
  m = RFC3164_RE.exec(line);
  if (m) {
    return { ...priority(m[1]), yearless: parseSyslogTime(m[2].replace(/ {2}/, ' ')), host: m[3], program: m[4], pid: m[5], message: m[6], extra: { timestamp: m[2] } };
  }
  return undefined;
}

function dropEmpty<T extends object>(o: T): T {
  for (const [k, v] of Object.entries(o)) if (v === undefined || v === '') delete (o as Record<string, unknown>)[k];
  return o;
}

/** Turns a syslog record into an event: audit records and Sysmon-for-Linux XML inside it get their own formats. */
export function normalizeSyslogRecord(rec: SyslogRecord, base: Record<string, unknown> = {}): NormalizedParts {
  const program = rec.program?.toLowerCase();
  if (isAuditLine(rec.message)) {
    const parts = normalizeAuditRecord(rec.message, rec.host);
    parts.fields = mergeFields(base, headerFields(rec), parts.fields);
    return parts;
  }
  if (isSysmonXml(rec.message)) {
    const parts = normalizeEventXml(rec.message);
    parts.fields = mergeFields(base, parts.fields);
    if (parts.time === undefined) parts.time = rec.time;
    return parts;
  }
  if (isNetfilterMessage(rec.message)) {
    const parts = firewallFormat.normalize(mergeFields(base, headerFields(rec), netfilterFields(rec.message), { source: 'netfilter' }));
    parts.logsource = { product: 'linux', category: 'firewall' };
    parts.time = rec.time;
    parts.yearless = rec.time === undefined ? rec.yearless : undefined;
    const inner = parts.entities;
    parts.entities = () => ({ ...(typeof inner === 'function' ? inner() : inner), ...(rec.host ? { host: rec.host } : {}) });
    parts.message = rec.message;
    return parts;
  }
  const fields: Record<string, unknown> = mergeFields(base, headerFields(rec));
  const entities: EventEntities = {};
  // The daemon that wrote the line (sshd, sudo...) is the reporter, not an actor: it stays in `fields.program`.
  if (rec.host) entities.host = rec.host;
  const parsed = program ? parseDaemonMessage(program, rec.message) : undefined;
  if (parsed) {
    for (const [k, v] of Object.entries(parsed.fields)) if (v !== '' && fields[k] === undefined) fields[k] = v;
    Object.assign(entities, dropEmpty(parsed.entities));
  }
  const service = program ? (SYSLOG_SERVICES[program] ?? (program.startsWith('cron') ? 'cron' : 'syslog')) : 'syslog';
  const ls: LogSource = { product: 'linux', service };
  return {
    format: 'syslog',
    fields,
    logsource: ls,
    time: rec.time,
    yearless: rec.time === undefined ? rec.yearless : undefined,
    action: parsed?.action,
    outcome: parsed?.outcome ?? 'unknown',
    entities,
    message: rec.message,
  };
}

/**
 * The header's fields: `extra` then the parsed parts (a parsed part replaces an extra field of its name),
 * empty ones left out. Built by assignment: an object spread followed by deletes was a fifth of a
 * plain-syslog hunt (V8's spread, then dictionary-mode objects).
 */
function headerFields(rec: SyslogRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (rec.extra) for (const [k, v] of Object.entries(rec.extra)) if (v !== undefined && v !== '') out[k] = v;
  setOrDrop(out, 'host', rec.host);
  setOrDrop(out, 'hostname', rec.host);
  setOrDrop(out, 'program', rec.program);
  setOrDrop(out, 'pid', rec.pid);
  setOrDrop(out, 'facility', rec.facility);
  setOrDrop(out, 'severity', rec.severity);
  setOrDrop(out, 'message', rec.message);
  return out;
}

function setOrDrop(out: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== '') out[key] = value;
  else if (key in out) delete out[key];
}

export const syslogLineFormat: LineFormat = {
  id: 'syslog',
  detect: (line) => {
    const c = line.charCodeAt(0);
    // `<`, a capital month letter or a digit (ISO date) open every syslog header.
    return c === 60 || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  },
  normalize: (line) => {
    const rec = parseSyslogLine(line);
    return rec ? normalizeSyslogRecord(rec) : undefined;
  },
};
