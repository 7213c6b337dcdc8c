import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { ApiError } from '../common/api-error';
import type { Principal } from '../auth/principal';
import { CreditsService, InsufficientCreditsError, Reservation } from '../credits/credits.service';
import { AnalysisTimeoutError, buildAnalysisData } from '../engine/analyze';
import type { AnalysisData, AnalysisRequest, Findings, NarrativeProvenance } from '../engine/model';
import { Metrics } from '../health/metrics';
import { NARRATOR, Narrator } from '../llm/narrator';
import { ANALYSIS_ENGINE, AnalysisEngine } from './engine.provider';

/** Credits one analysis costs (the API document's price). */
export const ANALYSIS_COST = 15;

export interface RequestInfo {
  requestId: string;
  /** Epoch ms the request arrived: the time budget counts from here. */
  receivedAt: number;
  /** Aborted when the client disconnects. */
  signal?: AbortSignal;
}

export interface AnalysisResponse {
  data: AnalysisData;
  meta: {
    request_id: string;
    credits_used: number;
    credits_remaining: number;
    processing_time_ms: number;
    formats: Record<string, number>;
    narrative: NarrativeProvenance;
  };
}

class DeadlineExceeded extends Error {}

function timeoutError(timeoutMs: number): ApiError {
  return new ApiError(504, 'analysis_timeout', `Analysis exceeded its time budget of ${timeoutMs} ms; the credits were refunded.`, []);
}

/**
 * One analysis: reserve credits, run the engine within the request's time budget, narrate, and
 * refund the reservation on ANY failure after it was taken.
 */
@Injectable()
export class AnalysisService {
  private readonly logger = new Logger(AnalysisService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ANALYSIS_ENGINE) private readonly engine: AnalysisEngine,
    @Inject(NARRATOR) private readonly narrator: Narrator,
    private readonly credits: CreditsService,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  async analyze(request: AnalysisRequest, principal: Principal, info: RequestInfo): Promise<AnalysisResponse> {
    const deadline = info.receivedAt + this.config.timeoutMs;
    const reservation = await this.reserve(principal, info.requestId);
    try {
      const findings = await this.runEngine(request, deadline);
      const { narrative, provenance } = await this.narrate(findings, deadline, info);
      const data = buildAnalysisData(findings, narrative);
      const processingMs = Date.now() - info.receivedAt;
      this.metrics?.analyses.inc({ outcome: 'ok', narrative: provenance.source });
      this.metrics?.analysisDuration.observe(processingMs / 1000);
      this.metrics?.analysisEvents.observe(findings.stats.events);
      this.logger.log(
        {
          account: principal.accountId,
          key: principal.keyPrefix,
          events: findings.stats.events,
          matched: findings.stats.matched,
          severity: findings.severity,
          narrative: provenance.source,
          processing_time_ms: processingMs,
        },
        'analysis completed',
      );
      return {
        data,
        meta: {
          request_id: info.requestId,
          credits_used: reservation.amount,
          credits_remaining: reservation.balanceAfter,
          processing_time_ms: processingMs,
          formats: findings.stats.formats,
          narrative: provenance,
        },
      };
    } catch (err) {
      const timedOut = err instanceof AnalysisTimeoutError || err instanceof DeadlineExceeded;
      this.metrics?.analyses.inc({ outcome: timedOut ? 'timeout' : 'error', narrative: 'none' });
      await this.refund(reservation, timedOut ? 'timeout' : 'failure');
      if (timedOut) throw timeoutError(this.config.timeoutMs);
      throw err;
    }
  }

  private async reserve(principal: Principal, requestId: string): Promise<Reservation> {
    try {
      const reservation = await this.credits.reserve(principal.accountId, ANALYSIS_COST, requestId);
      this.metrics?.credits.inc({ kind: 'reserved' }, reservation.amount);
      return reservation;
    } catch (err) {
      if (!(err instanceof InsufficientCreditsError)) throw err;
      throw new ApiError(402, 'insufficient_credits', `Not enough credits: an analysis costs ${err.required}, the account has ${err.balance}.`, [
        { message: 'insufficient credits', required: err.required, balance: err.balance },
      ]);
    }
  }

  private async refund(reservation: Reservation, reason: string): Promise<void> {
    try {
      await this.credits.refund(reservation, reason);
      this.metrics?.credits.inc({ kind: 'refunded' }, reservation.amount);
      this.logger.warn({ account: reservation.accountId, credits: reservation.amount, reason }, 'credits refunded');
    } catch (err) {
      // The original failure is what the client must see; a failed refund is an operator problem.
      this.logger.error({ err, account: reservation.accountId, credits: reservation.amount }, 'refund failed');
    }
  }

  private async runEngine(request: AnalysisRequest, deadline: number): Promise<Findings> {
    // Let the event loop breathe between the reservation and the CPU-bound engine run.
    await new Promise((resolve) => setImmediate(resolve));
    if (Date.now() >= deadline) throw new DeadlineExceeded();
    const findings = this.engine.run({ ...request, scope: request.scope ?? 'incident' }, deadline);
    if (Date.now() >= deadline) throw new DeadlineExceeded();
    return findings;
  }

  /** The narrator gets what is left of the budget; if it overruns, the request times out. */
  private async narrate(findings: Findings, deadline: number, info: RequestInfo) {
    const controller = new AbortController();
    const signal = info.signal ? AbortSignal.any([info.signal, controller.signal]) : controller.signal;
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new DeadlineExceeded());
      }, Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([this.narrator.narrate(findings, { deadline, requestId: info.requestId, signal }), overrun]);
    } finally {
      clearTimeout(timer);
    }
  }
}
