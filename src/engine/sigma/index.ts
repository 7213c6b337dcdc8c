/**
 * Lantern's Sigma engine: rule model, values and modifiers, conditions, compiler to closures,
 * logsource routing with a literal prefilter, filters, and correlation rules (./correlation).
 */
export type { SigmaEvent, RuleLoadError, MatchOptions, RuleMeta } from './types';
export { SigmaRuleError } from './types';
export { RuleSet, loadRuleSet, ruleSetFromText } from './ruleset';
export type { EvaluateOptions, EvaluateResult } from './ruleset';
export type { LoadOptions, CorrelationDoc, LoadResult } from './loader';
export { listRuleFiles } from './loader';
export type { DetectionRule, SigmaFilter } from './rule';
export { logsourceCompatible, normalizeLogSource } from './logsource';
export { MODIFIERS } from './modifiers';
export { EventContext } from './fields';
export type { CorrelationRule } from './correlation';
