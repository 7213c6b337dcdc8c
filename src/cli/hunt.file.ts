/**
 * Hunting one input file: its events read (hunt.input.ts, hunt.csv.ts), each matched against the rule set,
 * detections handed to a record sink as found and, at the end of the file, the file's correlations. The
 * command (hunt.command.ts) runs it for every input in turn, or hands inputs to worker threads
 * (hunt.parallel.ts, hunt.worker.ts), which run the same function over their own copy of the rules.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { CorrelationHit, RuleRef } from '../engine/model';
import { knownLogsources } from '../engine/normalize';
import type { MatchableEvent } from '../engine/normalize/normalize';
import { type RuleSelection, type RuleSet, type SigmaEvent, loadRuleSet } from '../engine/sigma';
import { type CorrelationInput, correlationFieldNames, evaluateCorrelations, isReported, readFields } from '../engine/sigma/correlation';
import { CorrelationHold, type HoldNotes } from './hunt.correlation-hold';
import { readCsvEvents } from './hunt.csv';
import { type InputFormat, InputError, type InputProgress, readInputEvents } from './hunt.input';
import { tooLongForText } from './hunt.input-error';
import type { CommandIO } from './hunt.io';
import { type EventOrigin, type HuntRecord, correlationRecord, detectionRecord, levelRank, matchRecord } from './hunt.output';

/** Where hits go: the output writer, or a worker's batch for the main thread. */
export interface RecordSink {
  record(record: HuntRecord): void;
  /** Called after each chunk of input: hits so far go out before the next chunk is read. */
  flush(): void;
  /** After flush: a promise while the output can take no more; no further input is read until it settles. */
  drained?(): Promise<void> | undefined;
}

/** The progress display (stderr, terminals only). */
export interface ProgressSink {
  update(file: string, events: number, input: InputProgress): void;
  /** A line for the user on stderr (the progress display cleared first). */
  note(text: string): void;
  /** A worker's temporary folder, for the main thread to remove at the end (hunt.correlation-hold.ts). */
  kept?(folder: string): void;
}

/** Hits kept for correlation rules past which the user is told, then at every doubling. */
export const correlationLoad = { warnAt: 1_000_000 };

/**
 * Counts the hits kept for correlation rules (held until the file's correlations are evaluated, or the hunt's with
 * --correlate-across-files) and says so on stderr past correlationLoad.warnAt and at every doubling after: memory
 * grows with them until they move to disk (CorrelationHold), and then the disk and the evaluation's time do; the
 * user can leave a noisy base rule out.
 */
export class CorrelationLoad {
  private kept = 0;
  private next = correlationLoad.warnAt;
  private readonly byRule = new Map<string, { title: string; count: number }>();

  /** Where the kept hits went once they outgrew memory (CorrelationHold): then the warning speaks of disk. */
  private disk: string | undefined;

  constructor(private readonly note: (text: string) => void) {}

  onDisk(folder: string): void {
    this.disk = folder;
  }

  add(rule: Pick<RuleRef, 'id' | 'title'>, where: string): void {
    const counted = this.byRule.get(rule.id);
    if (counted === undefined) this.byRule.set(rule.id, { title: rule.title, count: 1 });
    else counted.count++;
    if (++this.kept < this.next) return;
    this.next *= 2;
    let most = { id: rule.id, title: rule.title, count: 0 };
    for (const [id, { title, count }] of this.byRule) if (count > most.count) most = { id, title, count };
    // About 0.25 KB a kept hit in memory, twice that while correlations are evaluated (bench/README.md, session 7).
    const held = this.disk === undefined ? `about ${Math.round((this.kept * 250) / 1e6)} MB, twice that while correlations are evaluated` : `in a temporary database in ${this.disk}`;
    this.note(
      `lantern hunt: ${where}: ${this.kept.toLocaleString('en-US')} hits kept so far for correlation rules (${held}); most from "${most.title}" (${most.count.toLocaleString('en-US')}): --exclude-rule ${most.id} leaves it out\n`,
    );
  }

  /** The kept hits were let go (a file's correlations evaluated). */
  clear(): void {
    this.kept = 0;
    this.next = correlationLoad.warnAt;
    this.byRule.clear();
    this.disk = undefined;
  }
}

/** Every rule of a set in one sequence (detection rules, then correlation rules): positions name rules across threads. */
export function ruleRefs(ruleSet: RuleSet): RuleRef[] {
  return [...ruleSet.detectionRules.map((rule) => rule.ref), ...ruleSet.correlationRules.map((rule) => rule.ref)];
}

/** The rule set `lantern hunt` runs: routes for every logsource the normaliser assigns are compiled at load. */
export function loadHuntRules(paths: string[], placeholders?: Record<string, string[]>, select?: RuleSelection): RuleSet {
  return loadRuleSet(paths, { placeholders, logsources: knownLogsources(), select });
}

export interface Counters {
  events: number;
  detections: number;
  correlations: number;
  /** Events left out by --from/--to, and how many of those had no time at all. */
  outside: number;
  untimed: number;
}

/** --from/--to as epoch milliseconds, both inclusive. */
/** Counters of a hunt (or of one file or chunk of it, added up by the main thread). */
export function zeroCounters(): Counters {
  return { events: 0, detections: 0, correlations: 0, outside: 0, untimed: 0 };
}

export interface TimeWindow {
  from: number;
  to: number;
}

/** Errors from Node internals may come from another realm (Jest, vm): read them by shape. */
export function errorField(error: unknown, field: 'message' | 'code'): string | undefined {
  if (typeof error !== 'object' || error === null || !(field in error)) return undefined;
  const value = (error as Record<string, unknown>)[field];
  return value === undefined ? undefined : String(value);
}

export function describeError(error: unknown): string {
  return errorField(error, 'message') ?? String(error);
}

function correlationKeys(ruleSet: RuleSet): Set<string> {
  return new Set(ruleSet.correlationRules.flatMap((rule) => rule.rules));
}

function needsForCorrelation(rule: RuleRef, keys: Set<string>): boolean {
  return keys.has(rule.id) || (rule.name !== undefined && keys.has(rule.name));
}

/** Where the hits kept for correlation rules go: a CorrelationHold (to disk past its limit), or a worker's array. */
export interface KeptInputs {
  push(input: CorrelationInput): void;
}

/**
 * Correlation inputs of every file (--correlate-across-files): each kept event is renumbered in one
 * sequence for the evaluation, and `origins[i]` says which file and event the number `i` stands for.
 */
export interface CrossFilePool<Inputs extends KeptInputs = KeptInputs> {
  inputs: Inputs;
  origins: EventOrigin[];
}

export interface HuntContext {
  ruleSet: RuleSet;
  writer: RecordSink;
  minRank: number;
  ignoreLogsource: boolean;
  explain: boolean;
  /** --with-event: detections carry their event's fields. */
  withEvent: boolean;
  window: TimeWindow | undefined;
  counters: Counters;
  /** --stats: hits reported per rule. */
  hitsByRule: Map<RuleRef, number> | undefined;
  progress: ProgressSink;
  pool?: CrossFilePool;
  inputFormat: InputFormat;
  /** Hits kept for correlation rules, counted to warn the user (HuntContext of one thread or one worker). */
  load?: CorrelationLoad;
}

interface OpenedInput {
  source: Readable;
  input: InputProgress;
  counted: InputProgress;
  /** Dates year-less syslog lines: the file's modification time (a log is written up to then), or now for stdin. */
  referenceTime: number;
  close: () => void;
}

/** The input's bytes (gunzipped for `.gz`), and the progress counter that tracks the file's own bytes. */
export function openInput(file: string, io?: CommandIO): OpenedInput {
  if (file === '-') {
    if (io === undefined) throw new Error('standard input is read only by the main thread');
    const input: InputProgress = { bytesRead: 0 };
    return { source: io.stdin, input, counted: input, referenceTime: Date.now(), close: () => undefined };
  }
  // Stat first: a file gone since the inputs were listed throws here, before a stream could fail unheard.
  const stat = statSync(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const input: InputProgress = { bytesRead: 0, totalBytes: stat.size };
  const referenceTime = stat.mtimeMs;
  if (!/\.gz$/i.test(file)) return { source: raw, input, counted: input, referenceTime, close: () => raw.destroy() };
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('data', (chunk: string | Buffer) => {
    input.bytesRead += chunk.length;
  });
  raw.on('error', (error) => gunzip.destroy(error));
  return { source: raw.pipe(gunzip), input, counted: { bytesRead: 0 }, referenceTime, close: () => raw.destroy() };
}

/** CSV exports are known by their name: a CSV row looks like any log line. */
const CSV_FILE = /\.csv(?:\.gz)?$/i;

/** What matching an event needs of a hunt's context (a file read here, or a chunk of one in a worker thread). */
export type VisitContext = Pick<HuntContext, 'ruleSet' | 'writer' | 'minRank' | 'ignoreLogsource' | 'explain' | 'withEvent' | 'window' | 'counters' | 'hitsByRule'>;

/**
 * Matches one event after another: counts it, leaves out what --from/--to excludes, writes each reported
 * detection and keeps what correlations need of each hit in `correlationInputs` (renumbered in `origins`
 * across files).
 */
export function eventVisitor(
  ctx: VisitContext,
  file: string,
  correlationInputs: KeptInputs,
  origins: EventOrigin[] | undefined,
  load?: CorrelationLoad,
): (event: MatchableEvent) => void {
  const { ruleSet, writer, minRank, counters, window } = ctx;
  const keys = correlationKeys(ruleSet);
  const hidden = ruleSet.hiddenKeys();
  const matchOptions = { ignoreLogsource: ctx.ignoreLogsource };
  const keptFields = correlationFieldNames(ruleSet.correlationRules);
  return (event: MatchableEvent): void => {
    counters.events++;
    if (window !== undefined) {
      const time = event.time;
      if (time === undefined || time < window.from || time > window.to) {
        counters.outside++;
        if (time === undefined) counters.untimed++;
        return;
      }
    }
    // What correlations keep of the event: made once, shared by every rule that hits it.
    let kept: SigmaEvent | undefined;
    for (const matched of ruleSet.matchingRules(event, matchOptions)) {
      const rule = matched.ref;
      if (keys.size > 0 && needsForCorrelation(rule, keys)) {
        correlationInputs.push({ rule, event: (kept ??= keptEvent(event, keptFields, file, origins)) });
        load?.add(rule, origins === undefined ? file : 'all inputs');
      }
      if (!isReported(rule, hidden) || !shownAt(rule, minRank)) continue;
      counters.detections++;
      tally(ctx.hitsByRule, rule);
      const record = detectionRecord(rule, event.index, event.time, file);
      if (ctx.explain) record.match = matchRecord(ruleSet.explainRule(event, matched));
      if (ctx.withEvent) record.event = event.fields;
      writer.record(record);
    }
  };
}

/** The correlations of one file's hits, written after its detections (the hits are let go). */
export function correlateFile(ctx: VisitContext, file: string, held: CorrelationHold | CorrelationInput[]): void {
  const { ruleSet } = ctx;
  if (ruleSet.correlationRules.length === 0) {
    if (!Array.isArray(held)) held.discard();
    return;
  }
  writeCorrelations(ctx, file, Array.isArray(held) ? evaluateCorrelations(ruleSet.correlationRules, held) : held.evaluate(ruleSet.correlationRules));
}

/** A file's correlation hits, as correlateFile writes them. */
export function writeCorrelations(ctx: VisitContext, file: string, hits: CorrelationHit[]): void {
  const { ruleSet, writer, minRank, counters } = ctx;
  const hidden = ruleSet.hiddenKeys();
  for (const hit of hits) {
    if (!shownAt(hit.rule, minRank) || !isReported(hit.rule, hidden)) continue;
    counters.correlations++;
    tally(ctx.hitsByRule, hit.rule);
    writer.record(correlationRecord(hit, file));
  }
}

export async function huntFile(file: string, io: CommandIO, ctx: HuntContext): Promise<void> {
  const { source, input, counted, referenceTime, close } = openInput(file, io);
  const { writer, counters } = ctx;
  const held = ctx.pool === undefined ? fileHold(file, ctx) : undefined;
  const matchEvent = eventVisitor(ctx, file, ctx.pool?.inputs ?? (held as CorrelationHold), ctx.pool?.origins, ctx.load);
  const visit = (event: MatchableEvent): void => {
    matchEvent(event);
    // A whole-document input (a request body, event XML) arrives as one batch: keep the display moving.
    if ((counters.events & 1023) === 0) ctx.progress.update(file, counters.events, input);
  };
  try {
    const format = ctx.inputFormat;
    const csv = format === 'csv' || (format === 'auto' && CSV_FILE.test(file));
    const batches = csv ? readCsvEvents(source, file, counted, referenceTime) : readInputEvents(source, file, counted, referenceTime, format);
    for await (const batch of batches) {
      batch.forEach(visit);
      // Hits of each chunk go out before the next is read: a slow or endless input still shows them.
      writer.flush();
      ctx.progress.update(file, counters.events, input);
      // A slow reader of the output holds the hunt back, rather than the hits piling up in memory.
      const drained = writer.drained?.();
      if (drained !== undefined) await drained;
    }
  } catch (error) {
    // The hits before the error are not correlated: their temporary database, if any, goes now.
    held?.discard();
    if (errorField(error, 'code')?.startsWith('Z_')) throw new InputError(`${file}: not a valid gzip file (${describeError(error)})`);
    if (tooLongForText(error)) throw tooLongInput(file);
    throw error;
  } finally {
    close();
  }
  if (held === undefined) return;
  correlateFile(ctx, file, held);
  ctx.load?.clear();
}

/** The hold of one file's hits for correlation rules; the user is told when it moves to disk. */
export function fileHold(file: string, ctx: Pick<HuntContext, 'progress' | 'load'>): CorrelationHold {
  return new CorrelationHold(undefined, holdNotes(file, ctx));
}

/** What the user is told of a hold of hits for correlation rules (`where`: the file, or all inputs). */
export function holdNotes(where: string, ctx: Pick<HuntContext, 'progress' | 'load'>): HoldNotes {
  return {
    spilled: (folder) => {
      ctx.load?.onDisk(folder);
      // A worker's folder is the main thread's to remove at the end (a terminated worker runs no exit hook).
      ctx.progress.kept?.(folder);
      ctx.progress.note(
        `lantern hunt: ${where}: more hits kept for correlation rules than memory should hold; the rest go to a temporary database in ${folder} (removed at the end), so memory stays bounded and the correlations take longer\n`,
      );
    },
    noDisk: (reason) =>
      ctx.progress.note(`lantern hunt: ${where}: no temporary database for the hits kept for correlation rules (${reason}); they stay in memory: set TMPDIR to a writable folder\n`),
  };
}

export function tooLongInput(file: string): InputError {
  return new InputError(`${file}: a line of more than 512 MiB cannot be read as text (V8's longest string); write its events one a line, for example with jq -c '.Records[]'`);
}

export function tally(hitsByRule: Map<RuleRef, number> | undefined, rule: RuleRef): void {
  if (hitsByRule !== undefined) hitsByRule.set(rule, (hitsByRule.get(rule) ?? 0) + 1);
}

/** Whether --min-level reports the rule's hits. */
export function shownAt(rule: RuleRef, minRank: number): boolean {
  return levelRank(rule.level) >= minRank;
}

/** A hit's event as correlations keep it; across files, renumbered in the pool's one sequence. */
function keptEvent(event: SigmaEvent, keptFields: string[], file: string, origins: EventOrigin[] | undefined): SigmaEvent {
  const kept = slim(event, keptFields);
  if (origins === undefined) return kept;
  origins.push({ file, index: event.index });
  return { ...kept, index: origins.length - 1 };
}

/** Keeps what correlations read (their fields, the time): a long hunt holds every referenced hit until the end. */
function slim(event: SigmaEvent, keptFields: string[]): SigmaEvent {
  return { index: event.index, fields: readFields(event.fields, keptFields), logsource: event.logsource, time: event.time };
}
