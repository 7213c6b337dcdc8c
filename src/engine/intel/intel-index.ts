import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFeed, type ParsedFeed } from './feed-parser';
import { IpSet, parseIp } from './ip-set';
import { classifyValue, domainAndParents, normalizeDomain, normalizeHash, type IntelKind } from './values';

/** One feed entry an observed value matched. */
export interface IntelMatch {
  label: string;
  feed: string;
  kind: IntelKind;
  /** The feed entry that matched: the address or CIDR, the (parent) domain, the hash. */
  entry: string;
}

export interface FeedSummary {
  name: string;
  file: string;
  label: string;
  entries: Record<IntelKind, number>;
  skipped: number;
}

export interface IntelLoadError {
  file: string;
  reason: string;
}

/** File extensions read as feeds; anything else in the folder (feeds.json, README, temp files) is ignored. */
export const FEED_EXTENSIONS = ['.txt', '.list', '.lst', '.csv', '.ipset', '.netset'];

export class IntelLoadFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntelLoadFailure';
  }
}

/** Offline threat-intel lookups over the loaded feeds. Lookups return labels in feed order, without duplicates. */
export class IntelIndex {
  readonly feeds: FeedSummary[] = [];
  readonly errors: IntelLoadError[] = [];
  private readonly ips = new IpSet<IntelMatch>();
  private readonly domains = new Map<string, IntelMatch[]>();
  private readonly hashes = new Map<string, IntelMatch[]>();

  /** Entries indexed across all feeds. */
  get size(): number {
    return this.ips.size + this.domains.size + this.hashes.size;
  }

  addFeed(feed: ParsedFeed, file: string = feed.name): void {
    const entries: Record<IntelKind, number> = { ip: 0, domain: 0, hash: 0 };
    for (const { entry, label } of feed.entries) {
      entries[entry.kind]++;
      const match: IntelMatch = { label, feed: feed.name, kind: entry.kind, entry: entry.value };
      if (entry.kind === 'ip') this.ips.add(entry.network, match);
      else if (entry.kind === 'domain') push(this.domains, entry.value, match);
      else push(this.hashes, entry.value, match);
    }
    this.feeds.push({ name: feed.name, file, label: feed.label, entries, skipped: feed.skipped });
  }

  /** Feed entries containing the address: exact addresses and CIDR networks, IPv4 and IPv6. */
  matchIp(ip: string): IntelMatch[] {
    const parsed = parseIp(ip);
    return parsed ? this.ips.match(parsed) : [];
  }

  /** Feed entries naming the domain or one of its parents (`evil.example` matches `a.b.evil.example`). */
  matchDomain(domain: string): IntelMatch[] {
    const normalized = normalizeDomain(domain);
    if (!normalized) return [];
    return domainAndParents(normalized).flatMap((name) => this.domains.get(name) ?? []);
  }

  matchHash(hash: string): IntelMatch[] {
    const normalized = normalizeHash(hash);
    return normalized ? (this.hashes.get(normalized) ?? []) : [];
  }

  /** Any observable: decides whether it is an IP, a hash or a domain, then matches it. */
  match(value: string): IntelMatch[] {
    const classified = classifyValue(value);
    if (!classified) return [];
    if (classified.kind === 'ip') return this.matchIp(value);
    if (classified.kind === 'hash') return this.matchHash(value);
    return this.matchDomain(value);
  }

  lookupIp(ip: string): string[] {
    return labels(this.matchIp(ip));
  }

  lookupDomain(domain: string): string[] {
    return labels(this.matchDomain(domain));
  }

  lookupHash(hash: string): string[] {
    return labels(this.matchHash(hash));
  }

  lookup(value: string): string[] {
    return labels(this.match(value));
  }
}

/**
 * Loads every feed file of a folder (in file-name order, so results are stable). A feed that cannot be read is
 * reported in `errors` and the others still load; a missing folder is an error, since the caller configured it.
 */
export function loadIntel(dir: string): IntelIndex {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    throw new IntelLoadFailure(`threat-intel folder ${dir} is not readable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const index = new IntelIndex();
  for (const name of names.filter(isFeedFile).sort()) {
    const file = path.join(dir, name);
    try {
      index.addFeed(parseFeed(fs.readFileSync(file, 'utf8'), name), file);
    } catch (err) {
      index.errors.push({ file, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return index;
}

/** `LANTERN_INTEL_DIR` when set, else `./intel` when that folder exists, else none. */
export function intelDirFrom(env: Record<string, string | undefined>, cwd: string): string | undefined {
  const configured = env.LANTERN_INTEL_DIR?.trim();
  if (configured) return path.resolve(cwd, configured);
  const fallback = path.join(cwd, 'intel');
  return fs.existsSync(fallback) && fs.statSync(fallback).isDirectory() ? fallback : undefined;
}

function isFeedFile(name: string): boolean {
  return !name.startsWith('.') && FEED_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

function labels(matches: IntelMatch[]): string[] {
  return [...new Set(matches.map((m) => m.label))];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
