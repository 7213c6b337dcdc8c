import * as ipaddr from 'ipaddr.js';

export type IpScope = 'external' | 'internal' | 'loopback' | 'link_local' | 'special';

export interface ParsedIp {
  /** Canonical text (IPv4-mapped IPv6 shown as IPv4). */
  value: string;
  version: 4 | 6;
  scope: IpScope;
}

const INTERNAL_RANGES = new Set(['private', 'uniqueLocal', 'carrierGradeNat']);
const SPECIAL_RANGES = new Set(['unspecified', 'broadcast', 'multicast', 'reserved', 'benchmarking']);

const cache = new Map<string, ParsedIp | null>();
const CACHE_LIMIT = 50_000;

/** Parses an IP literal (optionally bracketed or with an IPv6 zone); undefined when it is not one. Memoised: batches repeat addresses. */
export function parseIp(text: string | undefined): ParsedIp | undefined {
  if (!text) return undefined;
  const cached = cache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parseUncached(text);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, parsed ?? null);
  return parsed;
}

function parseUncached(text: string): ParsedIp | undefined {
  const trimmed = text.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!looksLikeIp(trimmed)) return undefined;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(trimmed);
  } catch {
    return undefined;
  }
  const range = addr.range();
  const scope = isDocumentationRange(addr) ? 'external' : scopeOf(range);
  return { value: addr.toString(), version: addr.kind() === 'ipv4' ? 4 : 6, scope };
}

/**
 * RFC 5737 / RFC 3849 documentation networks (TEST-NET-1/2/3, 2001:db8::/32) stand for internet
 * addresses in examples, exercises and replayed test data: treat them as external, not as reserved.
 */
const DOCUMENTATION_RANGES = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'].map((cidr) => ipaddr.parseCIDR(cidr));

function isDocumentationRange(addr: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return DOCUMENTATION_RANGES.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}

function looksLikeIp(text: string): boolean {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return true;
  return text.includes(':') && ipaddr.IPv6.isValid(text);
}

function scopeOf(range: string): IpScope {
  if (range === 'loopback') return 'loopback';
  if (range === 'linkLocal') return 'link_local';
  if (INTERNAL_RANGES.has(range)) return 'internal';
  if (SPECIAL_RANGES.has(range)) return 'special';
  return 'external';
}

export function isExternalIp(text: string | undefined): boolean {
  return parseIp(text)?.scope === 'external';
}

export function isInternalIp(text: string | undefined): boolean {
  return parseIp(text)?.scope === 'internal';
}

/** Loopback, link-local and unspecified addresses say nothing about an attacker. */
export function isMeaninglessIp(text: string | undefined): boolean {
  const parsed = parseIp(text);
  return !parsed || parsed.scope === 'loopback' || parsed.scope === 'link_local' || parsed.scope === 'special';
}
