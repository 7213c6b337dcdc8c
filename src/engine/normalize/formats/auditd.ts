import type { EventEntities, LogSource, Outcome } from '../../model';
import { cleanIp } from '../aliases';
import { str } from '../paths';
import type { LineFormat, NormalizedParts } from '../types';

/**
 * Linux audit records: `type=EXECVE msg=audit(1700000000.123:42): argc=2 a0="cat" a1=2F6574632F706173737764`,
 * also as forwarded by syslog (`audit: type=1400 ...`, `audispd: ...`) and Microsoft's auoms
 * (`type=AUOMS_EXECVE audit(...): ...`). Field names stay as auditd writes them (SigmaHQ auditd rules use
 * `type`, `a0`..`aN`, `exe`, `comm`, `key`, `name`, `nametype`, `SYSCALL`, `euid`, `unit`).
 */
const AUDIT_RE = /(?:^|\s)type=(\S+)\s+(?:msg=)?audit\((\d+(?:\.\d+)?):(\d+)\):\s*/;

export function isAuditLine(line: string): boolean {
  return line.includes('audit(') && AUDIT_RE.test(line);
}

const HEX_RE = /^(?:[0-9A-F]{2})+$/;

/** auditd writes a value as hex when it holds spaces, quotes or control characters; NUL separates proctitle args. */
function decodeHex(v: string): string | undefined {
  if (v.length < 2 || !HEX_RE.test(v)) return undefined;
  let out = '';
  for (let i = 0; i < v.length; i += 2) {
    const c = parseInt(v.slice(i, i + 2), 16);
    out += c === 0 ? ' ' : String.fromCharCode(c);
  }
  return /^[\x20-\x7e\t\r\n]*$/.test(out) ? out.trim() : undefined;
}

/** auoms does not escape quotes inside quoted values (`cmdline="bash -c "x""`): a closing quote ends a field. */
function closingQuote(s: string, q: string, from: number): number {
  for (let end = s.indexOf(q, from); end >= 0; end = s.indexOf(q, end + 1)) {
    const next = s[end + 1];
    if (next === undefined || next === ' ' || next === '\x1d' || next === '\t') return end;
  }
  return -1;
}

const KEY_AHEAD = / +[A-Za-z_][\w-]*=/y;

/** Spaces then `key=` starting at `at`, within 40 characters (matched in place: no slice per space). */
function keyAhead(s: string, at: number): boolean {
  KEY_AHEAD.lastIndex = at;
  return KEY_AHEAD.test(s) && KEY_AHEAD.lastIndex - at <= 40;
}

/** `key=value` pairs; values may be "quoted", 'quoted', [bracketed] or bare (bare may run over spaces until the next key=). */
export function parseKeyValues(s: string, into: Record<string, unknown> = {}): Record<string, unknown> {
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && (s[i] === ' ' || s[i] === '\x1d' || s[i] === '\t')) i++;
    const eq = s.indexOf('=', i);
    if (eq < 0) break;
    const key = s.slice(i, eq).trim();
    let j = eq + 1;
    let value: string;
    const q = s[j];
    if (q === '"' || q === "'") {
      const end = closingQuote(s, q, j + 1);
      value = s.slice(j + 1, end < 0 ? n : end);
      j = end < 0 ? n : end + 1;
    } else if (q === '[') {
      const end = s.indexOf(']', j);
      value = s.slice(j, end < 0 ? n : end + 1);
      j = end < 0 ? n : end + 1;
    } else {
      let end = j;
      while (end < n) {
        const c = s[end];
        if (c === '\x1d') break;
        if (c === ' ' && keyAhead(s, end)) break;
        end++;
      }
      value = s.slice(j, end).trim();
      j = end;
    }
    if (key && /^[A-Za-z_][\w-]*$/.test(key)) {
      if (q === "'" && key === 'msg' && value.includes('=')) parseKeyValues(value, into);
      else if (into[key] === undefined) into[key] = value;
    }
    i = j;
  }
  return into;
}

const USER_ACTIONS: Readonly<Record<string, string>> = {
  USER_LOGIN: 'logon',
  USER_AUTH: 'logon',
  USER_ACCT: 'account_check',
  USER_START: 'session_opened',
  USER_END: 'session_closed',
  USER_LOGOUT: 'logoff',
  CRED_ACQ: 'credential_acquired',
  USER_CMD: 'privilege_use',
  ADD_USER: 'account_created',
  DEL_USER: 'account_deleted',
  ADD_GROUP: 'group_created',
  DEL_GROUP: 'group_deleted',
  USER_CHAUTHTOK: 'password_change',
  USER_MGMT: 'account_changed',
  GRP_MGMT: 'group_changed',
  EXECVE: 'process_create',
  AUOMS_EXECVE: 'process_create',
  AUOMS_SYSCALL: 'syscall',
  SYSCALL: 'syscall',
  PATH: 'file_access',
  CONFIG_CHANGE: 'audit_config_change',
  SERVICE_START: 'service_start',
  SERVICE_STOP: 'service_stop',
  AVC: 'access_denied',
  ANOM_ABEND: 'process_crash',
  ANOM_PROMISCUOUS: 'promiscuous_mode',
};

function auditOutcome(f: Record<string, unknown>): Outcome {
  const res = str(f.res ?? f.success ?? f.result)?.toLowerCase();
  if (!res) return 'unknown';
  if (res === 'success' || res === 'yes' || res === '1') return 'success';
  if (res === 'failed' || res === 'no' || res === '0' || res === 'failure') return 'failure';
  return 'unknown';
}

function execveArgs(f: Record<string, unknown>): string[] {
  const args: string[] = [];
  for (let k = 0; k < 256; k++) {
    const v = f[`a${k}`];
    if (typeof v !== 'string') break;
    args.push(v);
  }
  return args;
}

/** Parses the audit part of `line`; `host` may come from the syslog header around it. */
export function normalizeAuditRecord(line: string, host?: string): NormalizedParts {
  const m = AUDIT_RE.exec(line);
  if (!m) throw new Error('not an audit record');
  const type = m[1];
  const fields: Record<string, unknown> = { type };
  parseKeyValues(line.slice((m.index ?? 0) + m[0].length), fields);
  fields.audit_time = m[2];
  fields.audit_serial = m[3];
  if (fields.SYSCALL === undefined && fields.syscall !== undefined && typeof fields.syscall === 'string' && !/^\d+$/.test(fields.syscall)) fields.SYSCALL = fields.syscall;
  const isExec = type === 'EXECVE' || (type === 'AUOMS_EXECVE');
  if (type === 'EXECVE' || type === 'USER_CMD' || type === 'PROCTITLE') {
    for (const [k, v] of Object.entries(fields)) {
      if ((k === 'proctitle' || k === 'cmd' || /^a\d+$/.test(k)) && typeof v === 'string') {
        const d = decodeHex(v);
        if (d !== undefined) fields[k] = d;
      }
    }
  }
  const e: EventEntities = {};
  const ls: LogSource = { product: 'linux', service: 'auditd' };
  if (type === 'EXECVE') {
    const args = execveArgs(fields);
    if (args.length) {
      fields.CommandLine = args.join(' ');
      fields.Image = args[0];
      e.commandLine = fields.CommandLine as string;
      e.process = args[0];
    }
    ls.category = 'process_creation';
  }
  if (type === 'AUOMS_EXECVE') {
    const cmd = str(fields.cmdline) ?? str(fields.proctitle);
    if (cmd) e.commandLine = cmd;
    // A completed execve is a process creation: give it the Sigma process_creation names.
    if (str(fields.success) === 'yes') {
      ls.category = 'process_creation';
      setIfAbsent(fields, 'Image', str(fields.exe));
      setIfAbsent(fields, 'CommandLine', cmd);
      setIfAbsent(fields, 'User', str(fields.user));
      setIfAbsent(fields, 'ProcessId', str(fields.pid));
      setIfAbsent(fields, 'ParentProcessId', str(fields.ppid));
      setIfAbsent(fields, 'CurrentDirectory', str(fields.cwd));
      const pid = str(fields.pid);
      if (pid) e.processId = pid;
      const ppid = str(fields.ppid);
      if (ppid) e.parentProcessId = ppid;
    }
  }
  const exe = str(fields.exe);
  if (exe && exe !== '?' && !e.process) e.process = exe;
  if (type === 'PROCTITLE' && str(fields.proctitle)) e.commandLine = str(fields.proctitle);
  if (type === 'USER_CMD' && str(fields.cmd)) e.commandLine = str(fields.cmd);
  const acct = str(fields.acct) ?? str(fields.AUID) ?? str(fields.user) ?? str(fields.UID);
  if (acct && acct !== 'unset' && acct !== '?') e.user = acct;
  if (type === 'ADD_USER' || type === 'DEL_USER' || type === 'USER_CHAUTHTOK' || type === 'USER_MGMT') {
    const id = str(fields.id);
    if (acct) e.targetUser = acct;
    else if (id) e.targetUser = id;
  }
  if (type.startsWith('USER_') && (type === 'USER_LOGIN' || type === 'USER_AUTH') && acct) e.targetUser = acct;
  const addr = cleanIp(fields.addr);
  if (addr && addr !== '?') e.srcIp = addr;
  const node = str(fields.node) ?? host;
  if (node) e.host = node;
  const name = str(fields.name);
  if (type === 'PATH' && name) e.file = name;
  const key = str(fields.key);
  let action = USER_ACTIONS[type] ?? (isExec ? 'process_create' : type.toLowerCase());
  const outcome = auditOutcome(fields);
  if (action === 'logon' && outcome === 'failure') action = 'logon_failed';
  return {
    format: 'auditd',
    fields,
    logsource: ls,
    time: Math.round(Number(m[2]) * 1000),
    action,
    outcome,
    entities: e,
    message: `${type}${key && key !== '(null)' ? ` key=${key}` : ''}${e.commandLine ? `: ${e.commandLine}` : ''}`,
  };
}

function setIfAbsent(fields: Record<string, unknown>, key: string, value: string | undefined): void {
  if (value !== undefined && fields[key] === undefined) fields[key] = value;
}

export const auditdLineFormat: LineFormat = {
  id: 'auditd',
  detect: (line) => line.startsWith('type=') && isAuditLine(line),
  normalize: (line) => normalizeAuditRecord(line),
};
