import type { CorrelationType, LogSource, RuleRef } from '../../model';

/**
 * The event view the Sigma engine works on. Declared here as well as in the core's index so the
 * correlation module has no import cycle with it; CanonicalEvent satisfies it structurally.
 */
export interface SigmaEvent {
  index: number;
  fields: Record<string, unknown>;
  logsource: LogSource;
  /** Epoch milliseconds (UTC). */
  time?: number;
}

/**
 * `neq`: the spec text up to 2.0.2 lists five operators while its JSON schema already has `neq`;
 * pySigma accepts it (and 2.1 documents it), so we do: the count must differ from the value.
 */
export type ConditionOperator = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';
export const CONDITION_OPERATORS: readonly ConditionOperator[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

export interface ConditionBound {
  op: ConditionOperator;
  value: number;
}

export interface CorrelationCondition {
  /** All bounds must hold (a range is two bounds). */
  bounds: ConditionBound[];
  /** value_* types: the field(s) the aggregate is computed on (value_count may name several). */
  field?: string[];
  /** value_percentile only (pySigma extension): which percentile of the field is compared. */
  percentile?: number;
  /** False when the rule had no condition and the type's default applies (temporal: all rules). */
  explicit: boolean;
}

export interface CorrelationRule {
  /** Metadata reported with every hit of this rule. */
  ref: RuleRef;
  type: CorrelationType;
  /** Referenced rules, by `name` or `id`, in rule order (temporal_ordered uses this order). */
  rules: string[];
  /** Empty means one group for all events (pySigma treats group-by as optional). */
  groupBy: string[];
  /** As written, e.g. `5m`. */
  timespan: string;
  timespanMs: number;
  condition: CorrelationCondition;
  /** alias -> (rule name or id -> field name in that rule's events). */
  aliases: Record<string, Record<string, string>>;
  /** Whether the referenced rules still report their own hits. */
  generate: boolean;
  /** Portability notes for lint (legal here, rejected or read differently elsewhere). */
  warnings: string[];
}

/** One detection hit together with the event it fired on. */
export interface CorrelationInput {
  rule: RuleRef;
  event: SigmaEvent;
}

export interface EvaluateCorrelationOptions {
  /** Also report hits of correlation rules that a `generate: false` correlation consumes. */
  includeHidden?: boolean;
}
