/**
 * The narrator contract the analysis service injects (token NARRATOR). Implementations must never
 * throw for provider trouble and must answer before `deadline`: the deterministic narrative is the floor.
 */
import type { Findings, Narrative, NarrativeProvenance } from '../engine/model';

export const NARRATOR = Symbol.for('lantern.narrator');

export interface NarrateOptions {
  /** Epoch ms by which the whole request must be answered. */
  deadline: number;
  requestId: string;
  /** Aborted when the client goes away; the narrator then stops spending on the provider. */
  signal?: AbortSignal;
}

export interface NarrateResult {
  narrative: Narrative;
  provenance: NarrativeProvenance;
}

export interface Narrator {
  narrate(findings: Findings, opts: NarrateOptions): Promise<NarrateResult>;
  /** Counters since start-up, for metrics and health endpoints. */
  stats?(): NarratorStats;
}

export interface NarratorStats {
  provider: string;
  model?: string;
  prompt_version: string;
  narratives: { llm: number; deterministic: number };
  fallbacks: Partial<Record<FallbackReason, number>>;
  tokens: { input: number; output: number };
  slots: { limit: number; in_use: number; waiting: number };
}

/** Why the deterministic text was returned instead of the model's. */
export type FallbackReason =
  | 'no_budget'
  | 'queue_timeout'
  | 'timeout'
  | 'aborted'
  | 'rate_limited'
  | 'provider_error'
  | 'provider_unreachable'
  | 'malformed_output'
  | 'ungrounded_output'
  | 'contradicts_findings';
