import { loadConfig } from '../config/config';
import { AnalysisTimeoutError } from '../engine/analyze';
import type { AnalysisRequest } from '../engine/model';
import { WorkerPoolEngine } from './engine-pool';
import { engineSourceOf, loadAnalysisEngine } from './engine.provider';

const EXAMPLE: AnalysisRequest = {
  events: {
    logs: [
      { timestamp: '2026-04-03T14:20:00Z', source: 'firewall', action: 'allow', src_ip: '185.220.101.42', dst_ip: '10.0.1.15', dst_port: 22, protocol: 'tcp' },
      { timestamp: '2026-04-03T14:22:00Z', source: 'auth', action: 'login_success', user: 'admin', src_ip: '185.220.101.42', dst_ip: '10.0.1.15' },
      { timestamp: '2026-04-03T14:25:00Z', source: 'endpoint', action: 'process_create', host: 'srv-prod-01', process: 'whoami.exe', parent: 'cmd.exe', user: 'admin' },
    ],
  },
  context: 'Production environment, server handles customer PII',
  scope: 'incident',
};

function bigRequest(n: number): AnalysisRequest {
  const logs = EXAMPLE.events.logs as Record<string, unknown>[];
  return { events: { logs: Array.from({ length: n }, (_, i) => ({ ...logs[i % 3], src_ip: `185.220.${i % 200}.${i % 250}` })) } };
}

describe('WorkerPoolEngine', () => {
  const config = loadConfig({});
  const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
  let pool: WorkerPoolEngine;

  beforeAll(async () => {
    pool = new WorkerPoolEngine(1, engineSourceOf(config), quiet);
    await pool.ready();
  }, 120_000);
  afterAll(() => pool.close());

  it('returns the same findings as the engine on the event loop', async () => {
    const inProcess = loadAnalysisEngine(config, quiet).run(EXAMPLE, Date.now() + 60_000);
    const viaWorker = await pool.run(EXAMPLE, Date.now() + 60_000);
    expect(viaWorker.severity).toBe(inProcess.severity);
    expect(viaWorker.indicators).toEqual(inProcess.indicators);
    expect(viaWorker.techniques).toEqual(inProcess.techniques);
    expect(viaWorker.timeline).toEqual(inProcess.timeline);
  });

  it('queues jobs beyond the pool size and completes them all', async () => {
    const results = await Promise.all([1, 2, 3].map(() => pool.run(EXAMPLE, Date.now() + 60_000)));
    expect(results.map((f) => f.stats.events)).toEqual([3, 3, 3]);
  });

  it('fails a job past its deadline with AnalysisTimeoutError, and keeps serving afterwards', async () => {
    await expect(pool.run(bigRequest(20_000), Date.now() + 20)).rejects.toBeInstanceOf(AnalysisTimeoutError);
    const next = await pool.run(EXAMPLE, Date.now() + 60_000);
    expect(next.stats.events).toBe(3);
  }, 120_000);

  it('drops a queued job whose deadline passes before a worker is free', async () => {
    const long = pool.run(bigRequest(2_000), Date.now() + 60_000);
    await expect(pool.run(EXAMPLE, Date.now() + 1)).rejects.toBeInstanceOf(AnalysisTimeoutError);
    await expect(long).resolves.toEqual(expect.objectContaining({ stats: expect.objectContaining({ events: 2_000 }) }));
  }, 120_000);
});
