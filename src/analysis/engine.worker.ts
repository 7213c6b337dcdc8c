/**
 * A worker thread holding its own copy of the engine (rules, ATT&CK catalog, intel), so a long
 * analysis neither blocks the server's event loop nor outlives its deadline: the pool terminates
 * a worker whose job passed its deadline.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisTimeoutError } from '../engine/analyze';
import type { AnalysisRequest } from '../engine/model';
import { buildEngineDeps, EngineSource, LoadedAnalysisEngine } from './engine.provider';

export interface EngineJob {
  id: number;
  request: AnalysisRequest;
  deadline: number;
}

export type EngineReply =
  | { kind: 'ready'; rules: number; ruleErrors: number }
  | { kind: 'done'; id: number; findings: unknown }
  | { kind: 'failed'; id: number; timeout: boolean; message: string };

if (parentPort) {
  const port = parentPort;
  const deps = buildEngineDeps(workerData as EngineSource);
  const engine = new LoadedAnalysisEngine(deps);
  port.postMessage({ kind: 'ready', rules: deps.ruleSet.size, ruleErrors: deps.ruleSet.errors.length } satisfies EngineReply);
  port.on('message', (job: EngineJob) => {
    try {
      port.postMessage({ kind: 'done', id: job.id, findings: engine.run(job.request, job.deadline) } satisfies EngineReply);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      port.postMessage({ kind: 'failed', id: job.id, timeout: err instanceof AnalysisTimeoutError, message } satisfies EngineReply);
    }
  });
}
