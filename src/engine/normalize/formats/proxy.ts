import { actionMeaning } from '../actions';
import { applyAliases, entitiesFromFields } from '../aliases';
import { int, str } from '../paths';
import { timeFrom } from '../time-fields';
import type { EventEntities } from '../../model';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';
import { genericOutcome } from './generic';

const PROXY_SOURCES = new Set(['proxy', 'web_proxy', 'webproxy', 'squid', 'bluecoat', 'zscaler', 'swg', 'web_gateway', 'netskope', 'forcepoint', 'mcafee_web_gateway']);

export function isProxy(raw: RawObject): boolean {
  const src = typeof raw.source === 'string' ? raw.source.toLowerCase() : undefined;
  if (src && PROXY_SOURCES.has(src)) return true;
  if (raw.process !== undefined || raw.EventID !== undefined) return false;
  const url = raw.url ?? raw.uri ?? raw.request_url;
  return typeof url === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(url) && (raw.method ?? raw.http_method ?? raw.status ?? raw.status_code) !== undefined;
}

export const proxyFormat: ObjectFormat = {
  id: 'proxy',
  detect: isProxy,
  normalize: (raw) => normalizeProxy(raw),
};

/**
 * Splits a URL into the SigmaHQ proxy fields: `c-uri` (full URL as given), `cs-host`, `c-uri-stem`,
 * `c-uri-query` (without `?`, as IIS writes it), `c-uri-extension`, `cs-uri` (path + query).
 */
export function urlFields(url: string, fields: Record<string, unknown>): void {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?/i.exec(url);
  const setIf = (k: string, v: unknown) => {
    if (v !== undefined && v !== '' && fields[k] === undefined) fields[k] = v;
  };
  if (!m) return;
  const authority = m[2].includes('@') ? m[2].slice(m[2].lastIndexOf('@') + 1) : m[2];
  const host = authority.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const path = m[3] || '/';
  setIf('cs-host', host);
  setIf('c-uri-stem', path);
  setIf('cs-uri-stem', path);
  const query = m[4] ? m[4].slice(1) : undefined;
  setIf('c-uri-query', query);
  setIf('cs-uri-query', query);
  setIf('cs-uri', path + (m[4] ?? ''));
  const dot = path.lastIndexOf('.');
  if (dot > path.lastIndexOf('/')) setIf('c-uri-extension', path.slice(dot + 1).toLowerCase());
  const port = /:(\d+)$/.exec(authority);
  if (port) setIf('dst_port', Number(port[1]));
}

function normalizeProxy(raw: RawObject): NormalizedParts {
  const fields: Record<string, unknown> = { ...raw };
  applyAliases(fields, 'generic');
  const url = str(fields['c-uri']);
  if (url) urlFields(url, fields);
  if (fields['c-ip'] === undefined && fields.src_ip !== undefined) fields['c-ip'] = fields.src_ip;
  const verdict = actionMeaning(raw.action);
  const status = int(fields['sc-status']);
  return {
    format: 'proxy',
    fields,
    logsource: { category: 'proxy' },
    time: timeFrom(raw),
    action: 'http_request',
    outcome: verdict?.outcome ?? (status !== undefined ? (status < 400 ? 'success' : 'failure') : genericOutcome(raw, undefined)),
    entities: () => proxyEntities(fields),
    message: str(raw.message),
  };
}

function proxyEntities(fields: Record<string, unknown>): EventEntities {
  const entities = entitiesFromFields(fields, {});
  const user = str(fields.User);
  if (user) entities.user = user;
  const host = str(fields['cs-host']);
  if (host && !/^[\d.]+$|:/.test(host)) entities.domain = host;
  else if (host && !entities.dstIp) entities.dstIp = host;
  return entities;
}
