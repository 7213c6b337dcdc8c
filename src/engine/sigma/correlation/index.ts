export { parseCorrelationRule, CORRELATION_TYPES } from './parse';
export {
  evaluateCorrelations,
  evaluateStoredCorrelations,
  correlationOrder,
  correlationFieldNames,
  hiddenRuleKeys,
  isReported,
  CorrelationPlan,
  MemoryEntryStore,
  detectionOccurrence,
  groupKeyOf,
} from './evaluate';
export type { CorrelationEntryStore, EntryGroup, EventLookup } from './evaluate';
export type { Entry, Occurrence } from './entries';
export { readField, readFields, valueKey, numericValue } from './fields';
export { parseTimespan } from './timespan';
export { describeCondition, isUnsatisfiable } from './condition';
export type {
  SigmaEvent,
  ConditionOperator,
  ConditionBound,
  CorrelationCondition,
  CorrelationRule,
  CorrelationInput,
  EvaluateCorrelationOptions,
} from './types';
export { correlationSchemaIssues } from './schema';
export type { SchemaIssue } from './schema';
