/**
 * The LLM narrative chain: Findings -> bounded, spotlighted digest -> versioned prompt -> chat model with
 * structured output -> schema, grounding and consistency checks -> narrative. Any failure, any lack of
 * time, any doubt: the deterministic narrative is returned instead, with the reason in the provenance.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Runnable } from '@langchain/core/runnables';
import type { Findings, Narrative, NarrativeProvenance } from '../engine/model';
import { checkAnswer } from './answer';
import type { LlmConfig } from './config';
import { buildDigest } from './digest';
import { classifyFailure, type ClassifiedFailure } from './errors';
import { GroundingIndex } from './grounding';
import type { FallbackReason, NarrateOptions, NarrateResult, Narrator, NarratorStats } from './narrator';
import { NARRATIVE_PROMPT_VERSION, NarrativeAnswerSchema, narrativePrompt, type NarrativePromptVariables } from './prompts/narrative.v1';
import { Slots, SlotTimeoutError } from './slots';
import { createSpotlight, DATAMARK, type Spotlight } from './spotlight';

/** A call with less time than this left is not worth starting. */
export const MIN_CALL_MS = 500;
/** Answers rejected by our checks (schema, grounding, consistency) are retried once. */
const MAX_QUALITY_RETRIES = 1;
/** Rate limits and server errors are retried with backoff while the budget allows. */
const MAX_TRANSPORT_RETRIES = 3;
const BACKOFF_BASE_MS = 250;

export interface NarratorLogger {
  log(message: unknown, context?: string): void;
  warn(message: unknown, context?: string): void;
}

export interface LlmNarratorDeps {
  config: LlmConfig;
  /** Undefined when the provider is `none`. */
  model?: BaseChatModel;
  deterministic: (findings: Findings) => Narrative;
  logger?: NarratorLogger;
  now?: () => number;
  random?: () => number;
}

interface Usage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

interface Attempt {
  findings: Findings;
  opts: NarrateOptions;
  budgetEnd: number;
  spotlight: Spotlight;
  variables: NarrativePromptVariables;
  grounding: GroundingIndex;
  usage: Usage;
  attempts: number;
}

interface Failure {
  ok: false;
  reason: FallbackReason;
  detail: string;
  /** Worth another call after a backoff (rate limit, 5xx, connection refused). */
  transient?: boolean;
  retryAfterMs?: number;
}

type Outcome = { ok: true; narrative: Narrative } | Failure;

const silentLogger: NarratorLogger = { log: () => undefined, warn: () => undefined };

function isRawAndParsed(value: unknown): value is { raw: { usage_metadata?: Partial<Usage> }; parsed: unknown } {
  return value !== null && typeof value === 'object' && 'raw' in value && 'parsed' in value && Object.keys(value).length === 2;
}

/** Rejects as soon as the signal aborts, even if the underlying client ignores it (fakes, some streaming clients). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class LlmNarrator implements Narrator {
  private readonly slots: Slots;
  private readonly logger: NarratorLogger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly counters = {
    narratives: { llm: 0, deterministic: 0 },
    fallbacks: {} as Partial<Record<FallbackReason, number>>,
    tokens: { input: 0, output: 0 },
  };
  private readonly chains: readonly [Runnable<NarrativePromptVariables, unknown>, Runnable<NarrativePromptVariables, unknown>] | undefined;

  constructor(private readonly deps: LlmNarratorDeps) {
    this.slots = new Slots(deps.config.concurrency);
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.chains = deps.model ? [this.buildChain(deps.model, false), this.buildChain(deps.model, true)] : undefined;
  }

  get promptVersion(): string {
    return NARRATIVE_PROMPT_VERSION;
  }

  stats(): NarratorStats {
    const { provider, model } = this.deps.config;
    return {
      provider,
      model,
      prompt_version: NARRATIVE_PROMPT_VERSION,
      narratives: { ...this.counters.narratives },
      fallbacks: { ...this.counters.fallbacks },
      tokens: { ...this.counters.tokens },
      slots: { limit: this.slots.limit, in_use: this.slots.inUse, waiting: this.slots.waiting },
    };
  }

  async narrate(findings: Findings, opts: NarrateOptions): Promise<NarrateResult> {
    if (!this.chains) {
      this.counters.narratives.deterministic += 1;
      return { narrative: this.deps.deterministic(findings), provenance: { source: 'deterministic', provider: 'none' } };
    }
    const started = this.now();
    const { safetyMarginMs, timeoutMs } = this.deps.config;
    const budgetEnd = Math.min(opts.deadline - safetyMarginMs, timeoutMs === undefined ? Infinity : started + timeoutMs);
    const attempt = this.prepare(findings, opts, budgetEnd);
    const outcome = await this.withSlot(attempt);
    const result = outcome.ok
      ? { narrative: outcome.narrative, provenance: this.provenance('llm') }
      : { narrative: this.deps.deterministic(findings), provenance: this.provenance('deterministic', outcome.reason) };
    this.report(attempt, outcome, this.now() - started);
    return result;
  }

  private buildChain(model: BaseChatModel, retry: boolean): Runnable<NarrativePromptVariables, unknown> {
    const { provider, structuredMethod } = this.deps.config;
    const structured = model.withStructuredOutput(NarrativeAnswerSchema, {
      name: 'incident_narrative',
      includeRaw: true,
      ...(structuredMethod ? { method: structuredMethod } : {}),
      // OpenAI's strict mode guarantees the schema; other providers reject or ignore the flag.
      ...(provider === 'openai' && structuredMethod !== 'jsonMode' ? { strict: true } : {}),
    });
    return narrativePrompt(retry).pipe(structured);
  }

  private prepare(findings: Findings, opts: NarrateOptions, budgetEnd: number): Attempt {
    const spotlight = createSpotlight();
    const digest = buildDigest(findings, { mark: (text) => spotlight.mark(text) });
    const { events, matched, sent } = digest.coverage;
    return {
      findings,
      opts,
      budgetEnd,
      spotlight,
      variables: {
        severity: findings.severity,
        marker: spotlight.marker,
        datamark: DATAMARK,
        coverage: `${events} events, ${matched} matched, ${sent} sent`,
        data: digest.text,
      },
      grounding: GroundingIndex.fromFindings(findings),
      usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
      attempts: 0,
    };
  }

  private async withSlot(attempt: Attempt): Promise<Outcome> {
    const waitMs = attempt.budgetEnd - this.now() - MIN_CALL_MS;
    if (waitMs <= 0) return { ok: false, reason: 'no_budget', detail: 'the request budget is spent before the narrative stage' };
    let release: () => void;
    try {
      release = await this.slots.acquire(waitMs, attempt.opts.signal);
    } catch (error) {
      if (error instanceof SlotTimeoutError) return { ok: false, reason: 'queue_timeout', detail: error.message };
      return { ok: false, reason: 'aborted', detail: 'the request was aborted while waiting for a slot' };
    }
    try {
      return await this.run(attempt);
    } finally {
      release();
    }
  }

  private async run(attempt: Attempt): Promise<Outcome> {
    let qualityRetries = 0;
    let transportRetries = 0;
    let last: Outcome = { ok: false, reason: 'no_budget', detail: 'no time left for a call' };
    for (;;) {
      const remaining = attempt.budgetEnd - this.now();
      if (remaining < MIN_CALL_MS) return last;
      const outcome = await this.callOnce(attempt, qualityRetries > 0, remaining);
      if (outcome.ok) return outcome;
      last = outcome;
      if (outcome.reason === 'malformed_output' || outcome.reason === 'ungrounded_output' || outcome.reason === 'contradicts_findings') {
        if (qualityRetries >= MAX_QUALITY_RETRIES) return outcome;
        qualityRetries += 1;
        this.logger.warn({ msg: 'llm answer rejected, retrying', requestId: attempt.opts.requestId, reason: outcome.reason, detail: outcome.detail }, 'LlmNarrator');
        continue;
      }
      if (!outcome.transient || transportRetries >= MAX_TRANSPORT_RETRIES) return outcome;
      const delay = this.backoff(transportRetries, outcome);
      if (this.now() + delay + MIN_CALL_MS > attempt.budgetEnd) return outcome;
      transportRetries += 1;
      try {
        await sleep(delay, attempt.opts.signal);
      } catch {
        return { ok: false, reason: 'aborted', detail: 'the request was aborted during backoff' };
      }
    }
  }

  private backoff(retries: number, outcome: Failure): number {
    if (outcome.retryAfterMs !== undefined) return outcome.retryAfterMs;
    return Math.round(BACKOFF_BASE_MS * 2 ** retries * (0.5 + this.random()));
  }

  private async callOnce(attempt: Attempt, retry: boolean, remaining: number): Promise<Outcome> {
    const chain = this.chains![retry ? 1 : 0];
    const deadlineSignal = AbortSignal.timeout(remaining);
    const signal = attempt.opts.signal ? AbortSignal.any([attempt.opts.signal, deadlineSignal]) : deadlineSignal;
    attempt.attempts += 1;
    let answer: unknown;
    try {
      answer = await raceAbort(chain.invoke(attempt.variables, { signal }), signal);
    } catch (error) {
      if (attempt.opts.signal?.aborted) return { ok: false, reason: 'aborted', detail: 'the request was aborted' };
      if (deadlineSignal.aborted) return { ok: false, reason: 'timeout', detail: `no answer within ${remaining} ms` };
      return this.failure(classifyFailure(error));
    }
    let parsed = answer;
    if (isRawAndParsed(answer)) {
      this.addUsage(attempt.usage, answer.raw.usage_metadata);
      parsed = answer.parsed;
    }
    if (parsed === null || parsed === undefined) return { ok: false, reason: 'malformed_output', detail: 'the answer could not be parsed as the schema' };
    const checked = checkAnswer(parsed, { grounding: attempt.grounding, severity: attempt.findings.severity, marker: attempt.spotlight.marker });
    return checked.ok ? checked : { ok: false, reason: checked.reason, detail: checked.detail };
  }

  private failure(failure: ClassifiedFailure): Failure {
    switch (failure.kind) {
      case 'aborted':
      case 'timeout':
        return { ok: false, reason: 'timeout', detail: failure.detail };
      case 'malformed':
        return { ok: false, reason: 'malformed_output', detail: failure.detail };
      case 'rate_limited':
        return { ok: false, reason: 'rate_limited', detail: failure.detail, transient: true, retryAfterMs: failure.retryAfterMs };
      case 'unreachable':
        return { ok: false, reason: 'provider_unreachable', detail: failure.detail, transient: true };
      case 'server_error':
        return { ok: false, reason: 'provider_error', detail: failure.detail, transient: true, retryAfterMs: failure.retryAfterMs };
      default:
        return { ok: false, reason: 'provider_error', detail: failure.detail };
    }
  }

  private addUsage(total: Usage, usage: Partial<Usage> | undefined): void {
    if (!usage) return;
    total.input_tokens += usage.input_tokens ?? 0;
    total.output_tokens += usage.output_tokens ?? 0;
    total.total_tokens += usage.total_tokens ?? (usage.input_tokens ?? 0) + (usage.output_tokens ?? 0);
  }

  private provenance(source: NarrativeProvenance['source'], reason?: FallbackReason): NarrativeProvenance {
    const { provider, model } = this.deps.config;
    return reason ? { source, provider, model, fallback_reason: reason } : { source, provider, model };
  }

  private report(attempt: Attempt, outcome: Outcome, durationMs: number): void {
    this.counters.narratives[outcome.ok ? 'llm' : 'deterministic'] += 1;
    if (!outcome.ok) this.counters.fallbacks[outcome.reason] = (this.counters.fallbacks[outcome.reason] ?? 0) + 1;
    this.counters.tokens.input += attempt.usage.input_tokens;
    this.counters.tokens.output += attempt.usage.output_tokens;
    const line = {
      msg: outcome.ok ? 'llm narrative' : 'llm narrative fell back to deterministic',
      requestId: attempt.opts.requestId,
      prompt_version: NARRATIVE_PROMPT_VERSION,
      provider: this.deps.config.provider,
      model: this.deps.config.model,
      source: outcome.ok ? 'llm' : 'deterministic',
      ...(outcome.ok ? {} : { fallback_reason: outcome.reason, detail: outcome.detail }),
      attempts: attempt.attempts,
      duration_ms: durationMs,
      ...(attempt.usage.total_tokens > 0 ? attempt.usage : {}),
    };
    if (outcome.ok) this.logger.log(line, 'LlmNarrator');
    else this.logger.warn(line, 'LlmNarrator');
  }
}
