/**
 * The checks of the official Sigma detection rule (V2.0.0) and filter (V2.0.0) JSON schemas, for
 * lint. The loader enforces only what evaluation needs (a rule with a malformed date or tag still
 * matches fine), so these run on the documents as read. Every finding is reported, not the first.
 * Errors break the schema; warnings are forms the schema allows or pySigma accepts that it does
 * not (unknown top-level keys, a Sigma v1 list of conditions, `filter.rules: any`).
 */
export interface SchemaIssue {
  severity: 'error' | 'warning';
  message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/;
const TAG = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;
const STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];
const RELATION_TYPES = ['derived', 'obsolete', 'merged', 'renamed', 'similar'];
const LOGSOURCE_PARTS = ['category', 'product', 'service', 'definition'];

/** Top-level properties of the detection rule schema; any other key is allowed but unknown. */
const SCHEMA_KEYS = [
  'title', 'id', 'related', 'name', 'taxonomy', 'status', 'description', 'license', 'author', 'references',
  'date', 'modified', 'logsource', 'detection', 'fields', 'falsepositives', 'level', 'tags', 'scope',
];
/**
 * Keys SigmaHQ adds to its published rules (paths of regression test data, Atomic Red Team
 * simulations): not in the schema, but no mistake either, so not worth a warning on every lint.
 */
const SIGMAHQ_KEYS = ['regression_tests_path', 'simulation'];
const RULE_KEYS = new Set([...SCHEMA_KEYS, ...SIGMAHQ_KEYS]);
/** The filter schema's own properties, plus the rule metadata filters commonly carry (name, author, ...). */
const FILTER_KEYS = new Set([...RULE_KEYS, 'filter']);

type Doc = Record<string, unknown>;

function isRecord(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a map';
  return typeof value === 'string' ? `'${value}'` : String(value);
}

class Findings {
  readonly issues: SchemaIssue[] = [];

  error(message: string): void {
    this.issues.push({ severity: 'error', message });
  }

  warning(message: string): void {
    this.issues.push({ severity: 'warning', message });
  }
}

function checkString(f: Findings, doc: Doc, key: string, maxLength = Infinity): void {
  const value = doc[key];
  if (value === undefined) return;
  if (typeof value !== 'string') f.error(`${key} must be a string, not ${describe(value)}`);
  else if (value.length > maxLength) f.error(`${key} is longer than ${maxLength} characters (${value.length})`);
}

function checkRequired(f: Findings, doc: Doc, keys: string[]): void {
  for (const key of keys) if (doc[key] === undefined) f.error(`missing required '${key}'`);
}

function checkUuid(f: Findings, value: unknown, key: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string') f.error(`${key} must be a string UUID, not ${describe(value)}`);
  else if (!UUID.test(value)) f.error(`${key} ${describe(value)} is not a UUID`);
}

function checkEnum(f: Findings, doc: Doc, key: string, allowed: string[]): void {
  const value = doc[key];
  if (value === undefined) return;
  if (typeof value !== 'string' || !allowed.includes(value)) f.error(`${key} ${describe(value)} is not one of ${allowed.join(', ')}`);
}

function checkDates(f: Findings, doc: Doc): void {
  for (const key of ['date', 'modified']) {
    const value = doc[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !DATE.test(value)) f.error(`${key} ${describe(value)} is not a YYYY-MM-DD date`);
  }
}

/**
 * A list property: must be a list, without repeats when `unique`, each item checked by `item`
 * (which returns why an item is wrong, or undefined).
 */
function checkList(f: Findings, doc: Doc, key: string, unique: boolean, item: (value: unknown) => string | undefined): void {
  const value = doc[key];
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    f.error(`${key} must be a list, not ${describe(value)}`);
    return;
  }
  value.forEach((entry, i) => {
    const problem = item(entry);
    if (problem !== undefined) f.error(`${key}[${i}] ${problem}`);
  });
  if (!unique) return;
  const seen = new Set<string>();
  for (const entry of value) {
    const text = JSON.stringify(entry);
    if (seen.has(text)) f.error(`${key} lists ${text} more than once`);
    seen.add(text);
  }
}

const aString = (value: unknown): string | undefined => (typeof value === 'string' ? undefined : `must be a string, not ${describe(value)}`);

function minString(minLength: number): (value: unknown) => string | undefined {
  return (value) => aString(value) ?? ((value as string).length < minLength ? `must be ${minLength} characters at least` : undefined);
}

function aTag(value: unknown): string | undefined {
  return aString(value) ?? (TAG.test(value as string) ? undefined : `${describe(value)} does not match ${TAG.source} (namespace.name, lower case)`);
}

function checkRelated(f: Findings, doc: Doc): void {
  checkList(f, doc, 'related', false, (entry) => {
    if (!isRecord(entry)) return `must be a map with 'id' and 'type', not ${describe(entry)}`;
    const problems: string[] = [];
    if (entry.id === undefined) problems.push("has no 'id'");
    else if (typeof entry.id !== 'string' || !UUID.test(entry.id)) problems.push(`id ${describe(entry.id)} is not a UUID`);
    if (entry.type === undefined) problems.push("has no 'type'");
    else if (typeof entry.type !== 'string' || !RELATION_TYPES.includes(entry.type)) {
      problems.push(`type ${describe(entry.type)} is not one of ${RELATION_TYPES.join(', ')}`);
    }
    return problems.length > 0 ? problems.join(', ') : undefined;
  });
}

function checkLogsource(f: Findings, doc: Doc, parts: string[]): void {
  const logsource = doc.logsource;
  if (logsource === undefined) return;
  if (!isRecord(logsource)) {
    f.error(`logsource must be a map, not ${describe(logsource)}`);
    return;
  }
  for (const part of parts) {
    const value = logsource[part];
    if (value !== undefined && typeof value !== 'string') f.error(`logsource.${part} must be a string, not ${describe(value)}`);
  }
}

/** A search identifier: a map, or a list of strings, integers and maps. */
function checkSearchIdentifier(f: Findings, section: string, name: string, value: unknown): void {
  if (isRecord(value)) return;
  if (!Array.isArray(value)) {
    f.error(`${section}.${name} must be a map or a list, not ${describe(value)}`);
    return;
  }
  value.forEach((item, i) => {
    const fits = typeof item === 'string' || Number.isInteger(item) || isRecord(item);
    if (!fits) f.error(`${section}.${name}[${i}] must be a string, an integer or a map, not ${describe(item)}`);
  });
}

/** `v1Lists`: a list of conditions is a Sigma v1 form pySigma still reads in rules (not in filters). */
function checkCondition(f: Findings, section: string, condition: unknown, v1Lists: boolean): void {
  if (condition === undefined) f.error(`missing required '${section}.condition'`);
  else if (v1Lists && Array.isArray(condition) && condition.every((c) => typeof c === 'string')) {
    f.warning(`${section}.condition should be a string (a list of conditions is a Sigma v1 form pySigma still accepts)`);
  } else if (typeof condition !== 'string') f.error(`${section}.condition must be a string, not ${describe(condition)}`);
}

function checkDetection(f: Findings, doc: Doc): void {
  const detection = doc.detection;
  if (detection === undefined) return;
  if (!isRecord(detection)) {
    f.error(`detection must be a map, not ${describe(detection)}`);
    return;
  }
  checkCondition(f, 'detection', detection.condition, true);
  for (const [name, value] of Object.entries(detection)) {
    if (name === 'timeframe') f.error('detection.timeframe is Sigma v1 (a correlation rule\'s timespan replaces it)');
    else if (name !== 'condition') checkSearchIdentifier(f, 'detection', name, value);
  }
}

function checkUnknownKeys(f: Findings, doc: Doc, known: Set<string>): void {
  const unknown = Object.keys(doc).filter((key) => !known.has(key));
  if (unknown.length > 0) f.warning(`unknown top-level ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.map((k) => `'${k}'`).join(', ')} (not in the Sigma schema)`);
}

/** Schema findings for one detection rule document (empty when it conforms). */
export function detectionRuleSchemaIssues(doc: Doc): SchemaIssue[] {
  const f = new Findings();
  checkRequired(f, doc, ['title', 'logsource', 'detection']);
  checkString(f, doc, 'title', 256);
  checkUuid(f, doc.id, 'id');
  checkRelated(f, doc);
  checkString(f, doc, 'name', 256);
  checkString(f, doc, 'taxonomy', 256);
  checkEnum(f, doc, 'status', STATUSES);
  checkString(f, doc, 'description', 65535);
  checkString(f, doc, 'license');
  checkString(f, doc, 'author');
  checkList(f, doc, 'references', true, aString);
  checkDates(f, doc);
  checkLogsource(f, doc, LOGSOURCE_PARTS);
  checkDetection(f, doc);
  checkList(f, doc, 'fields', true, aString);
  checkList(f, doc, 'falsepositives', true, minString(2));
  checkEnum(f, doc, 'level', LEVELS);
  checkList(f, doc, 'tags', true, aTag);
  checkList(f, doc, 'scope', false, minString(2));
  checkUnknownKeys(f, doc, RULE_KEYS);
  return f.issues;
}

function checkFilterRules(f: Findings, section: Doc): void {
  const rules = section.rules;
  if (rules === undefined) {
    f.error("missing required 'filter.rules' (list the rules to filter, or write 'any' for every rule of the filter's logsource)");
  } else if (typeof rules === 'string') {
    f.warning(`filter.rules should be a list (a single string such as '${rules}' is a pySigma form)`);
  } else if (Array.isArray(rules) && rules.length === 0) {
    f.warning("filter.rules should name one rule at least (pySigma reads an empty list as 'any')");
  } else {
    checkList(f, { 'filter.rules': rules }, 'filter.rules', true, aString);
  }
}

function checkFilterSection(f: Findings, doc: Doc): void {
  const section = doc.filter;
  if (section === undefined) return;
  if (!isRecord(section)) {
    f.error(`filter must be a map, not ${describe(section)}`);
    return;
  }
  checkFilterRules(f, section);
  if (section.selection === undefined) f.error("missing required 'filter.selection'");
  checkCondition(f, 'filter', section.condition, false);
  for (const [name, value] of Object.entries(section)) {
    if (name !== 'condition' && name !== 'rules') checkSearchIdentifier(f, 'filter', name, value);
  }
}

/** Schema findings for one filter document (empty when it conforms). */
export function filterSchemaIssues(doc: Doc): SchemaIssue[] {
  const f = new Findings();
  checkRequired(f, doc, ['title', 'logsource', 'filter']);
  checkString(f, doc, 'title', 256);
  checkUuid(f, doc.id, 'id');
  checkString(f, doc, 'description', 65535);
  checkDates(f, doc);
  checkString(f, doc, 'taxonomy', 256);
  checkLogsource(f, doc, ['category', 'product', 'service']);
  checkFilterSection(f, doc);
  checkUnknownKeys(f, doc, FILTER_KEYS);
  return f.issues;
}
