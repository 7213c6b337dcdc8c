/**
 * `lantern hunt --threads N`: input files hunted by N worker threads (hunt.worker.ts), each with its own copy
 * of the rules, a file at a time. The output is what a single-threaded hunt writes, in the same order: a
 * file's hits are written as they come while it is the earliest unfinished file, and held until then
 * otherwise. Counters, --stats tallies and cross-file correlation inputs are merged in file order. An input
 * error stops the hunt where a single-threaded hunt would stop: after every hit of the files before it and
 * of the failing file up to the error.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../common/worker-entry';
import { removeAtEnd, removeNow } from './hunt.correlation-hold';
import { TURN, signal, turnControl } from './hunt.turn';
import type { RuleRef } from '../engine/model';
import type { Counters, HuntContext } from './hunt.file';
import { InputError } from './hunt.input';
import type { HuntRecord } from './hunt.output';
import type { ChunkJob, ChunkReply, CorrelateJob, CorrelateReply, FileJob, HuntWorkerReply, HuntWorkerSettings, WorkerRules } from './hunt.worker';

type Done = Extract<HuntWorkerReply, { kind: 'done' }>;
type FileReply = Extract<HuntWorkerReply, { kind: 'records' | 'done' | 'failed' | 'note' }>;
type JobReply = ChunkReply | CorrelateReply;

/** A job without its id (submit numbers it). */
export type Submitted = Omit<ChunkJob, 'jobId'> | Omit<CorrelateJob, 'jobId'>;

/** What the main thread keeps of a parallel hunt's context: where hits and totals go. */
export type ParallelContext = Pick<HuntContext, 'writer' | 'counters' | 'hitsByRule' | 'pool' | 'progress' | 'load'>;

/** What a file has sent that is not written yet. */
interface Held {
  records: HuntRecord[][];
  done?: Done;
  failed?: string;
}

export class HuntWorkerError extends Error {}

/**
 * Hits held for files that cannot be written yet (a slow first file, fast later ones) past which no further file
 * is started and the workers hunting later files wait: memory stays bounded whatever the files hold.
 */
const MAX_HELD_RECORDS = 200_000;

/** The held-hit bound (lowered by tests), and the most hits held at once by any hunt so far (read by tests). */
export const holding = { max: MAX_HELD_RECORDS, peak: 0 };

/** Worker threads, started at once so that they load their rules while the main thread does its own part. */
export class HuntPool {
  private readonly workers: Worker[] = [];
  private readonly loaded: Promise<WorkerRules>;
  private onFileReply: ((worker: Worker, reply: FileReply) => void) | undefined;
  private onFailure: ((error: Error) => void) | undefined;
  private failure: Error | undefined;
  private closed = false;
  /** Temporary folders the workers made: removed when they are stopped, and at exit whatever happens. */
  private readonly kept = new Set<string>();
  /** Jobs sent with submit, by id, and how many each worker has yet to answer. */
  private readonly pending = new Map<number, { resolve: (reply: JobReply) => void; reject: (error: Error) => void; worker: Worker }>();
  private readonly outstanding = new Map<Worker, number>();
  private nextJobId = 1;
  private readonly control = turnControl();
  private readonly maxHeld: number;

  constructor(count: number, settings: HuntWorkerSettings) {
    // A hit that carries its event (--with-event) weighs as much as ten without.
    const maxHeld = settings.withEvent ? Math.max(1, Math.floor(holding.max / 10)) : holding.max;
    this.maxHeld = maxHeld;
    const shared: HuntWorkerSettings = { ...settings, turn: { control: this.control.buffer as SharedArrayBuffer, maxHeld } };
    const entry = workerEntry(__dirname, 'hunt.worker');
    let first: WorkerRules | undefined;
    let resolveLoaded: (rules: WorkerRules) => void = () => undefined;
    let rejectLoaded: (error: Error) => void = () => undefined;
    this.loaded = new Promise<WorkerRules>((resolve, reject) => {
      resolveLoaded = resolve;
      rejectLoaded = reject;
    });
    // Nobody may be waiting yet: a failure before ready() is asked for must not go unhandled.
    this.loaded.catch(() => undefined);
    const fail = (error: Error): void => {
      if (this.closed || this.failure !== undefined) return;
      this.failure = error;
      rejectLoaded(error);
      this.onFailure?.(error);
      for (const job of this.pending.values()) job.reject(error);
      this.pending.clear();
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(entry.code, { eval: entry.eval, workerData: shared });
      this.workers.push(worker);
      this.outstanding.set(worker, 0);
      worker.on('message', (reply: HuntWorkerReply) => {
        // Taken whatever the state of the hunt: a worker stopped after a failure must not leave its folder behind.
        if (reply.kind === 'kept') {
          this.kept.add(reply.folder);
          removeAtEnd(reply.folder);
          return;
        }
        if (reply.kind === 'chunk' || reply.kind === 'correlated') {
          this.answered(worker, reply);
          return;
        }
        if (reply.kind !== 'ready') {
          this.onFileReply?.(worker, reply);
          return;
        }
        if (first === undefined) {
          first = reply.rules;
          resolveLoaded(first);
        } else if (!sameRules(reply.rules.refs, first.refs)) {
          fail(new HuntWorkerError(`worker threads loaded different rule sets (${first.size} and ${reply.rules.size} rules): did the rule files change during the hunt?`));
        }
      });
      worker.on('messageerror', (error) => fail(new HuntWorkerError(`a hunt worker thread sent a message that could not be read: ${error.message}`)));
      worker.on('error', (error) => fail(new HuntWorkerError(`a hunt worker thread failed: ${error.message}`)));
      worker.on('exit', (code) => fail(new HuntWorkerError(`a hunt worker thread exited (code ${code}) before the hunt was done`)));
    }
  }

  /** Sends a job to the worker with the fewest unanswered ones (`transfer`: buffers handed over, not copied); resolves with its reply. */
  submit(job: Omit<ChunkJob, 'jobId'>, transfer?: ArrayBuffer[]): Promise<ChunkReply>;
  submit(job: Omit<CorrelateJob, 'jobId'>): Promise<CorrelateReply>;
  submit(job: Submitted, transfer: ArrayBuffer[] = []): Promise<JobReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    let worker = this.workers[0];
    for (const w of this.workers) if ((this.outstanding.get(w) ?? 0) < (this.outstanding.get(worker) ?? 0)) worker = w;
    const jobId = this.nextJobId++;
    this.outstanding.set(worker, (this.outstanding.get(worker) ?? 0) + 1);
    return new Promise<JobReply>((resolve, reject) => {
      this.pending.set(jobId, { resolve, reject, worker });
      worker.postMessage({ ...job, jobId }, transfer);
    });
  }

  /** Workers, for sizing how many jobs to keep in flight. */
  get size(): number {
    return this.workers.length;
  }

  private answered(worker: Worker, reply: JobReply): void {
    this.outstanding.set(worker, (this.outstanding.get(worker) ?? 1) - 1);
    const job = this.pending.get(reply.jobId);
    this.pending.delete(reply.jobId);
    job?.resolve(reply);
  }

  /** The rule set as the first worker loaded it (its size, load errors and rules in order). */
  ready(): Promise<WorkerRules> {
    return this.loaded;
  }

  /** Hunts `files`; resolves when all are written, rejects with InputError as a single-threaded hunt would. */
  run(files: string[], refs: RuleRef[], ctx: ParallelContext): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const held = new Map<number, Held>();
      let nextToWrite = 0;
      let nextToStart = 0;
      let events = 0;
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        this.onFileReply = undefined;
        this.onFailure = undefined;
        if (error) reject(error);
        else resolve();
      };
      const heldOf = (fileNo: number): Held => {
        let h = held.get(fileNo);
        if (h === undefined) held.set(fileNo, (h = { records: [] }));
        return h;
      };
      const control = this.control;
      Atomics.store(control, TURN.NextToWrite, 0);
      Atomics.store(control, TURN.Held, 0);
      Atomics.store(control, TURN.OutputBlocked, 0);
      let awaitingOutput = false;
      const write = (records: HuntRecord[]): void => {
        for (const record of records) ctx.writer.record(record);
        ctx.writer.flush();
        Atomics.sub(control, TURN.Held, records.length);
        const drained = awaitingOutput ? undefined : ctx.writer.drained?.();
        if (drained === undefined) return;
        awaitingOutput = true;
        Atomics.store(control, TURN.OutputBlocked, 1);
        void drained.then(() => {
          awaitingOutput = false;
          Atomics.store(control, TURN.OutputBlocked, 0);
          signal(control);
        });
      };
      /** Writes what the earliest unfinished files have sent, in file order, as far as they are finished. */
      const drain = (): void => {
        for (;;) {
          const h = held.get(nextToWrite);
          if (h === undefined) return;
          for (const records of h.records) {
            write(records);
            heldRecords -= records.length;
          }
          h.records = [];
          if (h.failed !== undefined) return finish(new InputError(h.failed));
          if (h.done === undefined) return;
          merge(h.done, refs, ctx);
          held.delete(nextToWrite);
          nextToWrite++;
          Atomics.store(control, TURN.NextToWrite, nextToWrite);
          if (nextToWrite === files.length) return finish();
        }
      };
      let stopped = false;
      /** Hits held for files that cannot be written yet; idle workers wait while they are many. */
      let heldRecords = 0;
      const idle: Worker[] = [...this.workers];
      const startIdle = (): void => {
        // After a failure no later file is started: its hits would never be written.
        while (!stopped && nextToStart < files.length && idle.length > 0 && heldRecords < this.maxHeld) {
          const job: FileJob = { kind: 'file', fileNo: nextToStart, file: files[nextToStart] };
          nextToStart++;
          (idle.pop() as Worker).postMessage(job);
        }
      };
      const onReply = (worker: Worker, reply: FileReply): void => {
        if (reply.kind === 'note') {
          ctx.progress.note(reply.text);
          return;
        }
        if (reply.kind === 'records') {
          events += reply.events;
          ctx.progress.update(`${files.length} inputs`, events, { bytesRead: 0 });
          heldRecords += reply.records.length;
          holding.peak = Math.max(holding.peak, heldRecords);
          heldOf(reply.fileNo).records.push(reply.records);
        } else if (reply.kind === 'done') {
          heldOf(reply.fileNo).done = reply;
          idle.push(worker);
        } else {
          heldOf(reply.fileNo).failed = reply.message;
          stopped = true;
        }
        drain();
        signal(control);
        startIdle();
      };
      // A failure here (the hits of a file kept on a full disk) ends the hunt with its message, not the process.
      this.onFileReply = (worker, reply) => {
        try {
          onReply(worker, reply);
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
        }
      };
      this.onFailure = finish;
      if (this.failure !== undefined) return finish(this.failure);
      if (files.length === 0) return finish();
      startIdle();
    });
  }

  /** Stops the workers, then removes the temporary folders they made (a stopped worker runs no exit hook). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    for (const folder of this.kept) removeNow(folder);
    this.kept.clear();
  }
}

/** The same rules in the same order: positions name the same rule in both. */
export function sameRules(a: readonly RuleRef[], b: readonly RuleRef[]): boolean {
  return a.length === b.length && a.every((ref, i) => ref.id === b[i].id && ref.file === b[i].file);
}

/** Counters and --stats tallies (rules by position in `refs`) added to the hunt's. */
export function merged(ctx: ParallelContext, refs: RuleRef[], counters: Counters, hits: Array<[number, number]>): void {
  const total = ctx.counters;
  total.events += counters.events;
  total.detections += counters.detections;
  total.correlations += counters.correlations;
  total.outside += counters.outside;
  total.untimed += counters.untimed;
  const hitsByRule = ctx.hitsByRule;
  if (hitsByRule !== undefined) for (const [rule, count] of hits) hitsByRule.set(refs[rule], (hitsByRule.get(refs[rule]) ?? 0) + count);
}

/** A finished file's counters, tallies and correlation inputs, added to the hunt's in file order. */
function merge(done: Done, refs: RuleRef[], ctx: ParallelContext): void {
  merged(ctx, refs, done.counters, done.hits);
  const pool = ctx.pool;
  if (pool === undefined || done.pool === undefined) return;
  // The file's events are numbered within its own origins: renumbered after the files before it.
  const offset = pool.origins.length;
  for (const origin of done.pool.origins) pool.origins.push(origin);
  for (const input of done.pool.inputs) {
    pool.inputs.push({ rule: refs[input.rule], event: { ...input.event, index: input.event.index + offset } });
    ctx.load?.add(refs[input.rule], 'all inputs');
  }
}
