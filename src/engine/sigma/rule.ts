/**
 * The rule model: one Sigma YAML document turned into a compiled detection rule or a filter.
 * Validation follows the Sigma v2 JSON schemas; every problem becomes a reason string.
 */
import type { LogSource, RuleRef } from '../model';
import { type Need, type Predicate, compileDetection } from './compiler';
import type { ModifierOptions } from './modifiers';
import { type NormLogSource, normalizeLogSource } from './logsource';
import { type RuleMeta, SigmaRuleError } from './types';

export interface DetectionRule {
  ref: RuleRef;
  /** As written in the rule (`definition` moves to `meta`). */
  logsource: LogSource;
  meta: RuleMeta;
  /** Titles (or ids) of the filters applied to this rule. */
  filters: string[];
  /** Compiled detection, filters included. */
  match: Predicate;
  /** Necessary literals (prefilter); null when the rule has none. */
  need: Need;
  /** Normalised logsource used for routing. */
  route: NormLogSource;
  warnings: string[];
  /** Search identifiers of the condition, each on its own (explanations). */
  selections: Array<{ name: string; match: Predicate }>;
  /** Field names the detection reads. */
  fieldNames: string[];
}

export interface SigmaFilter {
  title: string;
  id?: string;
  file: string;
  /** 'any' (written `any`, `all` or `[]`): every rule whose logsource is within the filter's; else rule ids or names. */
  rules: 'any' | string[];
  logsource: NormLogSource;
  /** The filter's condition: a rule it applies to keeps only the events where this is true. */
  match: Predicate;
  warnings: string[];
}

const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const STATUSES = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function optString(doc: Record<string, unknown>, key: string): string | undefined {
  const v = doc[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new SigmaRuleError(`'${key}' must be a string`);
}

function optStrings(doc: Record<string, unknown>, key: string): string[] | undefined {
  const v = doc[key];
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  return list.filter((x) => x !== null && x !== undefined).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
}

function readLogSource(doc: Record<string, unknown>): { logsource: LogSource; definition?: string } {
  const ls = doc.logsource;
  if (!isRecord(ls)) throw new SigmaRuleError("'logsource' must be a map");
  const out: LogSource = {};
  for (const part of ['product', 'category', 'service'] as const) {
    const v = ls[part];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new SigmaRuleError(`'logsource.${part}' must be a string`);
    out[part] = v;
  }
  return { logsource: out, definition: typeof ls.definition === 'string' ? ls.definition : undefined };
}

function readRelated(doc: Record<string, unknown>): RuleMeta['related'] {
  const v = doc.related;
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new SigmaRuleError("'related' must be a list");
  return v.map((r) => {
    if (!isRecord(r) || typeof r.id !== 'string' || typeof r.type !== 'string') {
      throw new SigmaRuleError("'related' entries need 'id' and 'type'");
    }
    return { id: r.id, type: r.type };
  });
}

/** Metadata shared by detection rules and what the loader reports on errors. */
export function ruleIdentity(doc: Record<string, unknown>): { ruleId?: string; title?: string } {
  return {
    ruleId: typeof doc.id === 'string' ? doc.id : undefined,
    title: typeof doc.title === 'string' ? doc.title : undefined,
  };
}

export function parseDetectionRule(
  doc: Record<string, unknown>,
  file: string,
  fallbackId: string,
  opts: ModifierOptions,
): DetectionRule {
  const title = optString(doc, 'title');
  if (!title) throw new SigmaRuleError("missing 'title'");
  if (doc.logsource === undefined) throw new SigmaRuleError("missing 'logsource'");
  if (!isRecord(doc.detection)) throw new SigmaRuleError("'detection' must be a map");
  const { logsource, definition } = readLogSource(doc);
  const level = optString(doc, 'level');
  if (level !== undefined && !LEVELS.has(level)) throw new SigmaRuleError(`invalid level '${level}'`);
  const status = optString(doc, 'status');
  if (status !== undefined && !STATUSES.has(status)) throw new SigmaRuleError(`invalid status '${status}'`);
  const compiled = compileDetection(doc.detection, opts);
  const ref: RuleRef = {
    id: optString(doc, 'id') ?? fallbackId,
    title,
    // An unrated rule is reported as medium, Sigma's middle level, rather than guessed high or dropped.
    level: level ?? 'medium',
    status,
    tags: optStrings(doc, 'tags') ?? [],
    file,
    name: optString(doc, 'name'),
    description: optString(doc, 'description'),
  };
  const meta: RuleMeta = {
    related: readRelated(doc),
    taxonomy: optString(doc, 'taxonomy'),
    license: optString(doc, 'license'),
    author: optString(doc, 'author'),
    references: optStrings(doc, 'references'),
    date: optString(doc, 'date'),
    modified: optString(doc, 'modified'),
    fields: optStrings(doc, 'fields'),
    falsepositives: optStrings(doc, 'falsepositives'),
    scope: optStrings(doc, 'scope'),
    definition,
  };
  return {
    ref,
    logsource,
    meta,
    filters: [],
    match: compiled.match,
    need: compiled.need,
    route: normalizeLogSource(logsource),
    warnings: compiled.warnings,
    selections: compiled.selections,
    fieldNames: compiled.fields,
  };
}

/**
 * A Sigma filter document (`filter:` with `rules`, search identifiers and `condition`).
 *
 * The specification contradicts itself here: it describes filters as suppressing matches, yet its
 * own example (sigma-spec examples/filter/filter_1.yml, "Filter Administrator account") writes
 * `condition: selection` for the events to drop. Issue #3 says to follow pySigma, the reference
 * implementation, on such points, and we do: pySigma (sigma/filters.py, SigmaFilter.apply_on_rule)
 * rewrites the rule's condition to `(rule condition) and (filter condition)`, so a filter keeps the
 * events its condition matches and its authors write `condition: not selection` to suppress. Read
 * with pySigma, that example keeps only `adm_` users instead of removing them.
 */
export function parseFilter(doc: Record<string, unknown>, file: string, opts: ModifierOptions): SigmaFilter {
  const title = optString(doc, 'title');
  if (!title) throw new SigmaRuleError("missing 'title'");
  const section = doc.filter;
  if (!isRecord(section)) throw new SigmaRuleError("'filter' must be a map");
  const { logsource } = readLogSource(doc);
  const rules = readFilterRules(section);
  if (section.condition === undefined) throw new SigmaRuleError("'filter.condition' is missing: a Sigma filter needs exactly one condition");
  if (typeof section.condition !== 'string') throw new SigmaRuleError("'filter.condition' must be a single string");
  const detection: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(section)) if (k !== 'rules') detection[k] = v;
  const compiled = compileDetection(detection, opts);
  return {
    title,
    id: optString(doc, 'id'),
    file,
    rules,
    logsource: normalizeLogSource(logsource),
    match: compiled.match,
    warnings: compiled.warnings,
  };
}

/** `filter.rules` as pySigma reads it: required; `any`/`all` (any case) or `[]` = any rule; one reference or a list. */
function readFilterRules(section: Record<string, unknown>): SigmaFilter['rules'] {
  const v = section.rules;
  if (v === undefined) {
    throw new SigmaRuleError("Sigma filter must have a 'rules' field (use 'any' or 'all' to apply to every rule of the filter's logsource)");
  }
  if (typeof v === 'string') return ['any', 'all'].includes(v.toLowerCase()) ? 'any' : [v];
  if (!Array.isArray(v)) throw new SigmaRuleError("'filter.rules' must be 'any', 'all', a rule id or name, or a list of them");
  if (v.some((r) => typeof r !== 'string')) throw new SigmaRuleError("'filter.rules' must list rule ids or names");
  return v.length === 0 ? 'any' : (v as string[]);
}

/** Every logsource part the filter sets equals the rule's (pySigma: `rule.logsource in filter.logsource`). */
export function logsourceWithin(rule: NormLogSource, filter: NormLogSource): boolean {
  return (['product', 'category', 'service'] as const).every((part) => filter[part] === undefined || filter[part] === rule[part]);
}

/** A listed rule (by id or name) of the filter; with `rules: any`, every rule. */
export function filterNames(filter: SigmaFilter, rule: DetectionRule): boolean {
  if (filter.rules === 'any') return true;
  return filter.rules.includes(rule.ref.id) || (rule.ref.name !== undefined && filter.rules.includes(rule.ref.name));
}

/** As pySigma: the rule's logsource is within the filter's, and the filter names the rule (or any rule). */
export function filterAppliesTo(filter: SigmaFilter, rule: DetectionRule): boolean {
  return logsourceWithin(rule.route, filter.logsource) && filterNames(filter, rule);
}

/**
 * `(rule) and (filter)`, as pySigma. AND-ing only narrows the rule, so its need (the prefilter's
 * necessary literals) stays valid unchanged.
 */
export function applyFilter(rule: DetectionRule, filter: SigmaFilter): void {
  const base = rule.match;
  const keep = filter.match;
  rule.match = (ctx) => base(ctx) && keep(ctx);
  rule.filters.push(filter.title);
}
