/**
 * The hits a hunt keeps for correlation rules until it evaluates them (at the end of a file, or of the hunt with
 * --correlate-across-files). Up to correlationHold.spillAt they are held in memory; past it, they go to a
 * temporary SQLite database (better-sqlite3) under the system's temporary folder, so that memory stays bounded
 * however many hits a noisy base rule gives. The database is evaluated where it lies: its hits are turned into
 * correlation entries in event order (each untimed event taking the time of the closest earlier timed one, as
 * the in-memory evaluation does), the entries sorted by the database, and every group read in order, holding
 * only its current window (evaluateStoredCorrelations). The result is the in-memory evaluation's, hit for hit.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CorrelationHit, RuleRef } from '../engine/model';
import {
  type CorrelationEntryStore,
  type CorrelationInput,
  CorrelationPlan,
  type CorrelationRule,
  type EntryGroup,
  type EvaluateCorrelationOptions,
  type SigmaEvent,
  detectionOccurrence,
  evaluateCorrelations,
  evaluateStoredCorrelations,
  groupKeyOf,
} from '../engine/sigma/correlation';
import type { Entry, Occurrence } from '../engine/sigma/correlation/entries';
import { numericValue, valueKey } from '../engine/sigma/correlation/fields';

/** Kept hits past which a hold moves to disk (tests lower it). */
export const correlationHold = { spillAt: 500_000 };

/** Rows written or read a transaction / a query. */
const BATCH = 10_000;

export type HeldInput = CorrelationInput;

/** Hits kept for correlation rules: in memory, then past `spillAt` in a temporary database. */
export class CorrelationHold {
  private inputs: HeldInput[] = [];
  private spilled: SpilledHits | undefined;
  private count = 0;

  constructor(
    private readonly spillAt = correlationHold.spillAt,
    /** Told once, when the hold moves to disk (the folder it uses). */
    private readonly onSpill?: (folder: string) => void,
  ) {}

  get size(): number {
    return this.count;
  }

  /** The temporary database's folder, once the hold has moved to disk. */
  get folder(): string | undefined {
    return this.spilled?.folder;
  }

  push(input: HeldInput): void {
    this.count++;
    if (this.spilled !== undefined) {
      this.spilled.add(input);
      return;
    }
    this.inputs.push(input);
    if (this.inputs.length < this.spillAt) return;
    this.spilled = SpilledHits.create();
    for (const held of this.inputs) this.spilled.add(held);
    this.inputs = [];
    this.onSpill?.(this.spilled.folder);
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

/** Evaluates a database handed over by CorrelationHold.handOver, then removes it. */
export function evaluateSpilledFile(database: string, rules: CorrelationRule[]): CorrelationHit[] {
  const spilled = SpilledHits.open(database);
  try {
    return spilled.evaluate(rules);
  } finally {
    spilled.remove();
  }
}

/** Temporary databases of this thread not yet removed: removed at exit, or on a signal that ends the process. */
const open = new Set<SpilledHits>();
let hooked = false;
const FOLDER_PREFIX = 'lantern-correlations-';

function removeAtExit(spilled: SpilledHits): void {
  open.add(spilled);
  if (hooked) return;
  hooked = true;
  const removeAll = (): void => {
    for (const held of open) held.remove();
  };
  process.on('exit', removeAll);
  sweepStale();
  // Signals reach the main thread only; a worker's databases are swept by the next hunt that spills.
  if (!isMainThread) return;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      removeAll();
      // Ended as the signal would have ended it without this handler.
      process.kill(process.pid, signal);
    });
  }
}

/** Folders of earlier hunts whose process is gone (killed, crashed): removed, so that disk is not lost to them. */
export function sweepStale(folder = tmpdir()): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^lantern-correlations-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    rmSync(join(folder, name), { recursive: true, force: true });
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
  rule_id: string;
  rule_name: string | null;
  idx: number;
  time: number | null;
  fields: string;
}

interface EntryRow {
  gkey: string;
  ord: number;
  tiebreak: number;
  okey: number;
  ref: number;
  first: number | null;
  last: number | null;
  indices: string | null;
  gvals: string;
  value: string | null;
}

class SpilledHits {
  readonly folder: string;
  readonly path: string;
  private db: Database.Database;
  private pending: HeldInput[] = [];
  private readonly insertHit: Database.Statement;
  private removed = false;

  private constructor(path?: string) {
    this.folder = path === undefined ? mkdtempSync(join(tmpdir(), `${FOLDER_PREFIX}${process.pid}-`)) : dirname(path);
    this.path = path ?? join(this.folder, 'held.sqlite');
    this.db = new Database(this.path);
    // Scratch data: nothing to recover after a crash, so no journal and no sync.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -65536');
    // Indexed once, when evaluated: appending to an unindexed table is what the hunt waits on.
    this.db.exec('CREATE TABLE IF NOT EXISTS hits (rule_id TEXT NOT NULL, rule_name TEXT, idx INTEGER NOT NULL, time REAL, fields TEXT NOT NULL)');
    this.insertHit = this.db.prepare('INSERT INTO hits (rule_id, rule_name, idx, time, fields) VALUES (?, ?, ?, ?, ?)');
    removeAtExit(this);
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

  close(): void {
    this.flush();
    this.db.close();
    open.delete(this);
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    open.delete(this);
    if (this.db.open) this.db.close();
    rmSync(this.folder, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const { rule, event } of rows) this.insertHit.run(rule.id, rule.name ?? null, event.index, event.time ?? null, JSON.stringify(event.fields));
    })();
  }

  evaluate(rules: CorrelationRule[], options: EvaluateCorrelationOptions = {}): CorrelationHit[] {
    this.flush();
    if (rules.length === 0) return [];
    this.db.exec('CREATE INDEX IF NOT EXISTS hits_by_event ON hits (idx, rule_id)');
    const plan = new CorrelationPlan(rules);
    const store = new DatabaseEntryStore(this.db);
    this.addDetections(plan, store);
    return evaluateStoredCorrelations(plan, store, options);
  }

  /**
   * Every held hit of a wanted rule, in event order, as the entries of the rules that count it: timed at its
   * event's time or, untimed, at the closest earlier timed hit's (the first timed one's before any), as
   * evaluateCorrelations times them.
   */
  private addDetections(plan: CorrelationPlan, store: DatabaseEntryStore): void {
    const wanted = plan.wanted;
    const isWanted = (row: HitRow): boolean => wanted.has(row.rule_id) || (row.rule_name !== null && wanted.has(row.rule_name));
    const firstTimed = this.db.prepare('SELECT time, rule_id, rule_name FROM hits WHERE time IS NOT NULL ORDER BY idx').iterate() as IterableIterator<HitRow>;
    // Untimed hits before the first timed one take its time (a batch without any time is one instant).
    let lastTime = 0;
    for (const row of firstTimed) {
      if (!isWanted(row)) continue;
      lastTime = row.time as number;
      break;
    }
    firstTimed.return?.();
    // Keyset pages in event order (no statement may run while another is read); a rule's hit on an event counts once.
    const page = this.db.prepare('SELECT rowid AS rid, rule_id, rule_name, idx, time, fields FROM hits WHERE (idx, rule_id, rowid) > (?, ?, ?) ORDER BY idx, rule_id, rowid LIMIT ?');
    let after = { idx: -1, rule: '', rid: 0 };
    for (;;) {
      const rows = page.all(after.idx, after.rule, after.rid, BATCH) as Array<HitRow & { rid: number }>;
      if (rows.length === 0) break;
      const entries: Array<{ rule: number; entry: Entry }> = [];
      const collect: CorrelationEntryStore = { add: (rule, entry) => entries.push({ rule, entry }), groups: () => [], events: store.events };
      for (const row of rows) {
        const repeated = row.idx === after.idx && row.rule_id === after.rule;
        after = { idx: row.idx, rule: row.rule_id, rid: row.rid };
        if (repeated || !isWanted(row)) continue;
        if (row.time !== null) lastTime = row.time;
        const event: SigmaEvent = { index: row.idx, fields: JSON.parse(row.fields) as Record<string, unknown>, logsource: {}, time: row.time ?? undefined };
        const rule = { id: row.rule_id, name: row.rule_name ?? undefined } as RuleRef;
        plan.addDetection(collect, detectionOccurrence({ rule, event }, lastTime));
      }
      store.addAll(entries);
    }
  }

}

/** Correlation entries in the database: each rule's groups read back in group, then compareEntries, order. */
class DatabaseEntryStore implements CorrelationEntryStore {
  private readonly insert: Database.Statement;
  readonly events: { get(index: number): SigmaEvent | undefined };

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS entries (rule INTEGER NOT NULL, gkey TEXT NOT NULL, ord REAL NOT NULL, tiebreak INTEGER NOT NULL,
      okey INTEGER NOT NULL, ref INTEGER NOT NULL, first REAL, last REAL, indices TEXT, gvals TEXT NOT NULL, value TEXT)`);
    this.insert = db.prepare('INSERT INTO entries (rule, gkey, ord, tiebreak, okey, ref, first, last, indices, gvals, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const byIndex = db.prepare('SELECT idx, time, fields FROM hits WHERE idx = ? LIMIT 1');
    this.events = {
      get: (index: number): SigmaEvent | undefined => {
        const row = byIndex.get(index) as HitRow | undefined;
        return row && { index: row.idx, fields: JSON.parse(row.fields) as Record<string, unknown>, logsource: {}, time: row.time ?? undefined };
      },
    };
  }

  add(rule: number, entry: Entry): void {
    this.addAll([{ rule, entry }]);
  }

  addAll(entries: Array<{ rule: number; entry: Entry }>): void {
    if (entries.length === 0) return;
    this.db.transaction(() => {
      for (const { rule, entry } of entries) {
        const { occ } = entry;
        this.insert.run(
          rule,
          groupKeyOf(entry.groupValues),
          occ.order,
          occ.tiebreak,
          occ.key,
          entry.ref,
          occ.firstTime ?? null,
          occ.lastTime ?? null,
          // A detection's one event is its key: only a chained hit's events are written out.
          occ.eventIndices.length === 1 && occ.eventIndices[0] === occ.key ? null : JSON.stringify(occ.eventIndices),
          JSON.stringify(entry.groupValues),
          entry.value === undefined ? null : JSON.stringify(entry.value),
        );
      }
    })();
  }

  *groups(rule: number): Iterable<EntryGroup> {
    const rows = this.db.prepare('SELECT gkey, ord, tiebreak, okey, ref, first, last, indices, gvals, value FROM entries WHERE rule = ? ORDER BY gkey, ord, tiebreak, okey, ref').iterate(rule) as IterableIterator<EntryRow>;
    let row = rows.next();
    try {
      while (!row.done) {
        const key = row.value.gkey;
        // One group, one set of group values: read once.
        const groupValues = JSON.parse(row.value.gvals) as unknown[];
        const first = toEntry(row.value, groupValues);
        let pending: Entry | undefined = first;
        const next = (): Entry | undefined => {
          if (pending !== undefined) {
            const entry = pending;
            pending = undefined;
            return entry;
          }
          row = rows.next();
          if (row.done || row.value.gkey !== key) return undefined;
          return toEntry(row.value, groupValues);
        };
        yield { key, groupValues, next };
        // The group's unread rows (an evaluation that stopped early) are passed over.
        while (!row.done && row.value.gkey === key) row = rows.next();
      }
    } finally {
      rows.return?.();
    }
    this.db.prepare('DELETE FROM entries WHERE rule = ?').run(rule);
  }
}

function toEntry(row: EntryRow, groupValues: unknown[]): Entry {
  const occ: Occurrence = {
    key: row.okey,
    order: row.ord,
    tiebreak: row.tiebreak,
    firstTime: row.first ?? undefined,
    lastTime: row.last ?? undefined,
    eventIndices: row.indices === null ? [row.okey] : (JSON.parse(row.indices) as number[]),
    sourceIds: [],
  };
  const entry: Entry = { ref: row.ref, occ, groupValues };
  if (row.value !== null) {
    const value: unknown = JSON.parse(row.value);
    entry.value = value;
    entry.valueKey = valueKey(value);
    entry.num = numericValue(value);
  }
  return entry;
}
