import { str } from '../paths';
import { timeFrom } from '../time-fields';
import type { ObjectFormat, RawObject } from '../types';
import { normalizeSyslogRecord, parseSyslogLine, type SyslogRecord } from './syslog';

/**
 * Syslog messages already split by a collector (rsyslog JSON, Graylog, Azure Syslog table, SIEM exports),
 * or by the systemd journal (`journalctl -o json`: MESSAGE, SYSLOG_IDENTIFIER, _PID, _HOSTNAME,
 * __REALTIME_TIMESTAMP in microseconds): a message plus a program name or facility. The message is read
 * like a syslog line's body.
 */
const PROGRAM_KEYS = ['ProcessName', 'program', 'programname', 'appname', 'app_name', 'ident', 'syslog_program', 'SyslogTag', 'syslogtag', 'process', 'SYSLOG_IDENTIFIER', '_COMM'];
const HOST_KEYS = ['Computer', 'host', 'hostname', 'HostName', 'logsource', 'source_host', '_HOSTNAME'];
/** Journal fields only journald writes (the double underscore ones are its own bookkeeping). */
const JOURNAL_KEYS = ['__REALTIME_TIMESTAMP', '__CURSOR', 'SYSLOG_IDENTIFIER', '_SYSTEMD_UNIT', '_TRANSPORT'];
const SYSLOG_SOURCES = new Set(['linux', 'syslog', 'rsyslog', 'syslog-ng', 'journald', 'auth.log', 'authlog', 'secure']);

function firstString(raw: RawObject, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = str(raw[k]);
    if (v) return v;
  }
  return undefined;
}

function messageOf(raw: RawObject): string | undefined {
  return str(raw.message) ?? str(raw.SyslogMessage) ?? str(raw.msg) ?? str(raw.MESSAGE);
}

function isJournalRecord(raw: RawObject): boolean {
  return typeof raw.MESSAGE === 'string' && JOURNAL_KEYS.some((k) => raw[k] !== undefined);
}

const SYSLOG_HEAD_RE = /^(?:<\d{1,3}>|[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} |\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\S* \S+ [^\s:[\]]+(?:\[\d+\])?: )/;

export function isSyslogObject(raw: RawObject): boolean {
  if (raw.EventID !== undefined) return false;
  const message = messageOf(raw);
  if (!message) return false;
  const source = typeof raw.source === 'string' ? raw.source.toLowerCase() : undefined;
  if (source && SYSLOG_SOURCES.has(source)) return true;
  if (isJournalRecord(raw)) return true;
  if (raw.action !== undefined) return false;
  // A shipper (Logstash, Graylog, Fluentd) that kept the whole syslog line in `message`.
  if (SYSLOG_HEAD_RE.test(message) && parseSyslogLine(message) !== undefined) return true;
  return firstString(raw, PROGRAM_KEYS) !== undefined && (raw.Facility !== undefined || raw.facility !== undefined || raw.severity !== undefined || raw.SeverityLevel !== undefined || raw.pid !== undefined || raw.programname !== undefined || raw.ProcessName !== undefined);
}

/** When the journal received the entry, then when the source says it happened (both microseconds since the epoch). */
const JOURNAL_TIME_KEYS = ['__REALTIME_TIMESTAMP', '_SOURCE_REALTIME_TIMESTAMP'];

export const syslogObjectFormat: ObjectFormat = {
  id: 'syslog',
  detect: isSyslogObject,
  normalize: (raw) => {
    const message = messageOf(raw) as string;
    const inner = parseSyslogLine(message);
    const program = firstString(raw, PROGRAM_KEYS)?.replace(/\[\d+\]:?$|:$/, '');
    const rec: SyslogRecord = inner ?? { message };
    rec.program = rec.program ?? program;
    rec.host = rec.host ?? firstString(raw, HOST_KEYS);
    rec.pid = rec.pid ?? str(raw.pid ?? raw.ProcessID ?? raw.SYSLOG_PID ?? raw._PID);
    rec.facility = rec.facility ?? str(raw.Facility ?? raw.facility ?? raw.SYSLOG_FACILITY);
    rec.severity = rec.severity ?? str(raw.SeverityLevel ?? raw.severity ?? raw.PRIORITY);
    // The line's own full timestamp is the event time; a collector's stamp dates lines that carry no year.
    if (rec.time === undefined) rec.time = timeFrom(raw, JOURNAL_TIME_KEYS);
    return normalizeSyslogRecord(rec, { ...raw });
  },
};
