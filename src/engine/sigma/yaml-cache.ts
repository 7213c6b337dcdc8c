/**
 * On-disk cache of the YAML stage of rule loading: for each rule file, the documents as plain
 * JSON values (or the YAML errors), keyed by the file's path and stamp (size, mtime, ctime,
 * inode). Parsing the ~3,700 SigmaHQ files is about half of a cold load; reading them back as
 * one JSON file takes a few hundred milliseconds. Compilation always runs afresh, so a compiler
 * change never needs the cache invalidated; only a change of the YAML stage does (bump
 * YAML_STAGE_VERSION).
 *
 * One cache file per set of rule paths, in $LANTERN_CACHE_DIR or a per-user folder of the OS
 * temp dir (mode 0700, skipped when owned by someone else: the cache decides what rules say).
 * Written atomically (temp file + rename); any read or write problem just means no cache.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Bump whenever what loader.yamlStage returns for a given text changes. */
export const YAML_STAGE_VERSION = 'yaml-stage-3/js-yaml-5.5.0/yaml-2.9.1';

export interface YamlStageError {
  reason: string;
  ruleId?: string;
  title?: string;
}

/** What the YAML stage makes of one file. */
export interface YamlOutcome {
  /** Non-empty documents that are maps, in file order. */
  docs: Array<Record<string, unknown>>;
  /** Problems in file order (documents that are not maps, a YAML syntax error, ...). */
  errors: YamlStageError[];
  /** False when a document holds a value JSON cannot carry exactly (binary, dates as objects). */
  cacheable: boolean;
}

interface CacheFile {
  version: string;
  entries: Record<string, { stamp: string; docs: Array<Record<string, unknown>>; errors: YamlStageError[] }>;
}

/** Where caches go: $LANTERN_CACHE_DIR ('off' or empty disables), else a per-user temp folder. */
export function defaultCacheDir(): string | undefined {
  const env = process.env.LANTERN_CACHE_DIR;
  if (env !== undefined) return env === '' || env === 'off' ? undefined : env;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `lantern-cache-${uid}`);
}

type Entry = CacheFile['entries'][string];

export class YamlCache {
  private readonly file: string | undefined;
  private readonly old: CacheFile['entries'];
  /** Files of this load: JSON text of a fresh entry, or true for an unchanged cached one. */
  private readonly next = new Map<string, string | true>();
  private changed = false;

  constructor(dir: string | undefined, paths: string[]) {
    this.file = dir === undefined ? undefined : cacheFile(dir, paths);
    this.old = this.file === undefined ? {} : readCache(this.file);
  }

  /** The cached outcome of `file`, or the one `parse` gives (remembered for the next load). */
  outcome(file: string, parse: () => YamlOutcome): YamlOutcome {
    const stamp = this.file === undefined ? undefined : fileStamp(file);
    if (stamp === undefined) return parse();
    const hit = this.old[file];
    if (hit !== undefined && hit.stamp === stamp && Array.isArray(hit.docs) && Array.isArray(hit.errors)) {
      this.next.set(file, true);
      return { docs: hit.docs, errors: hit.errors, cacheable: true };
    }
    const fresh = parse();
    this.changed = true;
    // Serialised now: the loader may annotate the documents it is handed.
    if (fresh.cacheable) this.next.set(file, JSON.stringify({ stamp, docs: fresh.docs, errors: fresh.errors } satisfies Entry));
    return fresh;
  }

  /** Writes the entries of this load (stale files dropped) when anything changed. */
  save(): void {
    if (this.file === undefined) return;
    if (!this.changed && Object.keys(this.old).length === this.next.size) return;
    // Unchanged entries come from a fresh read of the file: the objects handed out may be annotated.
    const pristine = readCache(this.file);
    const parts: string[] = [];
    for (const [file, entry] of this.next) {
      const text = entry === true ? (pristine[file] === undefined ? undefined : JSON.stringify(pristine[file])) : entry;
      if (text !== undefined) parts.push(`${JSON.stringify(file)}:${text}`);
    }
    const body = `{"version":${JSON.stringify(YAML_STAGE_VERSION)},"entries":{${parts.join(',')}}}`;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, body, { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }
}

function cacheFile(dir: string, paths: string[]): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (!st.isDirectory()) return undefined;
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return undefined;
  } catch {
    return undefined;
  }
  const key = createHash('sha256')
    .update(YAML_STAGE_VERSION)
    .update('\u0000')
    .update(paths.map((p) => resolve(p)).join('\u0000'))
    .digest('hex')
    .slice(0, 32);
  return join(dir, `sigma-yaml-${key}.json`);
}

function readCache(file: string): CacheFile['entries'] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    if (parsed.version !== YAML_STAGE_VERSION || parsed.entries === null || typeof parsed.entries !== 'object') return {};
    return parsed.entries;
  } catch {
    return {};
  }
}

/** Size, modification and change times (ns when available) and inode: any rewrite changes one. */
function fileStamp(file: string): string | undefined {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** True when JSON.stringify then JSON.parse gives back an equal value. */
export function jsonExact(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every((x) => jsonExact(x, depth + 1));
  if (typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k of Object.keys(v)) {
    if (k === '__proto__') return false;
    if (!jsonExact((v as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}
