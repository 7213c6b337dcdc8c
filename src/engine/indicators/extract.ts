import { parseIp } from './ip';

/** An indicator candidate found in free text (command line, script block, decoded payload). */
export interface TextIndicator {
  type: 'ip' | 'url' | 'domain' | 'email' | 'md5' | 'sha1' | 'sha256' | 'file' | 'registry';
  value: string;
}

const URL_RE = /\b(?:https?|ftp):\/\/[^\s'"<>`)(,;]+/gi;
const EMAIL_RE = /\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,24}\b/gi;
const IPV4_RE = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/g;
const HASH_RE = /\b(?:[a-f0-9]{64}|[a-f0-9]{40}|[a-f0-9]{32})\b/gi;
const WIN_PATH_RE = /(?:[a-z]:\\|\\\\[\w.$-]+\\)[^\s'"<>|*?\r\n]*[^\s'"<>|*?\r\n.,;)]/gi;
const REG_RE = /\b(?:HKLM|HKCU|HKCR|HKU|HKEY_[A-Z_]+)(?::)?\\[^\s'"<>|\r\n]+/g;
const DOMAIN_RE = /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b/gi;

/**
 * Bare names in a command line are only read as domains under these TLDs: "upd.exe",
 * "Net.WebClient" or "$c.DownloadFile" would otherwise all look like host names.
 */
const DOMAIN_TLDS = new Set([
  'com', 'net', 'org', 'info', 'biz', 'io', 'co', 'ru', 'cn', 'xyz', 'top', 'online', 'site', 'club',
  'me', 'tk', 'ml', 'ga', 'cf', 'gq', 'pw', 'cc', 'su', 'ws', 'in', 'de', 'uk', 'fr', 'nl', 'eu', 'us',
  'ca', 'au', 'jp', 'kr', 'br', 'ch', 'it', 'es', 'pl', 'ua', 'ir', 'kp', 'example', 'test', 'onion',
  'app', 'dev', 'cloud', 'live', 'shop', 'store', 'tech', 'space', 'website', 'link', 'click', 'pro',
  'mobi', 'tv', 'gov', 'edu', 'int', 'mil', 'local', 'corp', 'lan', 'internal',
]);

export function extractFromText(text: string): TextIndicator[] {
  const found = new Map<string, TextIndicator>();
  const add = (type: TextIndicator['type'], value: string): void => {
    const key = `${type}:${value.toLowerCase()}`;
    if (!found.has(key)) found.set(key, { type, value });
  };
  const urls = matchAll(text, URL_RE).map(trimUrl);
  for (const url of urls) add('url', url);
  for (const email of matchAll(text, EMAIL_RE)) add('email', email);
  for (const ip of matchAll(text, IPV4_RE)) {
    const parsed = parseIp(ip);
    if (parsed && !isVersionString(text, ip)) add('ip', parsed.value);
  }
  for (const hash of matchAll(text, HASH_RE)) add(hashType(hash), hash.toLowerCase());
  for (const path of matchAll(text, WIN_PATH_RE)) add('file', path);
  for (const key of matchAll(text, REG_RE)) add('registry', key);
  for (const domain of domainsOf(text, urls)) add('domain', domain);
  return [...found.values()];
}

function matchAll(text: string, re: RegExp): string[] {
  return [...text.matchAll(re)].map((m) => m[0]);
}

function trimUrl(url: string): string {
  return url.replace(/[.'"\]}]+$/, '');
}

function hashType(hash: string): 'md5' | 'sha1' | 'sha256' {
  if (hash.length === 64) return 'sha256';
  if (hash.length === 40) return 'sha1';
  return 'md5';
}

/** "1.2.3.4" inside "version 10.0.19041.1" is a version number, not an address. */
function isVersionString(text: string, ip: string): boolean {
  const at = text.indexOf(ip);
  return at > 0 && /[\d.]/.test(text[at - 1] ?? '');
}

/** Domains from URLs, plus bare host names whose TLD is not a file extension. */
function domainsOf(text: string, urls: string[]): string[] {
  const out: string[] = [];
  for (const url of urls) {
    const host = hostOfUrl(url);
    if (host && !parseIp(host)) out.push(host);
  }
  const withoutPaths = text.replace(URL_RE, ' ').replace(WIN_PATH_RE, ' ').replace(EMAIL_RE, ' ');
  for (const candidate of matchAll(withoutPaths, DOMAIN_RE)) {
    const tld = candidate.split('.').pop()?.toLowerCase() ?? '';
    if (!DOMAIN_TLDS.has(tld)) continue;
    if (/^[A-Z][a-z]/.test(candidate)) continue; // PascalCase .NET namespace (System.IO)
    out.push(candidate.toLowerCase());
  }
  return out;
}

export function hostOfUrl(url: string): string | undefined {
  const m = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]+)/i.exec(url);
  return m?.[1]?.replace(/^\[|\]$/g, '').toLowerCase();
}
