import type { CorrelationType, RuleRef } from '../../model';
import { isUnsatisfiable } from './condition';
import { parseTimespan } from './timespan';
import {
  CONDITION_OPERATORS,
  type ConditionBound,
  type ConditionOperator,
  type CorrelationCondition,
  type CorrelationRule,
} from './types';

export const CORRELATION_TYPES: readonly CorrelationType[] = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
];

const VALUE_TYPES: ReadonlySet<CorrelationType> = new Set(['value_count', 'value_sum', 'value_avg', 'value_percentile']);
const TEMPORAL_TYPES: ReadonlySet<CorrelationType> = new Set(['temporal', 'temporal_ordered']);
const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const CORRELATION_KEYS = new Set(['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate']);

type Parsed<T> = { value: T; errors: string[]; warnings: string[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return undefined;
  if (!value.every((item) => typeof item === 'string' || typeof item === 'number')) return undefined;
  return value.map((item) => String(item));
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function parseType(value: unknown): Parsed<CorrelationType | undefined> {
  if (value === undefined) return { value: undefined, errors: ['correlation.type is missing'], warnings: [] };
  const found = CORRELATION_TYPES.find((type) => type === value);
  if (found) return { value: found, errors: [], warnings: [] };
  const known = CORRELATION_TYPES.join(', ');
  return { value: undefined, errors: [`correlation.type '${String(value)}' is not one of ${known}`], warnings: [] };
}

function parseRules(value: unknown): Parsed<string[]> {
  const rules = stringList(value);
  if (!rules || rules.length === 0) {
    return { value: [], errors: ['correlation.rules must name at least one rule (by name or id)'], warnings: [] };
  }
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule)) errors.push(`correlation.rules names '${rule}' twice`);
    seen.add(rule);
  }
  return { value: rules, errors, warnings: [] };
}

function parseGroupBy(value: unknown, type: CorrelationType | undefined): Parsed<string[]> {
  if (value === undefined) {
    // The spec marks group-by "mandatory" and then describes it as optional; pySigma treats it as
    // optional (one group for all events), and so do we, with a lint warning.
    const warning = `correlation.group-by is missing: all events of ${type ?? 'this rule'} form one group`;
    return { value: [], errors: [], warnings: [warning] };
  }
  const fields = stringList(value);
  if (!fields) return { value: [], errors: ['correlation.group-by must be a field name or a list of field names'], warnings: [] };
  const unique = [...new Set(fields)];
  const errors = unique.length === fields.length ? [] : ['correlation.group-by lists a field twice'];
  return { value: unique, errors, warnings: [] };
}

function parseBounds(condition: Record<string, unknown>): Parsed<ConditionBound[]> {
  const errors: string[] = [];
  const bounds: ConditionBound[] = [];
  for (const op of CONDITION_OPERATORS) {
    if (!(op in condition)) continue;
    const raw = condition[op];
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(value)) {
      errors.push(`correlation.condition.${op} must be a number, got ${JSON.stringify(raw)}`);
      continue;
    }
    bounds.push({ op: op as ConditionOperator, value });
  }
  // The spec says "a map of exactly one condition criterion" and, a few lines on, shows a range
  // (`gt: 100, lte: 200`) joined by AND. pySigma, the reference implementation, rejects more than
  // one operator (SigmaCorrelationCondition.from_dict: "must have exactly one condition item"),
  // so we follow it: a range is a load error, and a rule that loads here also converts there.
  if (bounds.length > 1) {
    const ops = bounds.map((b) => b.op).join(', ');
    errors.push(`correlation.condition has several operators (${ops}): exactly one is allowed, as in pySigma; split a range into two correlations`);
  }
  return { value: bounds, errors, warnings: [] };
}

function parsePercentile(raw: unknown, type: CorrelationType | undefined): Parsed<number | undefined> {
  if (raw === undefined) return { value: undefined, errors: [], warnings: [] };
  if (type !== 'value_percentile') {
    return { value: undefined, errors: ['correlation.condition.percentile only applies to value_percentile'], warnings: [] };
  }
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > 100) {
    return { value: undefined, errors: ['correlation.condition.percentile must be an integer from 0 to 100'], warnings: [] };
  }
  return { value: raw, errors: [], warnings: [] };
}

function parseField(raw: unknown, type: CorrelationType | undefined): Parsed<string[] | undefined> {
  if (raw === undefined) {
    const errors = type && VALUE_TYPES.has(type) ? [`correlation.condition.field is required for ${type}`] : [];
    return { value: undefined, errors, warnings: [] };
  }
  const fields = stringList(raw);
  if (!fields || fields.length === 0) {
    return { value: undefined, errors: ['correlation.condition.field must be a field name or a list of field names'], warnings: [] };
  }
  if (fields.length > 1 && type !== 'value_count') {
    return { value: undefined, errors: [`correlation.condition.field must be a single field for ${type ?? 'this type'}`], warnings: [] };
  }
  const warnings = type && !VALUE_TYPES.has(type) ? [`correlation.condition.field is ignored by ${type}`] : [];
  return { value: fields, errors: [], warnings };
}

function parseCondition(raw: unknown, type: CorrelationType | undefined, ruleCount: number): Parsed<CorrelationCondition> {
  const temporal = type !== undefined && TEMPORAL_TYPES.has(type);
  if (raw === undefined) {
    // Temporal types without a condition need every referenced rule (pySigma: gte <number of rules>).
    const bounds: ConditionBound[] = [{ op: 'gte', value: ruleCount }];
    const errors = temporal || type === undefined ? [] : [`correlation.condition is required for ${type}`];
    return { value: { bounds, explicit: false }, errors, warnings: [] };
  }
  const empty: CorrelationCondition = { bounds: [], explicit: true };
  if (typeof raw === 'string') {
    return { value: empty, errors: ['correlation.condition as an expression string (pySigma extended conditions) is not supported'], warnings: [] };
  }
  if (!isRecord(raw)) return { value: empty, errors: ['correlation.condition must be a mapping such as {gte: 10}'], warnings: [] };

  const known = new Set<string>([...CONDITION_OPERATORS, 'field', 'percentile']);
  const unknown = Object.keys(raw).filter((key) => !known.has(key));
  const bounds = parseBounds(raw);
  const field = parseField(raw.field, type);
  const percentile = parsePercentile(raw.percentile, type);
  const errors = [...bounds.errors, ...field.errors, ...percentile.errors];
  if (unknown.length > 0) errors.push(`correlation.condition has unknown key(s): ${unknown.join(', ')}`);
  if (bounds.value.length === 0 && bounds.errors.length === 0) {
    errors.push(`correlation.condition needs one of ${CONDITION_OPERATORS.join(', ')}`);
  }
  if (bounds.value.length > 0 && isUnsatisfiable(bounds.value)) errors.push('correlation.condition can never be met');
  const condition: CorrelationCondition = { bounds: bounds.value, explicit: true };
  if (field.value) condition.field = field.value;
  if (percentile.value !== undefined) condition.percentile = percentile.value;
  return { value: condition, errors, warnings: [...bounds.warnings, ...field.warnings] };
}

function parseAliases(raw: unknown): Parsed<Record<string, Record<string, string>>> {
  if (raw === undefined) return { value: {}, errors: [], warnings: [] };
  const errors: string[] = [];
  const aliases: Record<string, Record<string, string>> = {};
  if (!isRecord(raw)) return { value: {}, errors: ['correlation.aliases must map alias -> {rule: field}'], warnings: [] };
  for (const [alias, mapping] of Object.entries(raw)) {
    if (!isRecord(mapping) || !Object.values(mapping).every((field) => typeof field === 'string')) {
      errors.push(`correlation.aliases.${alias} must map rule name or id -> field name`);
      continue;
    }
    aliases[alias] = mapping as Record<string, string>;
  }
  return { value: aliases, errors, warnings: [] };
}

function ruleRef(doc: Record<string, unknown>, file: string): RuleRef {
  const title = typeof doc.title === 'string' ? doc.title : '';
  const name = optionalString(doc.name);
  const id = optionalString(doc.id) ?? name ?? title;
  const level = typeof doc.level === 'string' && LEVELS.has(doc.level) ? doc.level : 'medium';
  const tags = Array.isArray(doc.tags) ? doc.tags.filter((t): t is string => typeof t === 'string') : [];
  const ref: RuleRef = { id, title, level, tags, file };
  if (name) ref.name = name;
  const status = optionalString(doc.status);
  if (status) ref.status = status;
  const description = optionalString(doc.description);
  if (description) ref.description = description;
  return ref;
}

function metadataErrors(doc: Record<string, unknown>): string[] {
  const errors: string[] = [];
  if (typeof doc.title !== 'string' || doc.title.trim() === '') errors.push('title is missing');
  if (doc.level !== undefined && !(typeof doc.level === 'string' && LEVELS.has(doc.level))) {
    errors.push(`level '${String(doc.level)}' is not one of ${[...LEVELS].join(', ')}`);
  }
  return errors;
}

/**
 * Parses one Sigma correlation document (a YAML document with a `correlation` section).
 * Never throws: every problem found is listed in `error`, joined by "; ".
 */
export function parseCorrelationRule(doc: Record<string, unknown>, file: string): CorrelationRule | { error: string } {
  const section = doc.correlation;
  if (!isRecord(section)) return { error: 'correlation section is missing or not a mapping' };

  const type = parseType(section.type);
  const rules = parseRules(section.rules);
  const groupBy = parseGroupBy(section['group-by'], type.value);
  const condition = parseCondition(section.condition, type.value, rules.value.length);
  const aliases = parseAliases(section.aliases);
  const timespanMs = parseTimespan(section.timespan);
  // The JSON schema puts `generate` at the top level, pySigma reads it inside `correlation`:
  // accept either place, and reject the rule when both are given and disagree.
  const generate = section.generate ?? doc.generate;

  const errors = [
    ...metadataErrors(doc),
    ...type.errors,
    ...rules.errors,
    ...groupBy.errors,
    ...condition.errors,
    ...aliases.errors,
  ];
  if (section.timespan === undefined) errors.push('correlation.timespan is missing');
  else if (timespanMs === undefined) {
    errors.push(`correlation.timespan '${String(section.timespan)}' must be a positive number and a unit (s, m, h, d, w, M for months, y), e.g. 5m`);
  }
  if (generate !== undefined && typeof generate !== 'boolean') errors.push('generate must be true or false');
  if (section.generate !== undefined && doc.generate !== undefined && section.generate !== doc.generate) {
    errors.push('generate is given twice (top level and in correlation) with different values');
  }
  const unknownKeys = Object.keys(section).filter((key) => !CORRELATION_KEYS.has(key));
  if (unknownKeys.length > 0) errors.push(`correlation has unknown key(s): ${unknownKeys.join(', ')}`);

  if (errors.length > 0 || type.value === undefined || timespanMs === undefined) return { error: errors.join('; ') };

  const warnings = [...groupBy.warnings, ...condition.warnings];
  if (typeof doc.id !== 'string') warnings.push('id is missing: hits are reported under the rule name or title');
  return {
    ref: ruleRef(doc, file),
    type: type.value,
    rules: rules.value,
    groupBy: groupBy.value,
    timespan: String(section.timespan).trim(),
    timespanMs,
    condition: condition.value,
    aliases: aliases.value,
    generate: generate === true,
    warnings,
  };
}
