import type { EventEntities, LogSource, Outcome } from '../../model';
import { applyAliases, entitiesFromFields } from '../aliases';
import { splitHashes } from '../hashes';
import { int, str } from '../paths';
import { timeFrom } from '../time-fields';
import type { LineContext, LineFormat, NormalizedParts, ObjectFormat, RawObject } from '../types';

/** Zeek logs as JSON objects (`_path`, or an exporter's `log`) and as TSV lines under `#fields` headers. */
function zeekPath(raw: RawObject): string | undefined {
  const p = raw._path ?? raw.log ?? raw.zeek_log ?? raw.path;
  if (typeof p === 'string' && p !== '') return p.toLowerCase();
  return undefined;
}

export function isZeek(raw: RawObject): boolean {
  if (typeof raw._path === 'string') return true;
  const source = typeof raw.source === 'string' ? raw.source.toLowerCase() : undefined;
  if ((source === 'zeek' || source === 'bro') && zeekPath(raw)) return true;
  return raw.uid !== undefined && raw['id.orig_h'] !== undefined && raw.ts !== undefined;
}

export const zeekFormat: ObjectFormat = {
  id: 'zeek',
  detect: isZeek,
  normalize: (raw) => normalizeZeek(raw, zeekPath(raw) ?? guessPath(raw)),
};

/** Without a `_path`, the columns tell conn, dns and http apart. */
function guessPath(raw: RawObject): string | undefined {
  if (raw.query !== undefined && raw.qtype_name !== undefined) return 'dns';
  if (raw.method !== undefined && raw.uri !== undefined) return 'http';
  if (raw.conn_state !== undefined) return 'conn';
  return undefined;
}

const ZEEK_ACTIONS: Readonly<Record<string, string>> = {
  conn: 'network_connection',
  dns: 'dns_query',
  http: 'http_request',
  ssl: 'tls_handshake',
  x509: 'certificate_seen',
  files: 'file_transfer',
  pe: 'file_analysis',
  kerberos: 'kerberos_request',
  ntlm: 'ntlm_auth',
  smb_mapping: 'share_access',
  smb_files: 'share_file_access',
  dce_rpc: 'rpc_call',
  rdp: 'remote_desktop',
  ssh: 'ssh_session',
  ftp: 'ftp_command',
  smtp: 'email',
  notice: 'alert',
  weird: 'protocol_anomaly',
  dhcp: 'dhcp_lease',
};

/** Connection states where the responder never answered or refused. */
const FAILED_CONN_STATES = new Set(['S0', 'REJ', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH']);

function zeekOutcome(path: string | undefined, f: Record<string, unknown>): Outcome {
  switch (path) {
    case 'conn': {
      const state = str(f.conn_state);
      if (!state) return 'unknown';
      return FAILED_CONN_STATES.has(state) ? 'failure' : 'success';
    }
    case 'dns': {
      const rcode = str(f.rcode_name);
      if (!rcode) return 'unknown';
      return rcode === 'NOERROR' ? 'success' : 'failure';
    }
    case 'http': {
      const status = int(f.status_code);
      return status === undefined ? 'unknown' : status < 400 ? 'success' : 'failure';
    }
    case 'kerberos':
    case 'ntlm':
    case 'ssh': {
      const ok = f.success ?? f.auth_success;
      if (ok === true || ok === 'T' || ok === 'true') return 'success';
      if (ok === false || ok === 'F' || ok === 'false') return 'failure';
      return 'unknown';
    }
    case 'ssl': {
      const est = f.established;
      return est === true || est === 'T' ? 'success' : est === false || est === 'F' ? 'failure' : 'unknown';
    }
    default:
      return 'unknown';
  }
}

function zeekEntities(path: string | undefined, f: Record<string, unknown>): EventEntities {
  const e: EventEntities = {};
  if (path === 'http') {
    const host = str(f.host);
    const uri = str(f.uri);
    if (host) e.domain = host;
    if (host && uri) e.url = `http://${host}${uri.startsWith('/') ? '' : '/'}${uri}`;
    const user = str(f.username);
    if (user) e.user = user;
  }
  if (path === 'ssl') {
    const sni = str(f.server_name);
    if (sni) e.domain = sni;
  }
  if (path === 'kerberos') {
    const client = str(f.client);
    if (client) e.user = client.replace(/\/.*$/, '');
    const svc = str(f.service);
    if (svc) e.service = svc;
  }
  if (path === 'ntlm' || path === 'rdp' || path === 'ftp') {
    const user = str(f.username) ?? str(f.cookie) ?? str(f.user);
    const domain = str(f.domainname);
    if (user) e.user = domain ? `${domain}\\${user}` : user;
  }
  if (path === 'smtp') {
    const from = str(f.mailfrom);
    if (from) e.email = from.replace(/^<|>$/g, '');
  }
  if (path === 'smb_files') {
    const name = str(f.name);
    const share = str(f.path);
    if (name) e.file = share ? `${share.replace(/\\$/, '')}\\${name}` : name;
  }
  if (path === 'files') {
    const hashes = ['md5', 'sha1', 'sha256'].flatMap((k) => splitHashes(f[k]));
    if (hashes.length) e.hashes = hashes;
    const name = str(f.filename);
    if (name) e.file = name;
  }
  return e;
}

export function normalizeZeek(raw: RawObject, path: string | undefined): NormalizedParts {
  const fields: Record<string, unknown> = { ...raw };
  applyAliases(fields, 'zeek');
  if (path) applyAliases(fields, `zeek:${path}`);
  let action = path ? (ZEEK_ACTIONS[path] ?? path) : 'network_event';
  if (path === 'kerberos') {
    const rt = str(fields.request_type);
    action = rt === 'AS' ? 'kerberos_tgt_request' : rt === 'TGS' ? 'kerberos_service_ticket_request' : action;
  }
  const message = path === 'notice' ? str(fields.msg) ?? str(fields.note) : path === 'weird' ? str(fields.name) : undefined;
  return {
    format: 'zeek',
    fields,
    logsource: zeekLogsource(path),
    time: timeFrom(raw, ['ts', 'timestamp']),
    action,
    outcome: zeekOutcome(path, fields),
    entities: () => entitiesFromFields(fields, zeekEntities(path, fields)),
    message,
  };
}

function zeekLogsource(path: string | undefined): LogSource {
  if (!path) return { product: 'zeek' };
  // SigmaHQ generic DNS rules (`category: dns`) read `query`, `record_type`, `answer`, which Zeek DNS carries.
  return path === 'dns' ? { product: 'zeek', service: 'dns', category: 'dns' } : { product: 'zeek', service: path };
}

/** Zeek's escaped separator, e.g. `#separator \x09`. */
function unescapeSeparator(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export const zeekTsvFormat: LineFormat = {
  id: 'zeek',
  header(line: string, ctx: LineContext): boolean {
    if (line.charCodeAt(0) !== 35 /* # */) return false;
    if (line.startsWith('#separator')) {
      const sep = unescapeSeparator(line.slice('#separator'.length).trim()) || '\t';
      ctx.zeekTsv = { separator: sep, fields: [], unset: '-', empty: '(empty)' };
      return true;
    }
    const tsv = ctx.zeekTsv;
    if (!tsv) return false;
    const [key, ...rest] = line.split(tsv.separator);
    switch (key) {
      case '#fields':
        tsv.fields = rest;
        return true;
      case '#path':
        tsv.path = rest[0];
        return true;
      case '#unset_field':
        tsv.unset = rest[0] ?? '-';
        return true;
      case '#empty_field':
        tsv.empty = rest[0] ?? '(empty)';
        return true;
      case '#set_separator':
      case '#types':
      case '#open':
      case '#close':
        return true;
      default:
        return false;
    }
  },
  detect: (line, ctx) => ctx.zeekTsv !== undefined && ctx.zeekTsv.fields.length > 0 && line.includes(ctx.zeekTsv.separator),
  normalize(line, ctx): NormalizedParts {
    const tsv = ctx.zeekTsv!;
    const values = line.split(tsv.separator);
    const obj: RawObject = {};
    for (let i = 0; i < tsv.fields.length && i < values.length; i++) {
      const v = values[i];
      if (v === tsv.unset) continue;
      obj[tsv.fields[i]] = v === tsv.empty ? '' : v;
    }
    if (tsv.path) obj._path = tsv.path;
    return normalizeZeek(obj, tsv.path?.toLowerCase() ?? guessPath(obj));
  },
};
