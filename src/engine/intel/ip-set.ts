import * as ipaddr from 'ipaddr.js';

/** A parsed address: IPv4 as a 32-bit number, IPv6 as a 128-bit bigint. IPv4-mapped IPv6 counts as IPv4. */
export type ParsedIp = { v: 4; n: number } | { v: 6; n: bigint };

export interface ParsedNetwork {
  ip: ParsedIp;
  prefix: number;
}

/**
 * Strict textual IP parsing: dotted-quad IPv4 only (ipaddr.parse would also accept "127.1" or "0x7f.0.0.1",
 * which no log or feed means as an address), IPv6 with optional brackets and zone id.
 */
export function parseIp(text: string): ParsedIp | undefined {
  const value = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return v4(ipaddr.IPv4.parse(value));
  const parsed = value.includes(':') ? parseV6(value) : undefined;
  if (!parsed) return undefined;
  if (parsed.isIPv4MappedAddress()) return v4(parsed.toIPv4Address());
  return { v: 6, n: parsed.parts.reduce((acc, part) => (acc << 16n) | BigInt(part), 0n) };
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Host bits are cleared. */
export function parseNetwork(text: string): ParsedNetwork | undefined {
  const [address, bits, ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const max = ip.v === 4 ? 32 : 128;
  if (bits === undefined) return { ip, prefix: max };
  if (!/^\d{1,3}$/.test(bits)) return undefined;
  // An IPv4-mapped IPv6 network (::ffff:10.0.0.0/104) keeps its meaning as an IPv4 network.
  const mappedOffset = ip.v === 4 && address.includes(':') ? 96 : 0;
  const prefix = Number(bits) - mappedOffset;
  if (prefix < 0 || prefix > max) return undefined;
  return { ip: maskIp(ip, prefix), prefix };
}

export function formatNetwork(network: ParsedNetwork): string {
  const address = network.ip.v === 4 ? formatV4(network.ip.n) : formatV6(network.ip.n);
  const max = network.ip.v === 4 ? 32 : 128;
  return network.prefix === max ? address : `${address}/${network.prefix}`;
}

/**
 * IP/CIDR membership in O(distinct prefix lengths): networks are grouped by prefix length, so a lookup masks the
 * address once per length present (at most 33 or 129) and does one hash lookup each.
 */
export class IpSet<T> {
  private readonly v4 = new Map<number, Map<number, T[]>>();
  private readonly v6 = new Map<number, Map<bigint, T[]>>();
  private count = 0;
  private prefixes4: number[] = [];
  private prefixes6: number[] = [];

  get size(): number {
    return this.count;
  }

  add(network: ParsedNetwork, value: T): void {
    this.count++;
    if (network.ip.v === 4) {
      push(bucket(this.v4, network.prefix), network.ip.n, value);
      this.prefixes4 = sortedPrefixes(this.v4);
    } else {
      push(bucket(this.v6, network.prefix), network.ip.n, value);
      this.prefixes6 = sortedPrefixes(this.v6);
    }
  }

  /** Every value whose network contains the address, most specific network first. */
  match(ip: ParsedIp): T[] {
    const out: T[] = [];
    if (ip.v === 4) {
      for (const prefix of this.prefixes4) out.push(...(this.v4.get(prefix)?.get(maskV4(ip.n, prefix)) ?? []));
    } else {
      for (const prefix of this.prefixes6) out.push(...(this.v6.get(prefix)?.get(maskV6(ip.n, prefix)) ?? []));
    }
    return out;
  }
}

/** One parse instead of isValid() + parse(): the IPv6 grammar is the expensive part of a lookup. */
function parseV6(value: string): ipaddr.IPv6 | undefined {
  try {
    return ipaddr.IPv6.parse(value);
  } catch {
    return undefined;
  }
}

function v4(address: ipaddr.IPv4): ParsedIp {
  const [a, b, c, d] = address.octets;
  return { v: 4, n: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0 };
}

function maskIp(ip: ParsedIp, prefix: number): ParsedIp {
  return ip.v === 4 ? { v: 4, n: maskV4(ip.n, prefix) } : { v: 6, n: maskV6(ip.n, prefix) };
}

function maskV4(n: number, prefix: number): number {
  if (prefix === 0) return 0;
  return (n & (0xffffffff << (32 - prefix))) >>> 0;
}

const ALL_V6 = (1n << 128n) - 1n;

function maskV6(n: bigint, prefix: number): bigint {
  const hostBits = BigInt(128 - prefix);
  return n & ((ALL_V6 >> hostBits) << hostBits);
}

function formatV4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function formatV6(n: bigint): string {
  const parts: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) parts.push(Number((n >> shift) & 0xffffn));
  return new ipaddr.IPv6(parts).toRFC5952String();
}

function bucket<K, V>(byPrefix: Map<number, Map<K, V>>, prefix: number): Map<K, V> {
  let map = byPrefix.get(prefix);
  if (!map) {
    map = new Map();
    byPrefix.set(prefix, map);
  }
  return map;
}

function push<K, T>(map: Map<K, T[]>, key: K, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function sortedPrefixes(byPrefix: Map<number, unknown>): number[] {
  return [...byPrefix.keys()].sort((a, b) => b - a);
}
