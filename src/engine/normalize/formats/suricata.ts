import type { EventEntities, LogSource, Outcome } from '../../model';
import { applyAliases, entitiesFromFields } from '../aliases';
import { splitHashes } from '../hashes';
import { getPath, int, isObject, str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';

/** Suricata EVE JSON (`event_type` alert, dns, http, flow, tls, fileinfo, ...). */
export const suricataFormat: ObjectFormat = {
  id: 'suricata',
  detect: (raw) =>
    typeof raw.event_type === 'string' &&
    (raw.flow_id !== undefined || raw.in_iface !== undefined || (SURICATA_EVENT_TYPES.has(raw.event_type) && raw.dest_ip !== undefined)),
  normalize: (raw) => normalizeSuricata(raw),
};

const SURICATA_ACTIONS: Readonly<Record<string, string>> = {
  alert: 'alert',
  dns: 'dns_query',
  http: 'http_request',
  flow: 'network_connection',
  netflow: 'network_connection',
  tls: 'tls_handshake',
  fileinfo: 'file_transfer',
  ssh: 'ssh_session',
  smb: 'share_access',
  krb5: 'kerberos_request',
  anomaly: 'protocol_anomaly',
  drop: 'network_connection',
};

const SURICATA_EVENT_TYPES: ReadonlySet<string> = new Set([...Object.keys(SURICATA_ACTIONS), 'stats', 'ftp', 'smtp', 'rdp', 'dhcp', 'mqtt', 'quic']);

function suricataOutcome(type: string, f: Record<string, unknown>): Outcome {
  if (type === 'alert') {
    const action = str(getPath(f, 'alert.action'));
    return action === 'blocked' ? 'failure' : action === 'allowed' ? 'success' : 'unknown';
  }
  if (type === 'drop') return 'failure';
  if (type === 'http') {
    const status = int(getPath(f, 'http.status'));
    return status === undefined ? 'unknown' : status < 400 ? 'success' : 'failure';
  }
  if (type === 'dns') {
    const rcode = str(getPath(f, 'dns.rcode'));
    return rcode === undefined ? 'unknown' : rcode === 'NOERROR' ? 'success' : 'failure';
  }
  return 'unknown';
}

function normalizeSuricata(raw: RawObject): NormalizedParts {
  const type = (raw.event_type as string).toLowerCase();
  const fields: Record<string, unknown> = { ...raw };
  applyAliases(fields, 'suricata');
  const ls: LogSource = { product: 'suricata', service: type };
  if (type === 'dns') ls.category = 'dns';
  return {
    format: 'suricata',
    fields,
    logsource: ls,
    time: timeFrom(raw, ['timestamp']),
    action: SURICATA_ACTIONS[type] ?? type,
    outcome: suricataOutcome(type, fields),
    entities: () => suricataEntities(fields),
    message: str(getPath(fields, 'alert.signature')),
  };
}

function suricataEntities(fields: Record<string, unknown>): EventEntities {
  const e: EventEntities = {};
  const host = str(getPath(fields, 'http.hostname')) ?? str(getPath(fields, 'tls.sni'));
  const url = str(getPath(fields, 'http.url'));
  if (host) e.domain = host;
  if (host && url) e.url = url.includes('://') ? url : `http://${host}${url}`;
  if (isObject(fields.fileinfo)) {
    const fi = fields.fileinfo;
    const hashes = ['md5', 'sha1', 'sha256'].flatMap((k) => splitHashes(fi[k]));
    if (hashes.length) e.hashes = hashes;
    const name = str(fi.filename);
    if (name) e.file = name;
  }
  return entitiesFromFields(fields, e);
}
