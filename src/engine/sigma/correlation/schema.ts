/**
 * The metadata checks of the official correlation rule JSON schema (V2.1.0) that the parser does
 * not enforce, because a rule with a malformed date or a non-UUID id still evaluates fine: lint
 * reports them, hunting does not drop the rule for them.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/;
const STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function uniqueStrings(value: unknown, minLength = 0): boolean {
  return (
    Array.isArray(value) &&
    value.every((item) => typeof item === 'string' && item.length >= minLength) &&
    new Set(value).size === value.length
  );
}

function stringMax(doc: Record<string, unknown>, key: string, max: number): string | undefined {
  const value = doc[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return `${key} must be a string`;
  return value.length > max ? `${key} is longer than ${max} characters` : undefined;
}

function metadataIssues(doc: Record<string, unknown>): string[] {
  const issues: Array<string | undefined> = [
    stringMax(doc, 'title', 256),
    stringMax(doc, 'description', 65535),
    stringMax(doc, 'taxonomy', 256),
    stringMax(doc, 'author', Number.MAX_SAFE_INTEGER),
  ];
  if (doc.id !== undefined && !(typeof doc.id === 'string' && UUID.test(doc.id))) issues.push(`id '${String(doc.id)}' is not a UUID`);
  if (doc.status !== undefined && !STATUSES.includes(String(doc.status))) {
    issues.push(`status '${String(doc.status)}' is not one of ${STATUSES.join(', ')}`);
  }
  for (const key of ['date', 'modified']) {
    if (doc[key] !== undefined && !(typeof doc[key] === 'string' && DATE.test(doc[key]))) {
      issues.push(`${key} '${String(doc[key])}' is not a YYYY-MM-DD date`);
    }
  }
  if (doc.references !== undefined && !uniqueStrings(doc.references)) issues.push('references must be a list of distinct strings');
  const falsepositives = doc.falsepositives;
  if (falsepositives !== undefined && !(typeof falsepositives === 'string' && falsepositives.length >= 2) && !uniqueStrings(falsepositives, 2)) {
    issues.push('falsepositives must be a string or a list of distinct strings (2 characters at least)');
  }
  return issues.filter((issue): issue is string => issue !== undefined);
}

export interface SchemaIssue {
  /** Errors break the schema; warnings are forms pySigma accepts that the schema does not. */
  severity: 'error' | 'warning';
  message: string;
}

function sectionIssues(section: Record<string, unknown>): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const error = (message: string): number => issues.push({ severity: 'error', message });
  const warning = (message: string): number => issues.push({ severity: 'warning', message });
  if (Array.isArray(section.rules) && !uniqueStrings(section.rules, 2)) {
    error('correlation.rules must be distinct strings of 2 characters at least');
  }
  if (typeof section.rules === 'string') warning('correlation.rules should be a list (a single string is a pySigma leniency)');
  if (typeof section['group-by'] === 'string') warning('correlation.group-by should be a list (a single string is a pySigma leniency)');
  if (typeof section.timespan === 'string' && section.timespan.length > 10) error('correlation.timespan is longer than 10 characters');
  const condition = section.condition;
  if (isRecord(condition) && (Object.keys(condition).length < 1 || Object.keys(condition).length > 3)) {
    error('correlation.condition must hold 1 to 3 items');
  }
  if (isRecord(condition)) {
    for (const [key, value] of Object.entries(condition)) {
      if (key !== 'field' && key !== 'percentile' && typeof value === 'number' && !Number.isInteger(value)) {
        warning(`correlation.condition.${key} should be an integer in the schema (pySigma accepts ${value})`);
      }
    }
  }
  return issues;
}

/** Schema findings for one correlation document (empty when it conforms). */
export function correlationSchemaIssues(doc: Record<string, unknown>): SchemaIssue[] {
  const section = doc.correlation;
  const metadata = metadataIssues(doc).map((message): SchemaIssue => ({ severity: 'error', message }));
  return [...metadata, ...(isRecord(section) ? sectionIssues(section) : [])];
}
