import type { LogSource, RuleRef } from '../model';

/** What the engine evaluates. `CanonicalEvent` satisfies it structurally. */
export interface SigmaEvent {
  index: number;
  fields: Record<string, unknown>;
  logsource: LogSource;
  /** Epoch milliseconds, used by correlation windows. */
  time?: number;
}

/** One problem found while loading a rule pack. Never thrown: collected on the rule set. */
export interface RuleLoadError {
  file: string;
  ruleId?: string;
  title?: string;
  reason: string;
}

/** Raised inside the compiler for one rule; the loader turns it into a RuleLoadError. */
export class SigmaRuleError extends Error {}

export interface MatchOptions {
  /** Run every rule regardless of the event's logsource. */
  ignoreLogsource?: boolean;
}

/** Schema metadata of a detection rule kept for reporting (Sigma v2 rule schema). */
export interface RuleMeta {
  related?: Array<{ id: string; type: string }>;
  taxonomy?: string;
  license?: string;
  author?: string;
  references?: string[];
  date?: string;
  modified?: string;
  fields?: string[];
  falsepositives?: string[];
  scope?: string[];
  definition?: string;
}
