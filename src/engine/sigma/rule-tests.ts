/**
 * Runs a rule pack's own test events. Each rule file `X.yml` has a sibling `X.tests.json`:
 * `{ "positive": [...], "negative": [...] }`, raw input events as a user would send them (objects
 * in any format the normaliser accepts, or strings for line formats).
 * - Detection rule: every positive event must match a rule of the file, no negative event may.
 * - Correlation rule (the file's outermost one): `positive` is ONE batch that must produce a hit
 *   of it, `negative` a batch that must not; batches run through the whole pack so the
 *   referenced rules fire, on event time.
 * - Sigma filter (a file holding filters and no rule): `positive` events are ones the filter
 *   removes from the rules it applies to (inside its logsource, its condition false), `negative`
 *   events near misses it keeps (inside its logsource, its condition true). When the pack holds
 *   rules the filter names, positives must not be reported by them and negatives must still be.
 * A rule file without tests, with an unreadable tests file, or that does not load, fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { CanonicalEvent, RuleRef } from '../model';
import { normalizeRequestEvents } from '../normalize';
import { type CorrelationRule, evaluateCorrelations } from './correlation';
import { EventContext } from './fields';
import { logsourceCompatible, normalizeLogSource } from './logsource';
import { type SigmaFilter, filterAppliesTo } from './rule';
import type { RuleSet } from './ruleset';
import { loadRuleSet } from './ruleset';
import type { SigmaEvent } from './types';

export interface RuleTestResult {
  file: string;
  testsFile: string;
  /** The rule(s) under test (the outermost correlation, the file's detection rules or its filters). */
  rules: Array<Pick<RuleRef, 'id' | 'title'>>;
  kind: 'detection' | 'correlation' | 'filter' | 'none';
  positives: number;
  negatives: number;
  /** Empty when the file passes. */
  problems: string[];
}

export interface RuleTestReport {
  results: RuleTestResult[];
  passed: number;
  failed: number;
}

interface TestCases {
  positive: unknown[];
  negative: unknown[];
}

export function testsFileFor(ruleFile: string): string {
  return ruleFile.replace(/\.ya?ml$/i, '.tests.json');
}

function readTests(path: string): TestCases | string {
  if (!existsSync(path)) return `no tests file ${path}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return `tests file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `tests file ${path} must be an object with "positive" and "negative"`;
  const { positive, negative } = parsed as Record<string, unknown>;
  if (!Array.isArray(positive) || positive.length === 0) return `tests file ${path} needs a non-empty "positive" array`;
  if (!Array.isArray(negative)) return `tests file ${path} needs a "negative" array`;
  return { positive, negative };
}

function normalizeBatch(raws: unknown[]): CanonicalEvent[] {
  return normalizeRequestEvents({ events: raws }).events;
}

function isRuleOf(rule: RuleRef, ids: Set<string>): boolean {
  return ids.has(rule.id);
}

function describeEvent(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function testDetection(ruleSet: RuleSet, ids: Set<string>, cases: TestCases): string[] {
  const problems: string[] = [];
  const matches = (events: CanonicalEvent[]): boolean => events.some((event) => ruleSet.matchEvent(event).some((rule) => isRuleOf(rule, ids)));
  cases.positive.forEach((raw, i) => {
    const events = normalizeBatch([raw]);
    if (!matches(events)) problems.push(`positive[${i}] did not match: ${describeEvent(raw)}${whyLines(ruleSet, ids, events)}`);
  });
  cases.negative.forEach((raw, i) => {
    const events = normalizeBatch([raw]);
    if (matches(events)) problems.push(`negative[${i}] matched: ${describeEvent(raw)}${whyLines(ruleSet, ids, events)}`);
  });
  return problems;
}

/**
 * Why a test event came out as it did, for each rule under test (one line each, indented under the problem):
 * a logsource the rule does not run on, else the selections that matched and the values of the fields the rule
 * reads (the absent ones named), as the normaliser presented them.
 */
function whyLines(ruleSet: RuleSet, ids: Set<string>, events: CanonicalEvent[]): string {
  const lines: string[] = [];
  for (const event of events) {
    for (const rule of ruleSet.detectionRules) {
      if (!ids.has(rule.ref.id)) continue;
      const why = ruleSet.explainRule(event, rule);
      if (!why.logsourceCompatible) {
        lines.push(`the event's logsource (${logsourceText(normalizeLogSource(event.logsource))}) is not one the rule runs on (${logsourceText(rule.route)})`);
        continue;
      }
      const absent = rule.fieldNames.filter((name) => !(name in why.fields));
      const values = Object.entries(why.fields).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
      const parts = [`selections that matched: ${why.selections.length > 0 ? why.selections.join(', ') : 'none'}`];
      if (values.length > 0) parts.push(`values: ${values.join(' ')}`);
      if (absent.length > 0) parts.push(`absent: ${absent.join(', ')}`);
      if (why.filters.length > 0) parts.push(`filters applied: ${why.filters.join(', ')}`);
      lines.push(parts.join('; '));
    }
  }
  return lines.map((line) => `\n      ${shortLine(line)}`).join('');
}

function logsourceText(ls: { product?: string; category?: string; service?: string }): string {
  const parts = (['product', 'category', 'service'] as const).filter((k) => ls[k] !== undefined).map((k) => `${k}: ${ls[k]}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function shortLine(text: string): string {
  return text.length > 400 ? `${text.slice(0, 397)}...` : text;
}

/** Correlation hits of the whole pack over one batch (hidden inner correlations included). */
export function correlateBatch(ruleSet: RuleSet, raws: unknown[]): ReturnType<typeof evaluateCorrelations> {
  const inputs: Array<{ rule: RuleRef; event: SigmaEvent }> = [];
  for (const event of normalizeBatch(raws)) for (const rule of ruleSet.matchEvent(event)) inputs.push({ rule, event });
  return evaluateCorrelations(ruleSet.correlationRules, inputs, { includeHidden: true });
}

function testCorrelation(ruleSet: RuleSet, rule: CorrelationRule, cases: TestCases): string[] {
  const problems: string[] = [];
  const fires = (raws: unknown[]): boolean => correlateBatch(ruleSet, raws).some((hit) => hit.rule.id === rule.ref.id);
  if (!fires(cases.positive)) problems.push(`positive batch (${cases.positive.length} events) produced no hit of the correlation`);
  if (cases.negative.length > 0 && fires(cases.negative)) {
    problems.push(`negative batch (${cases.negative.length} events) produced a hit of the correlation`);
  }
  return problems;
}

/** The correlation of a file that no other correlation of the same file references. */
function outermostCorrelation(rules: CorrelationRule[]): CorrelationRule | undefined {
  const referenced = new Set(rules.flatMap((rule) => rule.rules));
  return rules.find((rule) => !referenced.has(rule.ref.id) && !(rule.ref.name && referenced.has(rule.ref.name)));
}

/** The test cases beside a result's file, counted on it; undefined (the reason recorded) when unreadable. */
function casesFor(result: RuleTestResult): TestCases | undefined {
  const cases = readTests(result.testsFile);
  if (typeof cases === 'string') {
    result.problems.push(cases);
    return undefined;
  }
  result.positives = cases.positive.length;
  result.negatives = cases.negative.length;
  return cases;
}

function testFile(ruleSet: RuleSet, file: string): RuleTestResult {
  const testsFile = testsFileFor(file);
  const correlation = outermostCorrelation(ruleSet.correlationRules.filter((rule) => rule.ref.file === file));
  const detections = ruleSet.detectionRules.filter((rule) => rule.ref.file === file).map((rule) => rule.ref);
  const tested = correlation ? [correlation.ref] : detections;
  const result: RuleTestResult = {
    file,
    testsFile,
    rules: tested.map(({ id, title }) => ({ id, title })),
    kind: correlation ? 'correlation' : detections.length > 0 ? 'detection' : 'none',
    positives: 0,
    negatives: 0,
    problems: [],
  };
  const loadErrors = ruleSet.errors.filter((error) => error.file === file);
  for (const error of loadErrors) result.problems.push(`does not load${error.ruleId ? ` (${error.ruleId})` : ''}: ${error.reason}`);
  const cases = casesFor(result);
  if (cases === undefined) return result;
  if (correlation) result.problems.push(...testCorrelation(ruleSet, correlation, cases));
  else if (detections.length > 0) result.problems.push(...testDetection(ruleSet, new Set(detections.map((r) => r.id)), cases));
  else if (loadErrors.length === 0) result.problems.push('holds no detection or correlation rule');
  return result;
}

/** A file holding Sigma filters and no rule; a broken file is tested as a rule file. */
function filterFile(ruleSet: RuleSet, file: string): boolean {
  const holdsRule = ruleSet.detectionRules.some((r) => r.ref.file === file) || ruleSet.correlationRules.some((r) => r.ref.file === file);
  const broken = ruleSet.errors.some((e) => e.file === file);
  return !holdsRule && !broken && ruleSet.filters.some((f) => f.file === file);
}

/** What the file's filters do to one event: none applies (outside their logsources), or it is kept or removed. */
function filterVerdict(filters: SigmaFilter[], event: SigmaEvent, ctx: EventContext): 'outside' | 'kept' | 'removed' {
  const inside = filters.filter((f) => logsourceCompatible(f.logsource, normalizeLogSource(event.logsource)));
  if (inside.length === 0) return 'outside';
  ctx.reset(event.fields ?? {});
  // A filter that throws on odd input makes the filtered rule throw, which counts as no match.
  const keeps = (f: SigmaFilter): boolean => {
    try {
      return f.match(ctx);
    } catch {
      return false;
    }
  };
  return inside.every(keeps) ? 'kept' : 'removed';
}

/** The first event of a raw input the filters act on, else its first event. */
function filterVerdictOf(filters: SigmaFilter[], raw: unknown, ctx: EventContext): 'outside' | 'kept' | 'removed' {
  const verdicts = normalizeBatch([raw]).map((event) => filterVerdict(filters, event, ctx));
  return verdicts.find((v) => v !== 'outside') ?? 'outside';
}

function testFilter(ruleSet: RuleSet, filters: SigmaFilter[], cases: TestCases): string[] {
  const problems: string[] = [];
  const ctx = new EventContext();
  const named = ruleSet.detectionRules.filter((rule) => filters.some((f) => f.rules !== 'any' && filterAppliesTo(f, rule)));
  const ids = new Set(named.map((rule) => rule.ref.id));
  const reported = (raw: unknown): boolean => normalizeBatch([raw]).some((event) => ruleSet.matchEvent(event).some((rule) => ids.has(rule.id)));
  cases.positive.forEach((raw, i) => {
    const verdict = filterVerdictOf(filters, raw, ctx);
    if (verdict === 'outside') problems.push(`positive[${i}] is outside the filter's logsource: ${describeEvent(raw)}`);
    else if (verdict === 'kept') problems.push(`positive[${i}] is kept by the filter: ${describeEvent(raw)}`);
    else if (reported(raw)) problems.push(`positive[${i}] is still reported by a rule the filter names: ${describeEvent(raw)}`);
  });
  cases.negative.forEach((raw, i) => {
    const verdict = filterVerdictOf(filters, raw, ctx);
    if (verdict === 'outside') problems.push(`negative[${i}] is outside the filter's logsource: ${describeEvent(raw)}`);
    else if (verdict === 'removed') problems.push(`negative[${i}] is removed by the filter: ${describeEvent(raw)}`);
    else if (ids.size > 0 && !reported(raw)) problems.push(`negative[${i}] is not reported by the rules the filter names: ${describeEvent(raw)}`);
  });
  return problems;
}

function testFilterFile(ruleSet: RuleSet, file: string): RuleTestResult {
  const testsFile = testsFileFor(file);
  const filters = ruleSet.filters.filter((f) => f.file === file);
  const result: RuleTestResult = {
    file,
    testsFile,
    rules: filters.map((f) => ({ id: f.id ?? f.title, title: f.title })),
    kind: 'filter',
    positives: 0,
    negatives: 0,
    problems: [],
  };
  const cases = casesFor(result);
  if (cases === undefined) return result;
  result.problems.push(...testFilter(ruleSet, filters, cases));
  return result;
}

/** Tests every rule and filter file of the given folders (or of an already loaded rule set). */
export function runRuleTests(paths: string | string[], ruleSet: RuleSet = loadRuleSet(([] as string[]).concat(paths))): RuleTestReport {
  const results = ruleSet.files.map((file) => (filterFile(ruleSet, file) ? testFilterFile(ruleSet, file) : testFile(ruleSet, file)));
  const failed = results.filter((result) => result.problems.length > 0).length;
  return { results, passed: results.length - failed, failed };
}
