/**
 * A `lantern hunt --threads N` worker: loads its own copy of the rule set, then hunts the input files the
 * main thread hands it, one at a time, with the same huntFile as a single-threaded hunt. Hits go back in
 * batches (one per chunk of input), then the file's counters, --stats tallies and, with
 * --correlate-across-files, what correlations keep of its hits. Rules are named by their position in the
 * rule set, which the main thread loaded from the same paths in the same order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RuleRef } from '../engine/model';
import type { RuleLoadError, RuleSelection, RuleSet } from '../engine/sigma';
import { type Counters, type CrossFilePool, type HuntContext, type RecordSink, type TimeWindow, describeError, huntFile, loadHuntRules, ruleRefs } from './hunt.file';
import { InputError, type InputFormat } from './hunt.input';
import type { CommandIO } from './hunt.io';
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
  window: TimeWindow | undefined;
  stats: boolean;
  crossFile: boolean;
  inputFormat: InputFormat;
  select: RuleSelection | undefined;
}

export interface HuntJob {
  fileNo: number;
  file: string;
}

/** A correlation input of one file: its rule by position (ruleRefs), its event numbered within the file's origins. */
export interface PooledInput {
  rule: number;
  event: CrossFilePool['inputs'][number]['event'];
}

/** The rule set as a worker loaded it: enough for the main thread to report it without loading it too. */
export interface WorkerRules {
  size: number;
  errors: RuleLoadError[];
  /** Every rule in order (ruleRefs): hits and tallies name rules by position in it. */
  refs: RuleRef[];
  /** What the rule selection left out, when one was made. */
  selection: RuleSet['selection'];
}

export type HuntWorkerReply =
  | { kind: 'ready'; rules: WorkerRules }
  | { kind: 'records'; fileNo: number; records: HuntRecord[]; events: number }
  | { kind: 'done'; fileNo: number; counters: Counters; hits: Array<[number, number]>; pool?: { inputs: PooledInput[]; origins: EventOrigin[] } }
  | { kind: 'failed'; fileNo: number; message: string };

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

async function huntJob(job: HuntJob, ruleSet: RuleSet, positions: Map<RuleRef, number>, settings: HuntWorkerSettings, post: (reply: HuntWorkerReply) => void): Promise<void> {
  const counters: Counters = { events: 0, detections: 0, correlations: 0, outside: 0, untimed: 0 };
  const hitsByRule = settings.stats ? new Map<RuleRef, number>() : undefined;
  const pool: CrossFilePool | undefined = settings.crossFile ? { inputs: [], origins: [] } : undefined;
  let batch: HuntRecord[] = [];
  let reported = 0;
  const sink: RecordSink = {
    record: (record) => {
      batch.push(record);
    },
    flush: () => {
      if (batch.length === 0 && counters.events === reported) return;
      post({ kind: 'records', fileNo: job.fileNo, records: batch, events: counters.events - reported });
      batch = [];
      reported = counters.events;
    },
  };
  const ctx: HuntContext = {
    ruleSet,
    writer: sink,
    minRank: settings.minRank,
    ignoreLogsource: settings.ignoreLogsource,
    explain: settings.explain,
    window: settings.window,
    counters,
    hitsByRule,
    progress: { update: () => undefined },
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
  const ruleSet = loadHuntRules(settings.rules, settings.placeholders, settings.select);
  const positions = new Map(ruleRefs(ruleSet).map((ref, i) => [ref, i]));
  const post = (reply: HuntWorkerReply): void => port.postMessage(reply);
  post({ kind: 'ready', rules: { size: ruleSet.size, errors: ruleSet.errors, refs: ruleRefs(ruleSet), selection: ruleSet.selection } });
  // One file at a time, in the order given.
  let queue = Promise.resolve();
  port.on('message', (job: HuntJob) => {
    queue = queue.then(() => huntJob(job, ruleSet, positions, settings, post));
  });
}
