/**
 * Lint of a loaded rule pack: the loader's errors (YAML, schema, unknown modifiers, duplicate
 * detection ids) plus what only the whole pack shows: duplicate correlation ids and rule names,
 * broken or cyclic correlation references, aliases naming rules the correlation does not use.
 */
import type { RuleRef } from '../model';
import { type CorrelationRule, correlationOrder, correlationSchemaIssues } from './correlation';
import type { RuleSet } from './ruleset';

export interface LintIssue {
  severity: 'error' | 'warning';
  file: string;
  ruleId?: string;
  title?: string;
  message: string;
}

/** Reasons the rule set already reports as warnings that lint reports as errors itself. */
const RESTATED = /^correlation references unknown rule/;

function issue(severity: LintIssue['severity'], ref: RuleRef, message: string): LintIssue {
  return { severity, file: ref.file ?? '', ruleId: ref.id, title: ref.title, message };
}

function allRefs(ruleSet: RuleSet): RuleRef[] {
  return [...ruleSet.detectionRules.map((rule) => rule.ref), ...ruleSet.correlationRules.map((rule) => rule.ref)];
}

function duplicateIssues(ruleSet: RuleSet): LintIssue[] {
  const issues: LintIssue[] = [];
  const ids = new Map<string, RuleRef>();
  for (const ref of ruleSet.detectionRules.map((rule) => rule.ref)) ids.set(ref.id, ref);
  for (const { ref } of ruleSet.correlationRules) {
    const first = ids.get(ref.id);
    if (first) issues.push(issue('error', ref, `duplicate rule id '${ref.id}' (also in ${first.file ?? 'another file'})`));
    else ids.set(ref.id, ref);
  }
  const names = new Map<string, RuleRef>();
  for (const ref of allRefs(ruleSet)) {
    if (!ref.name) continue;
    const first = names.get(ref.name);
    if (first) issues.push(issue('error', ref, `duplicate rule name '${ref.name}' (also in ${first.file ?? 'another file'}): correlation references to it are ambiguous`));
    else names.set(ref.name, ref);
  }
  return issues;
}

function referenceIssues(ruleSet: RuleSet): LintIssue[] {
  const known = new Set<string>();
  for (const ref of allRefs(ruleSet)) {
    known.add(ref.id);
    if (ref.name) known.add(ref.name);
  }
  const issues: LintIssue[] = [];
  for (const rule of ruleSet.correlationRules) {
    for (const ref of rule.rules) {
      if (!known.has(ref)) issues.push(issue('error', rule.ref, `correlation references unknown rule '${ref}' (no rule has this id or name)`));
      if (ref === rule.ref.id || ref === rule.ref.name) issues.push(issue('error', rule.ref, 'correlation references itself'));
    }
    issues.push(...aliasIssues(rule));
  }
  for (const rule of correlationOrder(ruleSet.correlationRules).cyclic) {
    if (rule.rules.includes(rule.ref.id) || (rule.ref.name && rule.rules.includes(rule.ref.name))) continue;
    issues.push(issue('error', rule.ref, 'correlation is part of a reference cycle and can never fire'));
  }
  return issues;
}

function aliasIssues(rule: CorrelationRule): LintIssue[] {
  const issues: LintIssue[] = [];
  for (const [alias, mapping] of Object.entries(rule.aliases)) {
    for (const ref of Object.keys(mapping)) {
      if (!rule.rules.includes(ref)) issues.push(issue('error', rule.ref, `alias '${alias}' maps rule '${ref}', which the correlation does not reference`));
    }
    const used = rule.groupBy.includes(alias) || (rule.condition.field ?? []).includes(alias);
    if (!used) issues.push(issue('warning', rule.ref, `alias '${alias}' is defined but used neither in group-by nor as the condition field`));
  }
  return issues;
}

function schemaIssues(ruleSet: RuleSet): LintIssue[] {
  return ruleSet.correlationDocs.flatMap(({ file, doc }) => {
    const ruleId = typeof doc.id === 'string' ? doc.id : undefined;
    const title = typeof doc.title === 'string' ? doc.title : undefined;
    return correlationSchemaIssues(doc).map((found): LintIssue => ({ severity: found.severity, file, ruleId, title, message: `schema: ${found.message}` }));
  });
}

/** Every issue of a loaded pack, errors first, then by file. */
export function lintRuleSet(ruleSet: RuleSet): LintIssue[] {
  const issues: LintIssue[] = [
    ...ruleSet.errors.map((e): LintIssue => ({ severity: 'error', file: e.file, ruleId: e.ruleId, title: e.title, message: e.reason })),
    ...ruleSet.warnings
      .filter((w) => !RESTATED.test(w.reason))
      .map((w): LintIssue => ({ severity: 'warning', file: w.file, ruleId: w.ruleId, title: w.title, message: w.reason })),
    ...schemaIssues(ruleSet),
    ...duplicateIssues(ruleSet),
    ...referenceIssues(ruleSet),
    ...ruleSet.correlationRules.flatMap((rule) => rule.warnings.map((w) => issue('warning', rule.ref, w))),
  ];
  const rank = (i: LintIssue): number => (i.severity === 'error' ? 0 : 1);
  return issues
    .map((item, order) => ({ item, order }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.item.file.localeCompare(b.item.file) || a.order - b.order)
    .map(({ item }) => item);
}
