export { parseCorrelationRule, CORRELATION_TYPES } from './parse';
export { evaluateCorrelations, correlationOrder, hiddenRuleKeys, isReported } from './evaluate';
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
