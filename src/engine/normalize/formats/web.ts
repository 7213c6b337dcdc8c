import type { EventEntities } from '../../model';
import { cleanIp } from '../aliases';
import { int, str } from '../paths';
import { parseApache, parseIso } from '../time';
import { timeFrom } from '../time-fields';
import type { LineContext, LineFormat, NormalizedParts, ObjectFormat, RawObject } from '../types';

/**
 * Web server access logs: Apache/Nginx combined and common lines (optionally vhost-prefixed), IIS W3C lines under
 * a `#Fields:` header, and JSON access-log objects. All become `category: webserver` with SigmaHQ web field names:
 * `c-ip`, `cs-username`, `cs-method`, `cs-uri` (path and query), `cs-uri-stem`, `cs-uri-query` (without `?`),
 * `c-uri` (= cs-uri), `cs-version`, `sc-status`, `sc-bytes`, `cs-referer`, `cs-user-agent`/`c-useragent`, `cs-host`.
 */
const COMBINED_RE = /^(?:(\S+:\d+) )?(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/;

function dash(v: string | undefined): string | undefined {
  return v === undefined || v === '-' || v === '' ? undefined : v;
}

/** Splits `GET /a/b.php?x=1 HTTP/1.1` into method, stem, query, version. */
function requestFields(request: string, fields: Record<string, unknown>): void {
  const parts = request.split(' ');
  if (parts.length < 2 || !/^[A-Z]+$/.test(parts[0])) {
    fields['cs-request'] = request;
    return;
  }
  fields['cs-method'] = parts[0];
  const uri = parts.slice(1, parts.length > 2 ? -1 : undefined).join(' ');
  if (parts.length > 2) fields['cs-version'] = parts[parts.length - 1];
  setUri(uri, fields);
}

function setUri(uri: string, fields: Record<string, unknown>): void {
  const q = uri.indexOf('?');
  fields['cs-uri'] = uri;
  fields['c-uri'] = uri;
  fields['cs-uri-stem'] = q < 0 ? uri : uri.slice(0, q);
  if (q >= 0) fields['cs-uri-query'] = uri.slice(q + 1);
  const stem = fields['cs-uri-stem'] as string;
  const dot = stem.lastIndexOf('.');
  if (dot > stem.lastIndexOf('/')) fields['c-uri-extension'] = stem.slice(dot + 1).toLowerCase();
}

export function webParts(fields: Record<string, unknown>, time: number | undefined): NormalizedParts {
  const status = int(fields['sc-status']);
  const e: EventEntities = {};
  const ip = cleanIp(fields['c-ip']);
  if (ip) e.srcIp = ip;
  const server = cleanIp(fields['s-ip']);
  if (server) e.dstIp = server;
  const port = int(fields['s-port']);
  if (port) e.dstPort = port;
  const user = dash(str(fields['cs-username']));
  if (user) e.user = user;
  const host = dash(str(fields['cs-host']));
  if (host) e.host = host;
  const uri = str(fields['cs-uri']);
  if (uri) e.url = host && uri.startsWith('/') ? `http://${host}${uri}` : uri;
  const method = str(fields['cs-method']);
  return {
    format: 'web_access',
    fields,
    logsource: { category: 'webserver' },
    time,
    action: 'http_request',
    outcome: status === undefined ? 'unknown' : status < 400 ? 'success' : 'failure',
    entities: e,
    message: method && uri ? `${method} ${uri} ${status ?? '-'}` : undefined,
  };
}

export function parseCombined(line: string): NormalizedParts | undefined {
  const m = COMBINED_RE.exec(line);
  if (!m) return undefined;
  const fields: Record<string, unknown> = { 'c-ip': m[2] };
  if (m[1]) fields['cs-host'] = m[1].replace(/:\d+$/, '');
  if (dash(m[4])) fields['cs-username'] = m[4];
  fields.timestamp = m[5];
  requestFields(m[6].replace(/\\"/g, '"'), fields);
  if (m[7] !== '-') fields['sc-status'] = Number(m[7]);
  if (m[8] !== '-') fields['sc-bytes'] = Number(m[8]);
  const referer = dash(m[9]);
  if (referer) fields['cs-referer'] = referer;
  const ua = dash(m[10]);
  if (ua) {
    fields['cs-user-agent'] = ua;
    fields['c-useragent'] = ua;
  }
  return webParts(fields, parseApache(m[5]));
}

export const accessLogLineFormat: LineFormat = {
  id: 'web_access',
  detect: (line) => line.includes('] "'),
  normalize: (line) => parseCombined(line),
};

/** IIS W3C column names -> SigmaHQ names (the rest keep their W3C name). */
const W3C_RENAMES: Readonly<Record<string, readonly string[]>> = {
  'cs(user-agent)': ['cs-user-agent', 'c-useragent'],
  'cs(referer)': ['cs-referer'],
  'cs(cookie)': ['cs-cookie'],
  'cs(host)': ['cs-host'],
};

/** IIS's default columns (10.0 and 7.5-8.5), for lines cut from a log without its `#Fields:` header. */
const IIS_DEFAULT_FIELDS: readonly (readonly string[])[] = [
  ['date', 'time', 's-ip', 'cs-method', 'cs-uri-stem', 'cs-uri-query', 's-port', 'cs-username', 'c-ip', 'cs(User-Agent)', 'cs(Referer)', 'sc-status', 'sc-substatus', 'sc-win32-status', 'time-taken'],
  ['date', 'time', 's-ip', 'cs-method', 'cs-uri-stem', 'cs-uri-query', 's-port', 'cs-username', 'c-ip', 'cs(User-Agent)', 'sc-status', 'sc-substatus', 'sc-win32-status', 'time-taken'],
];
const IIS_DEFAULT_LINE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \S+ [A-Z]+ \//;

const W3C_META = ['#Software:', '#Version:', '#Date:', '#Remark:', '#Start-Date:', '#End-Date:'];

export const w3cLineFormat: LineFormat = {
  id: 'web_access',
  header(line: string, ctx: LineContext): boolean {
    if (line.startsWith('#Fields:')) {
      ctx.w3cFields = line.slice('#Fields:'.length).trim().split(/\s+/);
      return true;
    }
    return W3C_META.some((p) => line.startsWith(p));
  },
  detect: (line, ctx) => (ctx.w3cFields !== undefined && line.charCodeAt(0) !== 35) || IIS_DEFAULT_LINE.test(line),
  normalize(line, ctx): NormalizedParts | undefined {
    const values = line.split(' ');
    const names = ctx.w3cFields ?? IIS_DEFAULT_FIELDS.find((f) => f.length === values.length);
    if (!names || values.length !== names.length) return undefined;
    const fields: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const v = values[i];
      if (v === '-') continue;
      const lower = names[i].toLowerCase();
      const targets = W3C_RENAMES[lower] ?? [names[i]];
      const value = lower.startsWith('cs(') ? v.replace(/\+/g, ' ') : v;
      for (const t of targets) fields[t] = value;
    }
    if (fields['sc-status'] !== undefined) fields['sc-status'] = Number(fields['sc-status']);
    const stem = str(fields['cs-uri-stem']);
    if (stem) {
      const query = str(fields['cs-uri-query']);
      setUri(query ? `${stem}?${query}` : stem, fields);
    }
    const date = str(fields.date);
    const clock = str(fields.time);
    const time = date && clock ? parseIso(`${date}T${clock}Z`) : undefined;
    return webParts(fields, time);
  },
};

/** JSON access logs (nginx `log_format json`, W3C-named exports). */
export const webObjectFormat: ObjectFormat = {
  id: 'web_access',
  detect: (raw) =>
    (raw['cs-method'] !== undefined && (raw['cs-uri-stem'] !== undefined || raw['cs-uri'] !== undefined)) ||
    (raw.remote_addr !== undefined && (raw.request !== undefined || raw.request_uri !== undefined) && raw.status !== undefined),
  normalize(raw: RawObject): NormalizedParts {
    const fields: Record<string, unknown> = { ...raw };
    if (raw.remote_addr !== undefined) {
      fields['c-ip'] ??= raw.remote_addr;
      if (typeof raw.request === 'string') requestFields(raw.request, fields);
      else if (typeof raw.request_uri === 'string') setUri(raw.request_uri, fields);
      if (raw.request_method !== undefined) fields['cs-method'] ??= raw.request_method;
      fields['sc-status'] ??= int(raw.status) ?? raw.status;
      if (raw.http_user_agent !== undefined) {
        fields['cs-user-agent'] ??= raw.http_user_agent;
        fields['c-useragent'] ??= raw.http_user_agent;
      }
      if (raw.http_referer !== undefined) fields['cs-referer'] ??= raw.http_referer;
      if (raw.remote_user !== undefined) fields['cs-username'] ??= raw.remote_user;
      if (raw.host !== undefined || raw.server_name !== undefined) fields['cs-host'] ??= raw.host ?? raw.server_name;
    } else if (fields['cs-uri'] === undefined) {
      const stem = str(fields['cs-uri-stem']);
      const query = str(fields['cs-uri-query']);
      if (stem) setUri(query ? `${stem}?${query}` : stem, fields);
    }
    const time = timeFrom(raw, ['time_local', 'time_iso8601']) ?? (raw.date && raw.time ? parseIso(`${String(raw.date)}T${String(raw.time)}Z`) : undefined);
    return webParts(fields, time);
  },
};
