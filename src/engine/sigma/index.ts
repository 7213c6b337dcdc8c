/**
 * Lantern's Sigma engine (Sigma specification v2).
 *
 *   const rules = loadRuleSet(['/path/to/rules'], { placeholders: { admins: ['adm_*'] } });
 *   rules.errors                 // [{ file, ruleId?, title?, reason }] — bad rules never stop a load
 *   rules.matchEvent(event)      // RuleRef[] of the detection rules matching one event
 *   rules.evaluate(events)       // { detections, correlations } (correlations on event time)
 *   rules.explain(event, ruleId) // which selections matched, with the event's values of the rule's fields
 *
 * Layout (after pySigma): values.ts (strings, wildcards, escapes), modifiers.ts (the modifier
 * registry), condition.ts (condition expressions), compiler.ts (detection -> closure + literal
 * need), fields.ts (per-event field cache), logsource.ts (compatibility policy), prefilter.ts
 * (sound literal prefilter), rule.ts (rule and filter documents), loader.ts (files, YAML,
 * errors), ruleset.ts (routing, evaluation), correlation/ (correlation rules).
 * `loadRuleSet(paths, { prefilter: false })` evaluates every routed rule (for soundness checks).
 */
export type { SigmaEvent, RuleLoadError, MatchOptions, RuleMeta } from './types';
export { SigmaRuleError } from './types';
export { RuleSet, loadRuleSet, ruleSetFromText } from './ruleset';
export type { EvaluateOptions, EvaluateResult, MatchExplanation } from './ruleset';
export type { LoadOptions, CorrelationDoc, LoadResult } from './loader';
export { listRuleFiles } from './loader';
export type { DetectionRule, SigmaFilter } from './rule';
export { logsourceCompatible, normalizeLogSource, CATEGORY_PARENT } from './logsource';
export { MODIFIERS } from './modifiers';
export { EventContext } from './fields';
export type { CorrelationRule } from './correlation';
export { RULE_STATUSES, type RuleSelection, selectRules } from './selection';
