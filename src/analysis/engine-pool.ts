import { Worker } from 'node:worker_threads';
import { workerEntry } from '../common/worker-entry';
import { AnalysisTimeoutError } from '../engine/analyze';
import type { AnalysisRequest, Findings } from '../engine/model';
import type { AnalysisEngine, EngineSource } from './engine.provider';
import type { EngineJob, EngineReply } from './engine.worker';

interface PendingJob extends EngineJob {
  resolve(findings: Findings): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: PendingJob;
}

export interface PoolLogger {
  log(message: unknown, context?: string): void;
  warn(message: unknown, context?: string): void;
  error(message: unknown, context?: string): void;
}

export class EngineWorkerError extends Error {}

/**
 * A fixed pool of engine workers with a FIFO queue. Every job is bounded by its deadline: still
 * queued then, it is dropped; still running, its worker is terminated and replaced. Either way the
 * caller gets AnalysisTimeoutError, and the server's event loop was never blocked by the engine.
 */
export class WorkerPoolEngine implements AnalysisEngine {
  private readonly slots: Slot[] = [];
  private readonly queue: PendingJob[] = [];
  private nextId = 1;
  private closed = false;
  private readonly entry = workerEntry(__dirname, 'engine.worker');

  constructor(
    size: number,
    private readonly source: EngineSource,
    private readonly logger: PoolLogger,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Resolves once every worker has loaded the rules (start-up waits for it so the first request is not slow). */
  ready(): Promise<void> {
    return Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve, reject) => {
            if (slot.ready) return resolve();
            slot.worker.once('message', () => resolve());
            slot.worker.once('error', reject);
          }),
      ),
    ).then(() => undefined);
  }

  run(request: AnalysisRequest, deadline: number): Promise<Findings> {
    if (this.closed) return Promise.reject(new EngineWorkerError('engine pool is closed'));
    return new Promise<Findings>((resolve, reject) => {
      const job: PendingJob = { id: this.nextId++, request, deadline, resolve, reject };
      job.timer = setTimeout(() => this.expire(job), Math.max(0, deadline - Date.now()));
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Nest lifecycle: stop the workers with the application. */
  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, new EngineWorkerError('engine pool is closing'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.entry.code, { eval: this.entry.eval, workerData: this.source });
    const slot: Slot = { worker, ready: false };
    worker.on('message', (reply: EngineReply) => this.onReply(slot, reply));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot) && code !== 0) this.onCrash(slot, new EngineWorkerError(`engine worker exited with code ${code}`));
    });
    return slot;
  }

  private onReply(slot: Slot, reply: EngineReply): void {
    if (reply.kind === 'ready') {
      slot.ready = true;
      this.logger.log({ rules: reply.rules, rule_errors: reply.ruleErrors, thread: slot.worker.threadId }, 'Engine worker ready');
      this.dispatch();
      return;
    }
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    slot.job = undefined;
    if (reply.kind === 'done') this.settle(job, undefined, reply.findings as Findings);
    else this.settle(job, reply.timeout ? new AnalysisTimeoutError('worker') : new EngineWorkerError(reply.message));
    this.dispatch();
  }

  private onCrash(slot: Slot, err: Error): void {
    this.logger.error({ err, thread: slot.worker.threadId }, 'Engine worker failed; replacing it');
    const job = slot.job;
    this.replace(slot);
    if (job) this.settle(job, new EngineWorkerError('the analysis engine failed'));
  }

  private expire(job: PendingJob): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, new AnalysisTimeoutError('queue'));
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (!slot) return;
    this.logger.warn({ thread: slot.worker.threadId }, 'Engine job passed its deadline; terminating its worker');
    this.replace(slot);
    this.settle(job, new AnalysisTimeoutError('engine'));
  }

  private replace(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    slot.job = undefined;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    if (!this.closed) this.slots[index] = this.spawn();
    else this.slots.splice(index, 1);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, request: job.request, deadline: job.deadline } satisfies EngineJob);
    }
  }

  private settle(job: PendingJob, error?: Error, findings?: Findings): void {
    clearTimeout(job.timer);
    if (error) job.reject(error);
    else job.resolve(findings as Findings);
  }
}
