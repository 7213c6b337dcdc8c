/**
 * Reads rule packs: files and folders (recursive, .yml/.yaml, sorted), several YAML documents
 * per file. Never throws for a bad rule: each problem is collected with file, rule id and reason,
 * and every other rule still loads. Packs of CACHE_MIN_FILES files or more keep the YAML stage
 * (text -> plain documents) in an on-disk cache keyed by file stamp (yaml-cache.ts): a warm load
 * of the SigmaHQ corpus skips YAML parsing entirely and only compiles.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FAILSAFE_SCHEMA, NOT_RESOLVED, boolCoreTag, defineMappingTag, defineScalarTag, loadAll, mapTag, nullCoreTag } from 'js-yaml';
import { type Document, parseAllDocuments, visit } from 'yaml';
import { type CorrelationRule, parseCorrelationRule } from './correlation';
import type { ModifierOptions } from './modifiers';
import { type DetectionRule, type SigmaFilter, isRecord, parseDetectionRule, parseFilter, ruleIdentity } from './rule';
import { type RuleLoadError, SigmaRuleError } from './types';
import { YamlCache, type YamlOutcome, defaultCacheDir, jsonExact } from './yaml-cache';

export interface LoadOptions extends ModifierOptions {
  /** Skip rules that provably cannot match before evaluating them (default true). */
  prefilter?: boolean;
  /**
   * Cache the YAML stage on disk (yaml-cache.ts): true, false, or by default only for packs of
   * CACHE_MIN_FILES files or more (small packs parse in milliseconds).
   */
  cache?: boolean;
  /** Cache folder (default $LANTERN_CACHE_DIR, else a per-user folder of the OS temp dir). */
  cacheDir?: string;
}

const CACHE_MIN_FILES = 200;

/** One correlation document as read, kept for tools (lint) that want the raw form. */
export interface CorrelationDoc {
  file: string;
  doc: Record<string, unknown>;
}

export interface LoadResult {
  detectionRules: DetectionRule[];
  correlationRules: CorrelationRule[];
  correlationDocs: CorrelationDoc[];
  filters: SigmaFilter[];
  errors: RuleLoadError[];
  warnings: RuleLoadError[];
  /** Rule files read (a file may hold several documents). */
  files: string[];
}

export function listRuleFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    // Entry types come with the listing: no stat per file (links and odd entries still get one).
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) addRuleFile(p, out);
      else walkPath(p);
    }
  };
  const walkPath = (p: string): void => {
    if (statSync(p).isDirectory()) walk(p);
    else addRuleFile(p, out);
  };
  for (const p of paths) walkPath(p);
  return out;
}

function addRuleFile(p: string, out: string[]): void {
  if (/\.ya?ml$/i.test(p)) out.push(p);
}

export function emptyLoadResult(): LoadResult {
  return { detectionRules: [], correlationRules: [], correlationDocs: [], filters: [], errors: [], warnings: [], files: [] };
}

/** Rule packs given as text (tests, rules supplied by an API caller). */
export function loadRuleTexts(sources: Array<{ file: string; text: string }>, opts: LoadOptions = {}): LoadResult {
  const result = emptyLoadResult();
  for (const { file, text } of sources) {
    result.files.push(file);
    loadRuleText(text, file, opts, result);
  }
  dropDuplicateIds(result);
  return result;
}

export function loadRules(paths: string[], opts: LoadOptions = {}): LoadResult {
  const result = emptyLoadResult();
  let files: string[] = [];
  try {
    files = listRuleFiles(paths);
  } catch (e) {
    result.errors.push({ file: paths.join(', '), reason: `cannot read rule path: ${message(e)}` });
  }
  const useCache = opts.cache ?? files.length >= CACHE_MIN_FILES;
  const cache = new YamlCache(useCache ? (opts.cacheDir ?? defaultCacheDir()) : undefined, paths);
  for (const file of files) {
    result.files.push(file);
    applyOutcome(cache.outcome(file, () => readAndParse(file)), file, opts, result);
  }
  cache.save();
  dropDuplicateIds(result);
  return result;
}

/** Load YAML text as if read from `file` (tests, API-supplied rules). */
export function loadRuleText(text: string, file: string, opts: LoadOptions, result: LoadResult): void {
  applyOutcome(yamlStage(text), file, opts, result);
}

/**
 * YAML text to plain documents (numbers kept as written), or the reasons it cannot be.
 * `js-yaml` reads the plain data rules are made of about four times faster than `yaml`; any text
 * it refuses (syntax errors, duplicate keys, aliases, tags, complex keys, null keys, keys in a
 * number notation) or that carries a directive goes to `yaml`, which decides and words the error,
 * so both paths give the same documents and the same reasons (checked over the whole SigmaHQ
 * corpus and on randomly mutated rule files).
 */
export function yamlStage(text: string): YamlOutcome {
  const parsed = fastDocuments(text) ?? yamlDocuments(text);
  const errors: YamlOutcome['errors'] = [];
  const values: Array<Record<string, unknown>> = [];
  for (const js of parsed.docs) {
    if (js === null || js === undefined) continue;
    if (!isRecord(js)) {
      errors.push({ reason: 'YAML document is not a map' });
      continue;
    }
    values.push(js);
  }
  if (parsed.error !== undefined) {
    errors.push({ reason: parsed.error });
    return { docs: [], errors, cacheable: true };
  }
  if (values.some((v) => 'action' in v)) {
    const id = values.map((v) => ruleIdentity(v)).find((x) => x?.ruleId || x?.title);
    errors.push({ ...id, reason: "unsupported: Sigma v1 'action: global' multi-document rule" });
    return { docs: [], errors, cacheable: true };
  }
  return { docs: values, errors, cacheable: values.every((v) => jsonExact(v)) };
}

/** Documents in file order; `error` stops a file at the first document YAML cannot read. */
interface Parsed {
  docs: unknown[];
  error?: string;
}

const CANONICAL_NUMBER = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;

/** A plain scalar is a number only when written canonically; `0x1410`, `1e3`, `010` stay text. */
const canonicalNumberTag = defineScalarTag<number>('tag:lantern,2026:canonical-number', {
  implicit: true,
  implicitFirstChars: ['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  resolve: (source) => (CANONICAL_NUMBER.test(source) ? Number(source) : NOT_RESOLVED),
  identify: () => false,
});

/** Keys that might be numbers in another notation start like numbers (`0x10`, `.5`, `-1e3`, `+1`). */
const NUMBER_START = /^[-+.0-9]/;

/**
 * Keys `yaml` reads differently: a null key (`~:` is the key '' there) and a key in another number
 * notation (`0x10` and `16` are the same key there, a duplicate). Such a map goes to `yaml`.
 */
function keyForYaml(key: unknown): boolean {
  if (key === null) return true;
  return typeof key === 'string' && NUMBER_START.test(key) && !CANONICAL_NUMBER.test(key);
}

const plainMapTag = defineMappingTag<Record<string, unknown>>('tag:yaml.org,2002:map', {
  ...mapTag,
  addPair: (map, key, value) => (keyForYaml(key) ? 'key left to yaml' : mapTag.addPair(map, key, value)),
});

/** YAML 1.2 core null and booleans, canonical numbers, everything else a string; maps as objects. */
const FAST_SCHEMA = FAILSAFE_SCHEMA.withTags(nullCoreTag, boolCoreTag, canonicalNumberTag, plainMapTag);

/** Directives (`%YAML 1.1` changes the schema) are left to `yaml`. */
const DIRECTIVE = /^%/m;

/** Documents by `js-yaml`, or undefined when the text is for `yaml` to judge. */
function fastDocuments(text: string): Parsed | undefined {
  if (DIRECTIVE.test(text)) return undefined;
  try {
    // No aliases: `yaml` bounds their expansion and copies shared nodes; it handles them instead.
    return { docs: loadAll(text, { schema: FAST_SCHEMA, maxAliases: 0 }) };
  } catch {
    return undefined;
  }
}

function yamlDocuments(text: string): Parsed {
  let docs;
  try {
    docs = parseAllDocuments(text, { prettyErrors: true });
  } catch (e) {
    return { docs: [], error: `YAML: ${message(e)}` };
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (const d of list) {
    if (d.errors.length > 0) return { docs: out, error: `YAML: ${d.errors[0].message}` };
    keepNumbersAsWritten(d);
    try {
      out.push(d.toJS());
    } catch (e) {
      // `yaml` refuses to expand excessive aliases (a resource exhaustion attack).
      return { docs: out, error: `YAML: ${message(e)}` };
    }
  }
  return { docs: out };
}

function applyOutcome(outcome: YamlOutcome, file: string, opts: LoadOptions, result: LoadResult): void {
  for (const e of outcome.errors) result.errors.push({ file, ...e });
  const docs = outcome.docs;
  docs.forEach((doc, i) => loadDocument(doc, file, i, docs.length, opts, result));
}

/**
 * Values are kept as written: a number YAML reads from another notation (`0x1410`, `1e3`, `010`,
 * `4.50`, `.inf`) stays the string the author wrote (Windows logs write access masks as `0x1410`).
 */
function keepNumbersAsWritten(doc: Document.Parsed): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'number' || typeof node.source !== 'string') return;
      if (!CANONICAL_NUMBER.test(node.source)) node.value = node.source;
    },
  });
}

function readAndParse(file: string): YamlOutcome {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    // Not cached: the next load tries the file again.
    return { docs: [], errors: [{ reason: `cannot read: ${message(e)}` }], cacheable: false };
  }
  return yamlStage(text);
}

function loadDocument(
  doc: Record<string, unknown>,
  file: string,
  index: number,
  count: number,
  opts: LoadOptions,
  result: LoadResult,
): void {
  const ident = ruleIdentity(doc);
  try {
    if ('correlation' in doc) {
      result.correlationDocs.push({ file, doc });
      const parsed = parseCorrelationRule(doc, file);
      if ('error' in parsed) throw new SigmaRuleError(parsed.error);
      result.correlationRules.push(parsed);
      return;
    }
    if ('filter' in doc) {
      const filter = parseFilter(doc, file, opts);
      result.filters.push(filter);
      for (const w of filter.warnings) result.warnings.push({ file, ...ident, reason: w });
      return;
    }
    if (!('detection' in doc)) throw new SigmaRuleError("not a Sigma rule: no 'detection', 'correlation' or 'filter' section");
    const fallbackId = count > 1 ? `${basename(file)}#${index + 1}` : basename(file);
    const rule = parseDetectionRule(doc, file, fallbackId, opts);
    result.detectionRules.push(rule);
    for (const w of rule.warnings) result.warnings.push({ file, ...ident, reason: w });
  } catch (e) {
    // A crash inside one rule is reported as that rule's problem, never stops the load.
    const reason = e instanceof SigmaRuleError ? e.message : `internal error: ${message(e)}`;
    result.errors.push({ file, ...ident, reason });
  }
}

/** Rule ids must be unique: references (filters, correlations) would be ambiguous otherwise. */
function dropDuplicateIds(result: LoadResult): void {
  const seen = new Map<string, string>();
  result.detectionRules = result.detectionRules.filter((r) => {
    const prev = seen.get(r.ref.id);
    if (prev === undefined) {
      seen.set(r.ref.id, r.ref.file ?? '');
      return true;
    }
    result.errors.push({ file: r.ref.file ?? '', ruleId: r.ref.id, title: r.ref.title, reason: `duplicate rule id (first loaded from ${prev})` });
    return false;
  });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
