import { isObject, str } from '../paths';
import { parseIso, parseTimestamp } from '../time';
import type { LineFormat, NormalizedParts, RawObject } from '../types';
import { parseKeyValues } from './auditd';
import { firewallFormat } from './firewall';

/**
 * Appliance formats written as lines of key=value pairs: CEF and LEEF (often behind a syslog header) and plain
 * key=value logs (FortiGate, many firewalls and proxies). The pairs become an object with generic names added
 * (`src_ip`, `dst_ip`, `dst_port`, `action`, `user`, `url`, ...), which the object formats then read
 * (firewall, proxy or generic), so a CEF firewall record ends up as format `firewall`.
 */
export type ObjectNormalizer = (raw: RawObject) => NormalizedParts;

/** Set by the registry: the object pipeline the parsed pairs go through. */
let objectPipeline: ObjectNormalizer = (raw) => firewallFormat.normalize(raw);
export function setKvObjectPipeline(fn: ObjectNormalizer): void {
  objectPipeline = fn;
}

const CEF_KEYS: Readonly<Record<string, string>> = {
  src: 'src_ip', dst: 'dst_ip', spt: 'src_port', dpt: 'dst_port', act: 'action', suser: 'user', duser: 'target_user',
  shost: 'src_host', dhost: 'dst_host', dvchost: 'host', request: 'url', requestMethod: 'method',
  requestClientApplication: 'user_agent', fname: 'file', filePath: 'file_path', fileHash: 'hash', sproc: 'process',
  msg: 'message', rt: 'timestamp', app: 'application', proto: 'protocol', outcome: 'outcome', cat: 'category_name',
};
const LEEF_KEYS: Readonly<Record<string, string>> = {
  src: 'src_ip', dst: 'dst_ip', srcPort: 'src_port', dstPort: 'dst_port', usrName: 'user', proto: 'protocol',
  devTime: 'timestamp', action: 'action', url: 'url', identHostName: 'host', sev: 'severity',
};

const FIREWALL_WORDS = /firewall|traffic|pan-os|fortigate|fortios|asa|netscreen|srx|check ?point|pfsense|iptables|sonicwall|vpc flow/i;
const PROXY_WORDS = /proxy|bluecoat|proxysg|zscaler|squid|web gateway|websense|netskope/i;

/** `|` separated header fields, honouring `\|` escapes. */
function splitHeader(s: string, count: number): { parts: string[]; rest: string } {
  const parts: string[] = [];
  let cur = '';
  let i = 0;
  for (; i < s.length && parts.length < count; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
    } else if (c === '|') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  return { parts, rest: s.slice(i) };
}

function renameInto(pairs: Record<string, unknown>, names: Readonly<Record<string, string>>, into: RawObject): void {
  for (const [k, v] of Object.entries(pairs)) {
    into[k] = typeof v === 'string' ? v.replace(/\\([=\\])/g, '$1') : v;
    const generic = names[k];
    if (generic && into[generic] === undefined) into[generic] = into[k];
  }
}

function sourceHint(vendorProduct: string, name: string): string | undefined {
  if (PROXY_WORDS.test(vendorProduct)) return 'proxy';
  if (FIREWALL_WORDS.test(vendorProduct) || FIREWALL_WORDS.test(name)) return 'firewall';
  return undefined;
}

const CEF_TIME_RE = /^([A-Z][a-z]{2}) (\d{1,2}) (\d{4}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?: (\S+))?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** CEF `rt`: epoch ms, or `MMM dd yyyy HH:mm:ss[ zone]` (zone-less read as UTC, the CEF default). */
function cefTime(v: unknown): number | undefined {
  const direct = parseTimestamp(v);
  if (direct !== undefined) return direct;
  const m = typeof v === 'string' ? CEF_TIME_RE.exec(v) : null;
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]) + 1;
  if (month === 0) return undefined;
  const zone = m[5] && /^[+-]\d{2}:?\d{2}$|^Z$|^UTC$|^GMT$/.test(m[5]) ? m[5] : '';
  return parseIso(`${m[3]}-${String(month).padStart(2, '0')}-${m[2].padStart(2, '0')}T${m[4]}${zone}`);
}

function withTime(parts: NormalizedParts, time: number | undefined): NormalizedParts {
  if (parts.time === undefined && time !== undefined) parts.time = time;
  return parts;
}

function parseCef(line: string): NormalizedParts | undefined {
  const at = line.indexOf('CEF:');
  const { parts, rest } = splitHeader(line.slice(at + 4), 7);
  if (parts.length < 7) return undefined;
  const obj: RawObject = {
    cef_version: parts[0], cef_vendor: parts[1], cef_product: parts[2], cef_device_version: parts[3],
    cef_signature_id: parts[4], cef_name: parts[5], cef_severity: parts[6],
  };
  renameInto(parseKeyValues(rest), CEF_KEYS, obj);
  obj.message ??= parts[5];
  obj.source ??= sourceHint(`${parts[1]} ${parts[2]}`, parts[5]);
  if (obj.source === undefined) delete obj.source;
  if (at > 0) obj.syslog_header = line.slice(0, at).trim();
  return withTime(objectPipeline(obj), cefTime(obj.rt));
}

function parseLeef(line: string): NormalizedParts | undefined {
  const at = line.indexOf('LEEF:');
  const head = splitHeader(line.slice(at + 5), 5);
  if (head.parts.length < 5) return undefined;
  let rest = head.rest;
  let delimiter = '\t';
  if (head.parts[0].startsWith('2')) {
    const d = splitHeader(rest, 1);
    if (d.parts.length === 1 && d.parts[0] !== '') {
      delimiter = d.parts[0].startsWith('x') || d.parts[0].startsWith('0x') ? String.fromCharCode(parseInt(d.parts[0].replace(/^0?x/, ''), 16)) : d.parts[0];
      rest = d.rest;
    }
  }
  const pairs: Record<string, unknown> = {};
  for (const pair of rest.split(delimiter)) {
    const eq = pair.indexOf('=');
    if (eq > 0) pairs[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  const obj: RawObject = { leef_version: head.parts[0], leef_vendor: head.parts[1], leef_product: head.parts[2], leef_device_version: head.parts[3], leef_event_id: head.parts[4] };
  renameInto(pairs, LEEF_KEYS, obj);
  const hint = sourceHint(`${head.parts[1]} ${head.parts[2]}`, head.parts[4]);
  if (hint) obj.source ??= hint;
  return objectPipeline(obj);
}

export const cefLineFormat: LineFormat = {
  id: 'cef',
  detect: (line) => line.includes('CEF:') || line.includes('LEEF:'),
  normalize: (line) => (line.includes('CEF:') ? parseCef(line) : parseLeef(line)),
};

const KV_PAIR_RE = /(?:^|\s)[A-Za-z_][\w.-]*=/g;

/** Plain key=value lines: at least four pairs, one naming an address. */
export const kvLineFormat: LineFormat = {
  id: 'kv',
  detect: (line) => {
    const n = line.match(KV_PAIR_RE)?.length ?? 0;
    return n >= 4 && /(?:^|\s)(?:src|srcip|src_ip|dst|dstip|dst_ip|srcaddr|dstaddr|source_ip|client_ip)=/i.test(line);
  },
  normalize: (line) => {
    const pairs = parseKeyValues(line.replace(/^<\d{1,3}>/, ''));
    const obj: RawObject = { ...pairs };
    const date = str(obj.date);
    const clock = str(obj.time);
    if (obj.timestamp === undefined && date && clock && /^\d{4}-\d{2}-\d{2}$/.test(date)) {
      const tz = str(obj.tz);
      obj.timestamp = `${date}T${clock}${tz && /^[+-]\d{4}$/.test(tz) ? tz : ''}`;
    }
    if (obj.timestamp === undefined && obj.eventtime !== undefined) obj.timestamp = obj.eventtime;
    if (obj.type === 'traffic' || obj.type === 'utm') obj.source ??= 'firewall';
    if (!isObject(obj)) return undefined;
    return objectPipeline(obj);
  },
};

const IPTABLES_ACTION_RE = /\[([^\]]*?)(BLOCK|DROP|REJECT|DENY|ALLOW|ACCEPT|AUDIT)[^\]]*\]/i;

/** Netfilter log lines (`[UFW BLOCK] IN=eth0 OUT= SRC=... DST=... PROTO=TCP SPT=... DPT=...`) inside kernel syslog. */
export function isNetfilterMessage(message: string): boolean {
  return message.includes(' SRC=') && message.includes(' DST=') && message.includes('PROTO=');
}

export function netfilterFields(message: string): RawObject {
  const pairs = parseKeyValues(message.slice(message.indexOf('IN=')));
  const obj: RawObject = { ...pairs };
  obj.src_ip = pairs.SRC;
  obj.dst_ip = pairs.DST;
  if (pairs.SPT !== undefined) obj.src_port = Number(pairs.SPT);
  if (pairs.DPT !== undefined) obj.dst_port = Number(pairs.DPT);
  if (typeof pairs.PROTO === 'string') obj.protocol = pairs.PROTO.toLowerCase();
  const m = IPTABLES_ACTION_RE.exec(message);
  obj.action = m ? m[2].toLowerCase() : 'log';
  return obj;
}
