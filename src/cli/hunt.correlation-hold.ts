/**
 * The hits a hunt keeps for correlation rules until it evaluates them (at the end of a file, or of the hunt with
 * --correlate-across-files). Up to correlationHold.spillAt they are held in memory; past it, they go to a
 * temporary SQLite database (better-sqlite3) under the system's temporary folder, so that memory stays bounded
 * however many hits a noisy base rule gives. The database is evaluated where it lies: its hits are turned into
 * correlation entries in event order (each untimed event taking the time of the closest earlier timed one, as
 * the in-memory evaluation does), the entries sorted by the database, and every group read in order, holding
 * only its current window (evaluateStoredCorrelations). The result is the in-memory evaluation's, hit for hit.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import Database from 'better-sqlite3';
import type { CorrelationHit, RuleRef } from '../engine/model';
import {
  type CorrelationEntryStore,
  type CorrelationInput,
  CorrelationPlan,
  type CorrelationRule,
  type Entry,
  type EntryGroup,
  type EventLookup,
  type Occurrence,
  type EvaluateCorrelationOptions,
  type SigmaEvent,
  detectionOccurrence,
  evaluateCorrelations,
  evaluateStoredCorrelations,
  groupKeyOf,
  numericValue,
  valueKey,
} from '../engine/sigma/correlation';

/** Kept hits past which a hold moves to disk, and the folder it moves to (the system's temporary folder by default; tests set both). */
export const correlationHold: { spillAt: number; dir: string | undefined } = { spillAt: 500_000, dir: undefined };

function tempRoot(): string {
  return correlationHold.dir ?? tmpdir();
}

/** Rows written or read a transaction / a query. */
const BATCH = 10_000;

export type HeldInput = CorrelationInput;

/** Hits kept for correlation rules: in memory, then past `spillAt` in a temporary database. */
/** What a hold tells as it goes: it moved to disk, or could not and stays in memory. */
export interface HoldNotes {
  spilled(folder: string): void;
  noDisk(reason: string): void;
}

export class CorrelationHold {
  private inputs: HeldInput[] = [];
  private spilled: SpilledHits | undefined;
  private count = 0;
  private limit: number;

  constructor(
    spillAt = correlationHold.spillAt,
    private readonly notes?: HoldNotes,
  ) {
    this.limit = spillAt;
  }

  get size(): number {
    return this.count;
  }

  /** The temporary database's folder, once the hold has moved to disk. */
  get folder(): string | undefined {
    return this.spilled?.folder;
  }

  /**
   * Hits come in event order (every hunt path numbers events as it visits them): the database reads them back in
   * that order, and memory keeps them in the order pushed, which is then the same.
   */
  push(input: HeldInput): void {
    this.count++;
    if (this.spilled !== undefined) {
      this.spilled.add(input);
      return;
    }
    this.inputs.push(input);
    if (this.inputs.length >= this.limit) this.spill();
  }

  private spill(): void {
    try {
      this.spilled = SpilledHits.create();
    } catch (error) {
      // No temporary folder to write to (missing, read-only, full): the hits stay in memory, as they used to.
      this.limit = Infinity;
      this.notes?.noDisk(reason(error));
      return;
    }
    for (const held of this.inputs) this.spilled.add(held);
    this.inputs = [];
    this.notes?.spilled(this.spilled.folder);
  }

  /**
   * What a worker needs to evaluate the held hits: the hits themselves, or the database's path (written out).
   * The hold lets go of them; the database is the receiver's to remove (evaluateSpilledFile).
   */
  handOver(): { inputs: HeldInput[] } | { database: string } {
    const spilled = this.spilled;
    const inputs = this.inputs;
    this.reset();
    if (spilled === undefined) return { inputs };
    spilled.close();
    return { database: spilled.path };
  }

  /** Evaluates the rules over the held hits and lets them go (the temporary database is removed). */
  evaluate(rules: CorrelationRule[], options: EvaluateCorrelationOptions = {}): CorrelationHit[] {
    const spilled = this.spilled;
    const inputs = this.inputs;
    this.reset();
    if (spilled === undefined) return inputs.length === 0 || rules.length === 0 ? [] : evaluateCorrelations(rules, inputs, options);
    try {
      return spilled.evaluate(rules, options);
    } finally {
      spilled.remove();
    }
  }

  /** Lets go of the held hits unevaluated (a hunt that stops early); removes the database. */
  discard(): void {
    const spilled = this.spilled;
    this.reset();
    spilled?.remove();
  }

  private reset(): void {
    this.inputs = [];
    this.spilled = undefined;
    this.count = 0;
  }
}

function reason(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}

/** Evaluates a database handed over by CorrelationHold.handOver, then removes it. */
export function evaluateSpilledFile(database: string, rules: CorrelationRule[]): CorrelationHit[] {
  const spilled = SpilledHits.open(database);
  try {
    return spilled.evaluate(rules);
  } finally {
    spilled.remove();
  }
}

/**
 * Temporary folders removed when this thread's process ends (exit, or a signal that ends it): this thread's
 * databases, and those a worker thread or a handed-over evaluation made (a terminated worker runs no exit hook).
 */
const open = new Set<SpilledHits>();
const others = new Set<string>();
let hooked = false;
const FOLDER_PREFIX = 'lantern-correlations-';
/** Folders of this machine only: a temporary folder shared with other hosts or containers is not swept. */
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** The start of the name of a temporary folder of process `pid` on this host. */
export function folderPrefix(pid = process.pid): string {
  return `${FOLDER_PREFIX}${HOST}-${pid}-`;
}

/** A folder this process must remove at the end (made by a worker thread, or handed to one). */
export function removeAtEnd(folder: string): void {
  others.add(folder);
  hookExit();
}

/** Removes a folder given to removeAtEnd now (its worker has stopped). */
export function removeNow(folder: string): void {
  removeFolder(folder);
  others.delete(folder);
}

/** Best effort: a folder that cannot be removed (permissions, a busy file) is left to the next hunt's sweep. */
function removeFolder(folder: string): void {
  try {
    rmSync(folder, { recursive: true, force: true });
  } catch {
    // Left for sweepStale.
  }
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // On exit (the end, an error, an uncaught exception): not on a signal, which ends the process at once as before
  // (a listener would wait for a long evaluation to finish). What a killed hunt leaves, the next hunt sweeps.
  process.on('exit', () => {
    for (const held of open) held.remove();
    for (const folder of others) removeFolder(folder);
    others.clear();
  });
}

/**
 * Folders of earlier hunts on this host whose process is gone (killed, crashed): removed, so that disk is not lost
 * to them. Best effort: a folder that cannot be read or removed is left. Called as a hunt starts.
 */
export function sweepStale(folder = tempRoot()): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^lantern-correlations-([0-9a-f]{8})-(\d+)-/.exec(name);
    if (match === null || match[1] !== HOST) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || alive(pid)) continue;
    // Another user's folder (a shared temporary folder) cannot be removed: it is theirs.
    removeFolder(join(folder, name));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user has the number, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface HitRow {
  rid: number;
  rule_id: string;
  rule_name: string | null;
  idx: number;
  time: number | null;
  fields: string | Buffer;
}

interface EntryRow {
  ord: number;
  tiebreak: number;
  okey: number;
  ref: number;
  seq: number;
  first: number | null;
  last: number | null;
  indices: string | Buffer | null;
  gvals: string | Buffer;
  value: string | Buffer | null;
  gkey: Buffer;
}

/**
 * Values are written as JSON (fast, and lone surrogates come back as they went), except values holding a number
 * JSON cannot carry (-0, Infinity, NaN, a bigint), which V8 serialises: the database then groups and counts
 * exactly as memory does.
 */
function encode(value: unknown): string | Buffer {
  return needsV8(value, 0) ? serialize(value) : JSON.stringify(value);
}

function decode<T>(stored: string | Buffer): T {
  return (typeof stored === 'string' ? JSON.parse(stored) : deserialize(stored)) as T;
}

function needsV8(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return !Number.isFinite(value) || Object.is(value, -0);
  if (typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object') return false;
  // Deeper than any event: V8 takes it whole.
  if (depth > 64) return true;
  if (Array.isArray(value)) return value.some((item) => needsV8(item, depth + 1));
  for (const key in value) if (needsV8((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

class SpilledHits {
  readonly folder: string;
  readonly path: string;
  private readonly db: Database.Database;
  private pending: HeldInput[] = [];
  private readonly insertHit: Database.Statement;
  private removed = false;

  private constructor(path?: string) {
    this.folder = path === undefined ? mkdtempSync(join(tempRoot(), folderPrefix())) : dirname(path);
    this.path = path ?? join(this.folder, 'held.sqlite');
    open.add(this);
    hookExit();
    try {
      // An evaluation opens a database that must be there: a missing one is an error, not an empty result.
      this.db = new Database(this.path, { fileMustExist: path !== undefined });
      // Scratch data: nothing to recover after a crash, so no journal and no sync.
      this.db.pragma('journal_mode = OFF');
      this.db.pragma('synchronous = OFF');
      this.db.pragma('cache_size = -65536');
      // Indexed once, when evaluated: appending to an unindexed table is what the hunt waits on.
      this.db.exec('CREATE TABLE IF NOT EXISTS hits (rule_id TEXT NOT NULL, rule_name TEXT, idx INTEGER NOT NULL, time REAL, fields NOT NULL)');
      this.insertHit = this.db.prepare('INSERT INTO hits (rule_id, rule_name, idx, time, fields) VALUES (?, ?, ?, ?, ?)');
    } catch (error) {
      this.remove();
      throw error;
    }
  }

  static create(): SpilledHits {
    return new SpilledHits();
  }

  static open(path: string): SpilledHits {
    return new SpilledHits(path);
  }

  add(input: HeldInput): void {
    this.pending.push(input);
    if (this.pending.length >= BATCH) this.flush();
  }

  /** Written out and closed, for another thread to open (the folder is then this process's to remove at its end). */
  close(): void {
    this.flush();
    this.db.close();
    open.delete(this);
    removeAtEnd(this.folder);
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    open.delete(this);
    if (this.db?.open) this.db.close();
    removeFolder(this.folder);
    others.delete(this.folder);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.db.transaction(() => {
      for (const { rule, event } of rows) this.insertHit.run(rule.id, rule.name ?? null, event.index, event.time ?? null, encode(event.fields));
    })();
    this.pending = [];
  }

  evaluate(rules: CorrelationRule[], options: EvaluateCorrelationOptions = {}): CorrelationHit[] {
    this.flush();
    if (rules.length === 0) return [];
    this.db.exec('CREATE INDEX IF NOT EXISTS hits_by_event ON hits (idx)');
    const plan = new CorrelationPlan(rules);
    const store = new DatabaseEntryStore(this.db);
    this.addDetections(plan, store);
    store.indexed();
    return evaluateStoredCorrelations(plan, store, options);
  }

  /**
   * Every held hit of a referenced rule, in event order, as the entries of the rules that count it (a rule's hit
   * on an event once): timed at its event's time or, untimed, at the closest earlier timed hit's (the first timed
   * one's before any), as evaluateCorrelations times them.
   */
  private addDetections(plan: CorrelationPlan, store: DatabaseEntryStore): void {
    const referenced = plan.referenced;
    const isReferenced = (row: Pick<HitRow, 'rule_id' | 'rule_name'>): boolean => referenced.has(row.rule_id) || (row.rule_name !== null && referenced.has(row.rule_name));
    const timed = this.db.prepare('SELECT rule_id, rule_name, time FROM hits WHERE time IS NOT NULL ORDER BY idx, rowid').iterate() as IterableIterator<HitRow>;
    // Untimed hits before the first timed one take its time (a batch without any time is one instant).
    let lastTime = 0;
    for (const row of timed) {
      if (!isReferenced(row)) continue;
      lastTime = row.time as number;
      break;
    }
    timed.return?.();
    // Keyset pages in event order, then push order (no statement may run while another is read).
    const page = this.db.prepare('SELECT rowid AS rid, rule_id, rule_name, idx, time, fields FROM hits WHERE (idx, rowid) > (?, ?) ORDER BY idx, rowid LIMIT ?');
    let after = { idx: -1, rid: 0 };
    let event: { idx: number; rules: Set<string> } = { idx: -1, rules: new Set() };
    for (;;) {
      const rows = page.all(after.idx, after.rid, BATCH) as HitRow[];
      if (rows.length === 0) break;
      const last = rows[rows.length - 1];
      after = { idx: last.idx, rid: last.rid };
      for (const row of rows) {
        if (!isReferenced(row)) continue;
        if (row.time !== null) lastTime = row.time;
        if (row.idx !== event.idx) event = { idx: row.idx, rules: new Set() };
        if (event.rules.has(row.rule_id)) continue;
        event.rules.add(row.rule_id);
        const fields = decode<Record<string, unknown>>(row.fields);
        const rule = { id: row.rule_id, name: row.rule_name ?? undefined } as RuleRef;
        plan.addDetection(store, detectionOccurrence({ rule, event: { index: row.idx, fields, logsource: {}, time: row.time ?? undefined } }, lastTime));
      }
      store.flush();
    }
  }
}

/**
 * Correlation entries in the database: each rule's groups read back in group order, then in compareEntries order
 * (ties in the order entries were added, as a stable sort leaves them in memory).
 */
class DatabaseEntryStore implements CorrelationEntryStore {
  private readonly insert: Database.Statement;
  private pending: Array<{ rule: number; entry: Entry }> = [];
  private seq = 0;
  readonly events: EventLookup;

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS entries (rule INTEGER NOT NULL, gkey BLOB NOT NULL, ord REAL NOT NULL, tiebreak INTEGER NOT NULL,
      okey INTEGER NOT NULL, ref INTEGER NOT NULL, seq INTEGER NOT NULL, first REAL, last REAL, indices, gvals NOT NULL, value)`);
    this.insert = db.prepare('INSERT INTO entries (rule, gkey, ord, tiebreak, okey, ref, seq, first, last, indices, gvals, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const byIndex = db.prepare('SELECT idx, time, fields FROM hits WHERE idx = ? ORDER BY rowid LIMIT 1');
    this.events = {
      get: (index: number): SigmaEvent | undefined => {
        const row = byIndex.get(index) as HitRow | undefined;
        return row && { index: row.idx, fields: decode<Record<string, unknown>>(row.fields), logsource: {}, time: row.time ?? undefined };
      },
    };
  }

  add(rule: number, entry: Entry): void {
    this.pending.push({ rule, entry });
    if (this.pending.length >= BATCH) this.flush();
  }

  /** The detections are in: the order the groups are read in is indexed once (later entries, chained hits, are few). */
  indexed(): void {
    this.flush();
    this.db.exec('CREATE INDEX IF NOT EXISTS entries_in_order ON entries (rule, gkey, ord, tiebreak, okey, ref, seq)');
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.db.transaction(() => {
      for (const { rule, entry } of entries) {
        const { occ } = entry;
        this.insert.run(
          rule,
          // UTF-16 code units as they are: a lone surrogate keeps its group (SQLite's text would make it U+FFFD).
          Buffer.from(groupKeyOf(entry.groupValues), 'utf16le'),
          occ.order,
          occ.tiebreak,
          occ.key,
          entry.ref,
          this.seq++,
          occ.firstTime ?? null,
          occ.lastTime ?? null,
          // A detection's one event is its key: only a chained hit's events are written out.
          occ.eventIndices.length === 1 && occ.eventIndices[0] === occ.key ? null : encode(occ.eventIndices),
          encode(entry.groupValues),
          entry.value === undefined ? null : encode(entry.value),
        );
      }
    })();
    this.pending = [];
  }

  *groups(rule: number): Iterable<EntryGroup> {
    this.flush();
    const rows = this.db
      .prepare('SELECT gkey, ord, tiebreak, okey, ref, seq, first, last, indices, gvals, value FROM entries WHERE rule = ? ORDER BY gkey, ord, tiebreak, okey, ref, seq')
      .iterate(rule) as IterableIterator<EntryRow>;
    let row = rows.next();
    try {
      while (!row.done) {
        const key = row.value.gkey;
        const keyText = key.toString('utf16le');
        // The group's values as its first entry in reference order, then in the order added, spells them.
        let first = row.value;
        let pending: EntryRow | undefined = row.value;
        const next = (): Entry | undefined => {
          if (pending === undefined) {
            row = rows.next();
            if (row.done || !row.value.gkey.equals(key)) return undefined;
            pending = row.value;
          }
          const current = pending;
          pending = undefined;
          if (current.ref < first.ref || (current.ref === first.ref && current.seq < first.seq)) first = current;
          return toEntry(current);
        };
        yield { key: keyText, next, groupValues: () => decode<unknown[]>(first.gvals) };
        // The group's unread rows (an evaluation that stopped early) are passed over.
        if (pending !== undefined) row = rows.next();
        while (!row.done && row.value.gkey.equals(key)) row = rows.next();
      }
    } finally {
      rows.return?.();
    }
    this.db.prepare('DELETE FROM entries WHERE rule = ?').run(rule);
  }
}

/** An entry as evaluation reads it (its group values are the group's: not read per entry). */
function toEntry(row: EntryRow): Entry {
  const occ: Occurrence = {
    key: row.okey,
    order: row.ord,
    tiebreak: row.tiebreak,
    firstTime: row.first ?? undefined,
    lastTime: row.last ?? undefined,
    eventIndices: row.indices === null ? [row.okey] : decode<number[]>(row.indices),
    sourceIds: [],
  };
  const entry: Entry = { ref: row.ref, occ, groupValues: [] };
  if (row.value !== null) {
    const value = decode<unknown>(row.value);
    entry.value = value;
    entry.valueKey = valueKey(value);
    entry.num = numericValue(value);
  }
  return entry;
}
