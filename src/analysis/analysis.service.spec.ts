import { ApiError } from '../common/api-error';
import type { AppConfig } from '../config/config';
import { InsufficientCreditsError, Reservation } from '../credits/credits.service';
import type { CreditsService } from '../credits/credits.service';
import { AnalysisTimeoutError } from '../engine/analyze';
import type { Findings, Narrative, NarrativeProvenance } from '../engine/model';
import type { Narrator } from '../llm/narrator';
import type { Principal } from '../auth/principal';
import { AnalysisService } from './analysis.service';
import type { AnalysisEngine } from './engine.provider';

const principal: Principal = { keyId: 'k', keyPrefix: 'lnt_live_AAAAAAAA', accountId: 'acct', accountName: 'acme', plan: 'starter', scopes: ['ai:read'] };
const findings: Findings = {
  scope: 'incident',
  severity: 'high',
  severityReasons: [],
  timeline: [{ timestamp: '2026-04-03T14:20:00Z', description: 'x' }],
  indicators: [],
  techniques: [],
  chains: [],
  detections: [],
  correlations: [],
  stats: { events: 1, formats: { generic: 1 }, untimed: 0, matched: 0, rulesLoaded: 1 },
};
const narrative: Narrative = { summary: 's', impact: 'i', root_cause: 'r', recommendations: ['do'] };
const provenance: NarrativeProvenance = { source: 'deterministic' };

function fakeCredits(balance = 500) {
  const refunds: Reservation[] = [];
  const credits = {
    reserve: jest.fn(async (accountId: string, amount: number, requestId: string): Promise<Reservation> => {
      if (balance < amount) throw new InsufficientCreditsError(amount, balance);
      balance -= amount;
      return { accountId, amount, requestId, balanceAfter: balance, refunded: false };
    }),
    refund: jest.fn(async (reservation: Reservation) => {
      refunds.push(reservation);
      balance += reservation.amount;
      return balance;
    }),
  };
  return { credits: credits as unknown as CreditsService, refunds, balance: () => balance };
}

function serviceWith(options: { engine?: AnalysisEngine['run']; narrate?: Narrator['narrate']; timeoutMs?: number; balance?: number }) {
  const fake = fakeCredits(options.balance);
  const engine: AnalysisEngine = { run: options.engine ?? (() => findings) };
  const narrator: Narrator = { narrate: options.narrate ?? (async () => ({ narrative, provenance })) };
  const config = { timeoutMs: options.timeoutMs ?? 60_000 } as AppConfig;
  return { service: new AnalysisService(config, engine, narrator, fake.credits), ...fake };
}

const info = () => ({ requestId: 'req_test', receivedAt: Date.now() });

describe('AnalysisService', () => {
  it('charges 15 credits and reports the balance, formats and narrative provenance', async () => {
    const { service, balance } = serviceWith({});
    const res = await service.analyze({ events: { logs: [{}] } }, principal, info());
    expect(res.meta).toEqual(expect.objectContaining({ request_id: 'req_test', credits_used: 15, credits_remaining: 485, formats: { generic: 1 }, narrative: provenance }));
    expect(res.data.summary).toBe('s');
    expect(balance()).toBe(485);
  });

  it('defaults the scope to incident', async () => {
    const run = jest.fn(() => findings);
    const { service } = serviceWith({ engine: run });
    await service.analyze({ events: { logs: [{}] } }, principal, info());
    expect(run).toHaveBeenCalledWith(expect.objectContaining({ scope: 'incident' }), expect.any(Number));
  });

  it('answers 402 without running the engine when credits are short', async () => {
    const run = jest.fn(() => findings);
    const { service } = serviceWith({ engine: run, balance: 10 });
    await expect(service.analyze({ events: { logs: [{}] } }, principal, info())).rejects.toMatchObject({ code: 'insufficient_credits' });
    expect(run).not.toHaveBeenCalled();
  });

  it('refunds and rethrows when the engine fails unexpectedly', async () => {
    const { service, refunds, balance } = serviceWith({ engine: () => { throw new Error('boom'); } });
    await expect(service.analyze({ events: { logs: [{}] } }, principal, info())).rejects.toThrow('boom');
    expect(refunds).toHaveLength(1);
    expect(balance()).toBe(500);
  });

  it('answers 504 and refunds when the engine reports its deadline passed', async () => {
    const { service, balance } = serviceWith({ engine: () => { throw new AnalysisTimeoutError('correlation'); } });
    const error = await service.analyze({ events: { logs: [{}] } }, principal, info()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).getStatus()).toBe(504);
    expect(balance()).toBe(500);
  });

  it('answers 504 and refunds when the narrator overruns the budget, and aborts it', async () => {
    let signal: AbortSignal | undefined;
    const { service, balance } = serviceWith({
      // Long enough that the engine step (a setImmediate) is inside the budget even on a busy machine.
      timeoutMs: 500,
      narrate: (_f, opts) => {
        signal = opts.signal;
        return new Promise(() => undefined);
      },
    });
    const error = await service.analyze({ events: { logs: [{}] } }, principal, info()).catch((e: unknown) => e);
    expect((error as ApiError).getStatus()).toBe(504);
    expect(signal?.aborted).toBe(true);
    expect(balance()).toBe(500);
  });

  it('passes a signal to the narrator that aborts when the client goes away', async () => {
    const client = new AbortController();
    let seen: AbortSignal | undefined;
    const { service } = serviceWith({
      narrate: async (_f, opts) => {
        seen = opts.signal;
        client.abort();
        return { narrative, provenance };
      },
    });
    await service.analyze({ events: { logs: [{}] } }, principal, { ...info(), signal: client.signal });
    expect(seen?.aborted).toBe(true);
  });

  it('refunds when the narrator throws', async () => {
    const { service, balance } = serviceWith({ narrate: async () => { throw new Error('provider down'); } });
    await expect(service.analyze({ events: { logs: [{}] } }, principal, info())).rejects.toThrow('provider down');
    expect(balance()).toBe(500);
  });
});
