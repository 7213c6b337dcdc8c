/**
 * Choosing which loaded rules run (`lantern hunt --status`, `--tags`, `--exclude-rule`): by the rule's status, by
 * its tags, and by id or name. Correlation rules are chosen the same way. A chosen correlation keeps the rules
 * it references running (and the correlations it chains), since it cannot fire without them; those run
 * unreported unless they are chosen themselves. An excluded rule never runs, whatever references it.
 */
import type { RuleRef } from '../model';
import type { CorrelationRule } from './correlation';
import type { LoadResult } from './loader';
import type { DetectionRule } from './rule';

/** The statuses the Sigma specification defines. */
export const RULE_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;

export interface RuleSelection {
  /** Keep rules whose status is one of these; a rule without a status is left out. */
  statuses?: string[];
  /** Keep rules with one of these tags, or a tag below one (`attack.t1059` keeps `attack.t1059.001`). Case-insensitive. */
  tags?: string[];
  /** Leave out these rules (id or name). */
  exclude?: string[];
}

export interface SelectedRules {
  loaded: LoadResult;
  /** Ids of rules that run only because a chosen correlation references them: their own hits are not reported. */
  unreported: Set<string>;
  /** Rules left out (detection and correlation). */
  leftOut: number;
  /** `exclude` entries that name no loaded rule (a typo, most likely). */
  unknownExclusions: string[];
}

/** Whether the selection asks for anything (no selection keeps every rule). */
export function selects(selection: RuleSelection | undefined): selection is RuleSelection {
  return selection !== undefined && (selection.statuses !== undefined || selection.tags !== undefined || (selection.exclude?.length ?? 0) > 0);
}

function named(ref: RuleRef, keys: Set<string>): boolean {
  return keys.has(ref.id) || (ref.name !== undefined && keys.has(ref.name));
}

function tagged(ref: RuleRef, tags: string[]): boolean {
  return ref.tags.some((tag) => {
    const t = tag.toLowerCase();
    return tags.some((wanted) => t === wanted || t.startsWith(`${wanted}.`));
  });
}

export function selectRules(loaded: LoadResult, selection: RuleSelection): SelectedRules {
  const statuses = selection.statuses?.map((s) => s.toLowerCase());
  const tags = selection.tags?.map((t) => t.toLowerCase());
  const excluded = new Set(selection.exclude ?? []);
  const chosen = (ref: RuleRef): boolean => {
    if (named(ref, excluded)) return false;
    if (statuses !== undefined && (ref.status === undefined || !statuses.includes(ref.status.toLowerCase()))) return false;
    return tags === undefined || tagged(ref, tags);
  };
  const runs = new Set<DetectionRule | CorrelationRule>();
  const unreported = new Set<string>();
  const pending: CorrelationRule[] = [];
  for (const rule of loaded.detectionRules) if (chosen(rule.ref)) runs.add(rule);
  for (const rule of loaded.correlationRules) {
    if (!chosen(rule.ref)) continue;
    runs.add(rule);
    pending.push(rule);
  }
  // What chosen correlations reference, chains included, runs too (an excluded rule aside).
  for (let correlation = pending.pop(); correlation !== undefined; correlation = pending.pop()) {
    const refs = new Set(correlation.rules);
    const referenced = [...loaded.detectionRules.filter((r) => named(r.ref, refs)), ...loaded.correlationRules.filter((r) => named(r.ref, refs))];
    for (const rule of referenced) {
      if (runs.has(rule) || named(rule.ref, excluded)) continue;
      runs.add(rule);
      unreported.add(rule.ref.id);
      if ('rules' in rule && Array.isArray(rule.rules)) pending.push(rule as CorrelationRule);
    }
  }
  const detectionRules = loaded.detectionRules.filter((rule) => runs.has(rule));
  const correlationRules = loaded.correlationRules.filter((rule) => runs.has(rule));
  const all = [...loaded.detectionRules, ...loaded.correlationRules];
  const unknownExclusions = [...excluded].filter((key) => !all.some((rule) => rule.ref.id === key || rule.ref.name === key));
  return {
    loaded: { ...loaded, detectionRules, correlationRules },
    unreported,
    leftOut: all.length - detectionRules.length - correlationRules.length,
    unknownExclusions,
  };
}
