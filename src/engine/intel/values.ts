import { domainToASCII } from 'node:url';
import { formatNetwork, parseNetwork, type ParsedNetwork } from './ip-set';

export type IntelKind = 'ip' | 'domain' | 'hash';
export const INTEL_KINDS: readonly IntelKind[] = ['ip', 'domain', 'hash'];

export type ClassifiedValue =
  | { kind: 'ip'; value: string; network: ParsedNetwork }
  | { kind: 'domain'; value: string }
  | { kind: 'hash'; value: string };

const HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/;
/** `sha256:...`, `SHA256=...`, `md5 ...` prefixes as in Sysmon Hashes fields and IOC lists. */
const HASH_PREFIX = /^(?:md5|sha1|sha-1|sha256|sha-256|sha512|sha-512|imphash)\s*[:=]\s*/i;
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Lower-case hex digest, or undefined when the text is not an MD5/SHA-1/SHA-256/SHA-512 digest. */
export function normalizeHash(text: string): string | undefined {
  const value = text.trim().replace(HASH_PREFIX, '').toLowerCase();
  return HASH.test(value) ? value : undefined;
}

/**
 * Lower-case ASCII (punycode) domain without trailing dot or leading wildcard; undefined for anything that is not a
 * multi-label host name (IP addresses, URLs, single words).
 */
export function normalizeDomain(text: string): string | undefined {
  const trimmed = text.trim().toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '');
  if (!trimmed || trimmed.length > 253 || /[\s/:@]/.test(trimmed)) return undefined;
  // domainToASCII (ICU) is the slow part of loading a large list; plain ASCII names need no conversion.
  const ascii = /^[\x21-\x7e]+$/.test(trimmed) ? trimmed : domainToASCII(trimmed);
  if (!ascii) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return undefined;
  // A numeric top-level label means an IP address or a version string, not a domain.
  if (/^\d+$/.test(labels[labels.length - 1])) return undefined;
  return ascii;
}

/** Decides what a feed entry is: an IP address or network, a hash, or a domain (in that order). */
export function classifyValue(text: string): ClassifiedValue | undefined {
  const network = parseNetwork(text);
  if (network) return { kind: 'ip', value: formatNetwork(network), network };
  const hash = normalizeHash(text);
  if (hash) return { kind: 'hash', value: hash };
  const domain = normalizeDomain(text);
  if (domain) return { kind: 'domain', value: domain };
  return undefined;
}

/** `evil.example.com` -> [`evil.example.com`, `example.com`, `com`]: the names a domain feed entry can match on. */
export function domainAndParents(domain: string): string[] {
  const labels = domain.split('.');
  return labels.map((_, i) => labels.slice(i).join('.'));
}
