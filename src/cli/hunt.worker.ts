/**
 * A `lantern hunt --threads N` worker: loads its own copy of the rule set, then hunts the input files the
 * main thread hands it, one at a time, with the same huntFile as a single-threaded hunt. Hits go back in
 * batches (one per chunk of input), then the file's counters, --stats tallies and, with
 * --correlate-across-files, what correlations keep of its hits. Rules are named by their position in the
 * rule set, which the main thread loaded from the same paths in the same order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RuleRef } from '../engine/model';
import type { RuleLoadError, RuleSelection, RuleSet, SigmaEvent } from '../engine/sigma';
import type { CorrelationInput } from '../engine/sigma/correlation';
import { correlationHold, evaluateSpilledFile } from './hunt.correlation-hold';
import { CorrelationLoad, type Counters, type CrossFilePool, correlationLoad, type HuntContext, type RecordSink, type TimeWindow, type VisitContext, correlateFile, describeError, eventVisitor, huntFile, loadHuntRules, ruleRefs, tooLongInput, writeCorrelations, zeroCounters } from './hunt.file';
import { tooLongForText } from './hunt.input-error';
import { InputError, type InputFormat, type LineState, chunkEvents } from './hunt.input';
import type { CommandIO } from './hunt.io';
import { TURN, waitTurn } from './hunt.turn';
import type { EventOrigin, HuntRecord } from './hunt.output';

/** What every file of a hunt shares (the command's options). */
export interface HuntWorkerSettings {
  /** Marks the data of a hunt worker (the module does nothing in any other thread that imports it). */
  huntWorker: true;
  rules: string[];
  placeholders?: Record<string, string[]>;
  minRank: number;
  ignoreLogsource: boolean;
  explain: boolean;
  withEvent: boolean;
  window: TimeWindow | undefined;
  stats: boolean;
  crossFile: boolean;
  inputFormat: InputFormat;
  select: RuleSelection | undefined;
  /** Shared with the main thread (HuntPool): when a worker may read further. */
  turn?: { control: SharedArrayBuffer; maxHeld: number };
  /** correlationLoad.warnAt of the main thread, so that workers warn alike. */
  loadWarnAt?: number;
  /** correlationHold.spillAt and .dir of the main thread (tests set them). */
  spillAt?: number;
  tempDir?: string;
}

/** A whole input file. */
export interface FileJob {
  kind: 'file';
  fileNo: number;
  file: string;
}

/** Whole lines of a large JSON Lines input (hunt.chunks.ts): events and line numbers counted from the chunk's start. */
export interface ChunkJob {
  kind: 'chunk';
  jobId: number;
  file: string;
  bytes: Uint8Array;
  lineStart: number;
  /** The lines' state as known when the chunk was sent (the main thread sends it again when that was not the state). */
  state: LineState;
  referenceTime: number;
}

/**
 * One file's correlation inputs, gathered from its chunks: its correlations are evaluated by a worker, which has the
 * rules. The inputs themselves, or the temporary database they outgrew memory into (the worker removes it).
 */
export interface CorrelateJob {
  kind: 'correlate';
  jobId: number;
  file: string;
  inputs?: PooledInput[];
  database?: string;
}

export type HuntJob = FileJob | ChunkJob | CorrelateJob;

/** A correlation input of one file: its rule by position (ruleRefs), its event numbered within the file's origins. */
export interface PooledInput {
  rule: number;
  event: SigmaEvent;
}

/** The rule set as a worker loaded it: enough for the main thread to report it without loading it too. */
export interface WorkerRules {
  size: number;
  errors: RuleLoadError[];
  /** Every rule in order (ruleRefs): hits and tallies name rules by position in it. */
  refs: RuleRef[];
  /** What the rule selection left out, when one was made. */
  selection: RuleSet['selection'];
  /** Correlation rules among them. */
  correlations: number;
}

export type HuntWorkerReply =
  | { kind: 'ready'; rules: WorkerRules }
  | { kind: 'records'; fileNo: number; records: HuntRecord[]; events: number }
  | { kind: 'done'; fileNo: number; counters: Counters; hits: Array<[number, number]>; pool?: { inputs: PooledInput[]; origins: EventOrigin[] } }
  | { kind: 'failed'; fileNo: number; message: string }
  /** A line for the user (stderr), such as the correlation load warning. */
  | { kind: 'note'; text: string }
  /** A temporary folder this worker made: the main thread removes it at the end, whatever becomes of the worker. */
  | { kind: 'kept'; folder: string }
  | ChunkReply
  | CorrelateReply;

/** What a chunk made: its hits (event indices from the chunk's start), tallies, correlation inputs and the lines' state after it. */
export interface ChunkReply {
  kind: 'chunk';
  jobId: number;
  records: HuntRecord[];
  counters: Counters;
  hits: Array<[number, number]>;
  /** Correlation inputs, events numbered from the chunk's start (or within `origins`, across files). */
  inputs: PooledInput[];
  origins?: EventOrigin[];
  /** A line took its year, or its header, from the state the chunk started from: the chunk holds only if that part was right. */
  readsYears: boolean;
  readsContext: boolean;
  /** A fully dated line of the chunk set the year reference. */
  setsYears: boolean;
  state: LineState;
  /** An input error (`--input-format json`), after the hits of the lines before it. */
  failed?: string;
}

export interface CorrelateReply {
  kind: 'correlated';
  jobId: number;
  records: HuntRecord[];
  counters: Counters;
  hits: Array<[number, number]>;
}

/** Worker threads never read stdin (a hunt with `-` runs on the main thread) nor draw progress. */
const NO_IO: CommandIO = {
  stdout: () => undefined,
  stderr: () => undefined,
  get stdin(): never {
    throw new Error('a hunt worker does not read standard input');
  },
  stderrIsTTY: false,
  now: () => performance.now(),
};

function position(positions: Map<RuleRef, number>, rule: RuleRef): number {
  const at = positions.get(rule);
  if (at === undefined) throw new Error(`rule ${rule.id} is not in the worker's rule set`);
  return at;
}

/** A worker's rule set and how it names rules to the main thread. */
interface Loaded {
  ruleSet: RuleSet;
  positions: Map<RuleRef, number>;
  refs: RuleRef[];
}

/** A visit context whose records are collected for one reply. */
function collecting(loaded: Loaded, settings: HuntWorkerSettings): { ctx: VisitContext; records: HuntRecord[]; hits: () => Array<[number, number]> } {
  const records: HuntRecord[] = [];
  const hitsByRule = settings.stats ? new Map<RuleRef, number>() : undefined;
  const ctx: VisitContext = {
    ruleSet: loaded.ruleSet,
    writer: { record: (record) => records.push(record), flush: () => undefined },
    minRank: settings.minRank,
    ignoreLogsource: settings.ignoreLogsource,
    explain: settings.explain,
    withEvent: settings.withEvent,
    window: settings.window,
    counters: zeroCounters(),
    hitsByRule,
  };
  const hits = (): Array<[number, number]> => [...(hitsByRule ?? [])].map(([rule, count]): [number, number] => [position(loaded.positions, rule), count]);
  return { ctx, records, hits };
}

function huntChunk(job: ChunkJob, loaded: Loaded, settings: HuntWorkerSettings): ChunkReply {
  const { ctx, records, hits } = collecting(loaded, settings);
  const inputs: Array<{ rule: RuleRef; event: SigmaEvent }> = [];
  const origins = settings.crossFile ? [] : undefined;
  const visit = eventVisitor(ctx, job.file, inputs, origins);
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  const events = chunkEvents(bytes, job.file, settings.inputFormat === 'json' ? 'json' : 'auto', job.lineStart, job.state, job.referenceTime);
  let failed: string | undefined;
  try {
    events.forEach(visit);
  } catch (error) {
    // Only an input error ends a chunk early; anything else is a fault of the worker (HuntWorkerError).
    if (tooLongForText(error)) failed = tooLongInput(job.file).message;
    else if (!(error instanceof InputError)) throw error;
    else failed = error.message;
  }
  return {
    kind: 'chunk',
    jobId: job.jobId,
    records,
    counters: ctx.counters,
    hits: hits(),
    inputs: inputs.map((input) => ({ rule: position(loaded.positions, input.rule), event: input.event })),
    origins,
    readsYears: events.readsYears,
    readsContext: events.readsContext,
    setsYears: events.setsYears,
    state: events.state,
    failed,
  };
}

function correlate(job: CorrelateJob, loaded: Loaded, settings: HuntWorkerSettings): CorrelateReply {
  const { ctx, records, hits } = collecting(loaded, settings);
  if (job.database !== undefined) writeCorrelations(ctx, job.file, evaluateSpilledFile(job.database, loaded.ruleSet.correlationRules));
  else correlateFile(ctx, job.file, (job.inputs ?? []).map((input) => ({ rule: loaded.refs[input.rule], event: input.event })));
  return { kind: 'correlated', jobId: job.jobId, records, counters: ctx.counters, hits: hits() };
}

async function huntJob(job: FileJob, ruleSet: RuleSet, positions: Map<RuleRef, number>, settings: HuntWorkerSettings, post: (reply: HuntWorkerReply) => void): Promise<void> {
  const counters = zeroCounters();
  const hitsByRule = settings.stats ? new Map<RuleRef, number>() : undefined;
  // Sent to the main thread after the file (which holds every file's, to disk past its limit).
  const pool: CrossFilePool<CorrelationInput[]> | undefined = settings.crossFile ? { inputs: [], origins: [] } : undefined;
  let batch: HuntRecord[] = [];
  let reported = 0;
  const turn = settings.turn;
  const control = turn && new Int32Array(turn.control);
  const sink: RecordSink = {
    record: (record) => {
      batch.push(record);
    },
    flush: () => {
      if (batch.length === 0 && counters.events === reported) return;
      if (control !== undefined) Atomics.add(control, TURN.Held, batch.length);
      post({ kind: 'records', fileNo: job.fileNo, records: batch, events: counters.events - reported });
      batch = [];
      reported = counters.events;
    },
    // Blocks this thread (nothing else runs in it meanwhile) until the main thread says it may go on.
    drained: () => {
      if (control !== undefined && turn !== undefined) waitTurn(control, job.fileNo, turn.maxHeld);
      return undefined;
    },
  };
  const ctx: HuntContext = {
    ruleSet,
    writer: sink,
    minRank: settings.minRank,
    ignoreLogsource: settings.ignoreLogsource,
    explain: settings.explain,
    withEvent: settings.withEvent,
    window: settings.window,
    counters,
    hitsByRule,
    progress: { update: () => undefined, note: (text) => post({ kind: 'note', text }), kept: (folder) => post({ kind: 'kept', folder }) },
    // Across files, the main thread holds (and counts) the kept hits of every file.
    load: settings.crossFile ? undefined : new CorrelationLoad((text) => post({ kind: 'note', text })),
    pool,
    inputFormat: settings.inputFormat,
  };
  try {
    await huntFile(job.file, NO_IO, ctx);
  } catch (error) {
    sink.flush();
    post({ kind: 'failed', fileNo: job.fileNo, message: error instanceof InputError ? error.message : describeError(error) });
    return;
  }
  sink.flush();
  const hits = [...(hitsByRule ?? [])].map(([rule, count]): [number, number] => [position(positions, rule), count]);
  const pooled = pool && { inputs: pool.inputs.map((input) => ({ rule: position(positions, input.rule), event: input.event })), origins: pool.origins };
  post({ kind: 'done', fileNo: job.fileNo, counters, hits, pool: pooled });
}

function isHuntWorkerData(data: unknown): data is HuntWorkerSettings {
  return typeof data === 'object' && data !== null && (data as { huntWorker?: unknown }).huntWorker === true;
}

if (parentPort && isHuntWorkerData(workerData)) {
  const port = parentPort;
  const settings = workerData;
  if (settings.loadWarnAt !== undefined) correlationLoad.warnAt = settings.loadWarnAt;
  if (settings.spillAt !== undefined) correlationHold.spillAt = settings.spillAt;
  correlationHold.dir = settings.tempDir;
  const ruleSet = loadHuntRules(settings.rules, settings.placeholders, settings.select);
  const refs = ruleRefs(ruleSet);
  const loaded: Loaded = { ruleSet, refs, positions: new Map(refs.map((ref, i) => [ref, i])) };
  const post = (reply: HuntWorkerReply): void => port.postMessage(reply);
  post({ kind: 'ready', rules: { size: ruleSet.size, errors: ruleSet.errors, refs, selection: ruleSet.selection, correlations: ruleSet.correlationRules.length } });
  // One job at a time, in the order given.
  let queue = Promise.resolve();
  port.on('message', (job: HuntJob) => {
    queue = queue.then(async () => {
      if (job.kind === 'file') await huntJob(job, ruleSet, loaded.positions, settings, post);
      else if (job.kind === 'chunk') post(huntChunk(job, loaded, settings));
      else post(correlate(job, loaded, settings));
    });
  });
}
