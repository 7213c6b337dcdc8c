/**
 * Lint of a loaded rule pack: the loader's errors (YAML, unknown modifiers, duplicate detection
 * ids), the Sigma JSON schema checks of every document (rule-schema.ts, correlation/schema.ts),
 * every compile problem of a rule the loader rejected (it stops at the first), plus what only the
 * whole pack shows: duplicate correlation ids and rule names, broken or cyclic correlation
 * references, aliases naming rules the correlation does not use.
 */
import { readFileSync } from 'node:fs';
import type { RuleRef } from '../model';
import { compileDetection } from './compiler';
import { parseCondition } from './condition';
import { type CorrelationRule, correlationOrder, correlationSchemaIssues } from './correlation';
import { type CorrelationDoc, yamlStage } from './loader';
import type { ModifierOptions } from './modifiers';
import { isRecord, ruleIdentity } from './rule';
import { type SchemaIssue, detectionRuleSchemaIssues, filterSchemaIssues } from './rule-schema';
import type { RuleSet } from './ruleset';
import type { RuleLoadError } from './types';

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

/** A document as read, with its file (the loader's type, used here for every kind of document). */
type RuleDocument = CorrelationDoc;

export interface LintOptions extends ModifierOptions {
  /**
   * The pack's documents as read (rules given as text); by default the rule set's files are read
   * again, and a file that cannot be read is left to the loader's error.
   */
  documents?: RuleDocument[];
}

function readDocuments(files: string[]): RuleDocument[] {
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    return yamlStage(text).docs.map((doc) => ({ file, doc }));
  });
}

/** The loader's errors about one document (matched by file and identity, as the loader reports them). */
function loadErrorsOf(ruleSet: RuleSet, { file, doc }: RuleDocument): RuleLoadError[] {
  const { ruleId, title } = ruleIdentity(doc);
  return ruleSet.errors.filter((e) => e.file === file && e.ruleId === ruleId && e.title === title);
}

/** The schema property a loader reason is about (rule.ts words them), when it names one. */
function restatedKey(reason: string): string | undefined {
  if (/^Sigma filter must have a 'rules' field/.test(reason)) return 'filter.rules';
  const match = /^missing '(\w+)'$/.exec(reason) ?? /^'?([\w.]+)'? (?:must|entries|is missing)/.exec(reason) ?? /^invalid (level|status) /.exec(reason);
  return match?.[1];
}

/** Does a schema error say what the loader's reason says (about the same property)? */
function restates(found: SchemaIssue, key: string): boolean {
  if (found.severity !== 'error') return false;
  const { message } = found;
  return message.startsWith(`missing required '${key}'`) || (message.startsWith(key) && /^[ .[]/.test(message.slice(key.length)));
}

/** A condition naming no identifier: the compiler still checks each identifier, under its own name. */
const NO_IDENTIFIER = '2 of *';

/**
 * Every compile problem of a detection (or filter) section: the condition and each identifier on
 * its own. `notIdentifiers`: keys of the section that are no search identifiers.
 */
function compileProblems(section: Record<string, unknown>, notIdentifiers: string[], opts: ModifierOptions): string[] {
  const problems = new Set<string>();
  const attempt = (compile: () => unknown): void => {
    try {
      compile();
    } catch (e) {
      problems.add(e instanceof Error ? e.message : String(e));
    }
  };
  const identifiers = Object.keys(section).filter((k) => !notIdentifiers.includes(k));
  const conditions: unknown[] = Array.isArray(section.condition) ? section.condition : [section.condition];
  for (const condition of conditions) if (typeof condition === 'string') attempt(() => parseCondition(condition, identifiers));
  for (const name of identifiers) attempt(() => compileDetection({ [name]: section[name], condition: NO_IDENTIFIER }, opts));
  return [...problems];
}

/**
 * Schema findings of one detection rule or filter document, and, when the loader rejected it,
 * the compile problems past the first; loader reasons the schema findings restate are dropped.
 */
function documentIssues(ruleSet: RuleSet, entry: RuleDocument, opts: ModifierOptions): { issues: LintIssue[]; restated: RuleLoadError[] } {
  const { file, doc } = entry;
  const isFilter = 'filter' in doc;
  const found = isFilter ? filterSchemaIssues(doc) : detectionRuleSchemaIssues(doc);
  const { ruleId, title } = ruleIdentity(doc);
  const issues = found.map((f): LintIssue => ({ severity: f.severity, file, ruleId, title, message: `schema: ${f.message}` }));
  const loadErrors = loadErrorsOf(ruleSet, entry);
  const restated = loadErrors.filter((e) => {
    const key = restatedKey(e.reason);
    return key !== undefined && found.some((f) => restates(f, key));
  });
  const section = isFilter ? doc.filter : doc.detection;
  if (loadErrors.length > 0 && isRecord(section)) {
    const reported = new Set(loadErrors.map((e) => e.reason));
    const notIdentifiers = isFilter ? ['condition', 'timeframe', 'rules'] : ['condition', 'timeframe'];
    for (const problem of compileProblems(section, notIdentifiers, opts)) {
      if (!reported.has(problem)) issues.push({ severity: 'error', file, ruleId, title, message: problem });
    }
  }
  return { issues, restated };
}

/** Schema and compile findings of every detection rule and filter, and the loader errors they restate. */
function ruleDocumentIssues(ruleSet: RuleSet, options: LintOptions): { issues: LintIssue[]; restated: Set<RuleLoadError> } {
  const documents = options.documents ?? readDocuments(ruleSet.files);
  const issues: LintIssue[] = [];
  const restated = new Set<RuleLoadError>();
  for (const entry of documents) {
    if ('correlation' in entry.doc || !('detection' in entry.doc || 'filter' in entry.doc)) continue;
    const found = documentIssues(ruleSet, entry, options);
    issues.push(...found.issues);
    for (const e of found.restated) restated.add(e);
  }
  return { issues, restated };
}

/** Every issue of a loaded pack, errors first, then by file. */
export function lintRuleSet(ruleSet: RuleSet, options: LintOptions = {}): LintIssue[] {
  const documents = ruleDocumentIssues(ruleSet, options);
  const issues: LintIssue[] = [
    ...ruleSet.errors
      .filter((e) => !documents.restated.has(e))
      .map((e): LintIssue => ({ severity: 'error', file: e.file, ruleId: e.ruleId, title: e.title, message: e.reason })),
    ...documents.issues,
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
