/**
 * Downloads threat-intel feeds into the intel folder. Each feed is fetched, checked to contain usable entries,
 * written to a temp file in the same folder and renamed over the old copy, so the folder always holds complete
 * feeds: a failed download (offline, HTTP error, an HTML error page) leaves the previous file untouched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFeed } from '../engine/intel/feed-parser';
import type { IntelKind } from '../engine/intel/values';

export type FeedType = IntelKind | 'csv' | 'mixed';
const FEED_TYPES: readonly FeedType[] = ['ip', 'domain', 'hash', 'csv', 'mixed'];

export interface FeedSource {
  name: string;
  url: string;
  label: string;
  type?: FeedType;
}

export const TOR_EXIT_FEED: FeedSource = {
  name: 'tor-exit-nodes',
  url: 'https://check.torproject.org/torbulkexitlist',
  label: 'Tor exit node',
  type: 'ip',
};

export const FEEDS_CONFIG = 'feeds.json';

export interface UpdateOptions {
  dir: string;
  /** The Tor exit list source; `null` skips it. */
  tor?: FeedSource | null;
  timeoutMs?: number;
  maxBytes?: number;
  now?: () => Date;
}

export interface FeedResult {
  name: string;
  url: string;
  file: string;
  ok: boolean;
  entries?: number;
  skipped?: number;
  error?: string;
}

export class FeedConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedConfigError';
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const FEED_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The feeds listed in DIR/feeds.json (none when the file does not exist). */
export function readFeedsConfig(dir: string): FeedSource[] {
  const file = path.join(dir, FEEDS_CONFIG);
  if (!fs.existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FeedConfigError(`${file}: not valid JSON (${message(err)})`);
  }
  if (!Array.isArray(parsed)) throw new FeedConfigError(`${file}: expected an array of { name, url, label, type }`);
  const feeds = parsed.map((item, i) => feedSource(item, `${file}[${i}]`));
  const names = feeds.map((f) => f.name.toLowerCase());
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new FeedConfigError(`${file}: feed name "${duplicate}" is used twice`);
  return feeds;
}

function feedSource(item: unknown, where: string): FeedSource {
  if (typeof item !== 'object' || item === null) throw new FeedConfigError(`${where}: expected an object`);
  const { name, url, label, type } = item as Record<string, unknown>;
  if (typeof name !== 'string' || !FEED_NAME.test(name)) {
    throw new FeedConfigError(`${where}: "name" must be a file-name-safe word (letters, digits, . _ -)`);
  }
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw new FeedConfigError(`${where}: "url" must be an http(s) URL`);
  }
  if (typeof label !== 'string' || !label.trim()) throw new FeedConfigError(`${where}: "label" must be a non-empty string`);
  if (type !== undefined && !FEED_TYPES.includes(type as FeedType)) {
    throw new FeedConfigError(`${where}: "type" must be one of ${FEED_TYPES.join(', ')}`);
  }
  return { name, url, label: label.trim(), ...(type ? { type: type as FeedType } : {}) };
}

/** The Tor list (unless disabled) plus DIR/feeds.json; a feeds.json entry with the Tor feed's name replaces it. */
export function feedsToUpdate(dir: string, tor: FeedSource | null): FeedSource[] {
  const configured = readFeedsConfig(dir);
  if (!tor || configured.some((f) => f.name.toLowerCase() === tor.name.toLowerCase())) return configured;
  return [tor, ...configured];
}

export function feedFileName(feed: FeedSource): string {
  return `${feed.name}${feed.type === 'csv' ? '.csv' : '.txt'}`;
}

export async function updateIntel(options: UpdateOptions): Promise<FeedResult[]> {
  fs.mkdirSync(options.dir, { recursive: true });
  const feeds = feedsToUpdate(options.dir, options.tor === undefined ? TOR_EXIT_FEED : options.tor);
  return Promise.all(feeds.map((feed) => updateFeed(feed, options)));
}

async function updateFeed(feed: FeedSource, options: UpdateOptions): Promise<FeedResult> {
  const file = path.join(options.dir, feedFileName(feed));
  const base = { name: feed.name, url: feed.url, file };
  try {
    const body = await download(feed.url, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.maxBytes ?? DEFAULT_MAX_BYTES);
    const content = withHeader(feed, body, (options.now ?? (() => new Date()))());
    const parsed = parseFeed(content, path.basename(file));
    if (parsed.entries.length === 0) {
      throw new Error(`the download has no usable ${feed.type && feed.type !== 'mixed' && feed.type !== 'csv' ? feed.type : 'indicator'} entries`);
    }
    writeAtomically(file, content);
    return { ...base, ok: true, entries: parsed.entries.length, skipped: parsed.skipped };
  } catch (err) {
    return { ...base, ok: false, error: message(err) };
  }
}

async function download(url: string, timeoutMs: number, maxBytes: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'user-agent': 'lantern-intel-update' },
      redirect: 'follow',
    });
  } catch (err) {
    throw new Error(`cannot reach ${url}: ${networkReason(err, timeoutMs)} (is this machine offline?)`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`${url} is ${declared} bytes, more than the ${maxBytes}-byte limit`);
  }
  const text = await response.text();
  if (Buffer.byteLength(text) > maxBytes) throw new Error(`${url} sent more than the ${maxBytes}-byte limit`);
  return text;
}

function networkReason(err: unknown, timeoutMs: number): string {
  const error = asErrorLike(err);
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return `no answer within ${formatSeconds(timeoutMs)}`;
  // undici reports "fetch failed" and keeps the socket error (ECONNREFUSED, ENOTFOUND, ...) in `cause`.
  const cause = asErrorLike(error?.cause);
  if (cause) return cause.message || cause.code || String(error?.message);
  return message(err);
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  cause?: unknown;
}

/** Duck-typed: errors from Node internals fail `instanceof Error` across realms (Jest's VM context). */
function asErrorLike(value: unknown): ErrorLike | undefined {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined;
}

/** Our header first: the label and type survive in the file, and a header inside the download cannot override them. */
function withHeader(feed: FeedSource, body: string, now: Date): string {
  const header = [`# label: ${feed.label}`];
  if (feed.type && feed.type !== 'csv' && feed.type !== 'mixed') header.push(`# type: ${feed.type}`);
  header.push(`# source: ${feed.url}`, `# updated: ${now.toISOString()}`);
  return `${header.join('\n')}\n${body.endsWith('\n') ? body : `${body}\n`}`;
}

function writeAtomically(file: string, content: string): void {
  // Temp file in the same folder (same file system, so rename is atomic); its leading dot keeps loadIntel off it.
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

function message(err: unknown): string {
  const error = asErrorLike(err);
  return typeof error?.message === 'string' ? error.message : String(err);
}
