/**
 * `lantern analyze FILE`: the analysis engine offline. Reads an API request body (or a JSON array
 * / JSON Lines of events), runs the same pipeline as POST /api/v1/ai/analysis with the
 * deterministic narrator, and prints the API's 200 body (`{data, meta}`, meta without credits).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseCsvSync } from 'csv-parse/sync';
import type { Command } from 'commander';
import { loadAttackCatalog } from '../engine/attack';
import { analyze, buildAnalysisData, narrateDeterministic } from '../engine/analyze';
import { intelDirFrom, loadIntel, type IntelIndex } from '../engine/intel';
import { SCOPES, type AnalysisData, type AnalysisRequest, type Scope } from '../engine/model';
import { loadRuleSet } from '../engine/sigma';
import { isEventCollection, xmlEvents } from '../engine/normalize/normalize';
import { csvOptionsFor, withoutEmptyCells } from './hunt.csv';
import { INPUT_FORMATS, type InputFormat, opensJson } from './hunt.input';
import { binaryInputProblem, decodeText } from './hunt.text';

export const DEFAULT_RULES_DIR = path.resolve(__dirname, '..', '..', 'rules');

export interface AnalyzeOptions {
  rules?: string[];
  context?: string;
  scope?: string;
  intel?: string;
  defaultRules?: boolean;
  compact?: boolean;
  /** What the input is (INPUT_FORMATS); `auto` tells it from the name (CSV) and the content. */
  inputFormat?: string;
}

export interface AnalyzeOutput {
  data: AnalysisData;
  meta: {
    request_id: string;
    processing_time_ms: number;
    formats: Record<string, number>;
    narrative: { source: 'deterministic' };
    rules_loaded: number;
    rule_errors: number;
  };
}

export class AnalyzeUsageError extends Error {}

/**
 * A request body as is; a bare array or JSON Lines of events becomes `{events: {logs: [...]}}`; a text that
 * is not JSON at all (syslog, web access or Zeek logs, Windows event XML) becomes `{events: {logs: text}}`,
 * read line by line (or `<Event>` by `<Event>`) as the API reads a string of logs.
 */
/** Lines before the first non-blank one (trim() drops them; line numbers count them). */
function leadingLines(text: string): number {
  const lead = /^\s*/.exec(text)?.[0] ?? '';
  return lead.split('\n').length - 1;
}

/**
 * JSON objects written one after another across lines, each parsed on its own; undefined unless the first is an
 * object spread over lines followed by another (JSON Lines are read line by line, with line numbers in errors).
 * Once such a first object is read, a later one that is not valid JSON is an error naming its line.
 */
function objectsOneAfterAnother(text: string, linesBefore: number): unknown[] | undefined {
  const objects: unknown[] = [];
  let start = -1;
  let depth = 0;
  let inString = false;
  let multiline = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (start === -1) {
      if (c === 32 || c === 9 || c === 10 || c === 13) continue;
      if (c !== 123 /* { */) return undefined;
      start = i;
    }
    if (c === 34) inString = true;
    else if (c === 10) multiline = true;
    else if (c === 123 || c === 91) depth++;
    else if ((c === 125 || c === 93) && --depth === 0) {
      // A first object on one line: JSON Lines, read line by line (not scanned to the end here first).
      if (objects.length === 0 && !multiline) return undefined;
      try {
        objects.push(JSON.parse(text.slice(start, i + 1)) as unknown);
      } catch (error) {
        if (objects.length === 0) return undefined;
        throw new AnalyzeUsageError(`the JSON object at line ${linesBefore + lineAt(text, start)} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
      }
      start = -1;
    }
  }
  if (!multiline || objects.length === 0 || (objects.length === 1 && start === -1)) return undefined;
  if (start !== -1) throw new AnalyzeUsageError(`the JSON object at line ${linesBefore + lineAt(text, start)} does not end`);
  return objects;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

export function readAnalysisRequest(text: string): AnalysisRequest {
  const trimmed = text.trim();
  if (trimmed === '') throw new AnalyzeUsageError('input is empty');
  // trim() also drops a byte order mark.
  if (!opensJson(trimmed)) return { events: { logs: trimmed } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    // Pretty-printed objects one after another (what jq writes without -c), else JSON Lines.
    const objects = objectsOneAfterAnother(trimmed, leadingLines(text));
    if (objects !== undefined) return { events: { logs: objects } };
    // Numbered as in the input (blank lines counted), then the blank ones dropped.
    parsed = trimmed
      .split(/\r?\n/)
      .map((line, n) => ({ line, n }))
      .filter(({ line }) => line.trim() !== '')
      .map(({ line, n }) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          throw new AnalyzeUsageError(`line ${n + 1 + leadingLines(text)} is not JSON (expected a request body, a JSON array, JSON Lines or plain-text logs)`);
        }
      });
  }
  if (Array.isArray(parsed)) return { events: { logs: parsed } };
  if (parsed && typeof parsed === 'object') {
    const body = parsed as Record<string, unknown>;
    const inner = body.request && typeof body.request === 'object' ? (body.request as Record<string, unknown>) : body;
    if (inner.events && typeof inner.events === 'object' && !Array.isArray(inner.events)) return inner as unknown as AnalysisRequest;
    if (Array.isArray(inner.events)) return { ...(inner as object), events: { logs: inner.events } } as AnalysisRequest;
    // A collection of events (a CloudTrail file's Records, a search response), or one event.
    return { events: { logs: isEventCollection(parsed) ? parsed : [parsed] } };
  }
  throw new AnalyzeUsageError('input must be a JSON object or array');
}

export function ruleDirsFrom(options: AnalyzeOptions, env: Record<string, string | undefined>): string[] {
  const dirs: string[] = [];
  if (options.defaultRules !== false && existsSync(DEFAULT_RULES_DIR)) dirs.push(DEFAULT_RULES_DIR);
  for (const d of (env.LANTERN_RULES ?? '').split(':')) if (d.trim()) dirs.push(path.resolve(d.trim()));
  for (const d of options.rules ?? []) dirs.push(path.resolve(d));
  for (const d of dirs) if (!existsSync(d)) throw new AnalyzeUsageError(`rules path not found: ${d}`);
  return [...new Set(dirs)];
}

/** `input`: the file's text (a request body, events or logs), or a request already read (CSV rows). */
export function runAnalyze(input: string | AnalysisRequest, options: AnalyzeOptions, env: Record<string, string | undefined> = process.env): AnalyzeOutput {
  const started = performance.now();
  const request = typeof input === 'string' ? readAnalysisRequest(input) : input;
  if (options.context !== undefined) request.context = options.context;
  if (options.scope !== undefined) {
    if (!SCOPES.includes(options.scope as Scope)) throw new AnalyzeUsageError(`--scope must be one of ${SCOPES.join(', ')}`);
    request.scope = options.scope as Scope;
  }
  const ruleSet = loadRuleSet(ruleDirsFrom(options, env));
  const intelDir = options.intel ? path.resolve(options.intel) : intelDirFrom(env, process.cwd());
  const intel: IntelIndex | undefined = intelDir && existsSync(intelDir) ? loadIntel(intelDir) : undefined;
  const findings = analyze(request, { ruleSet, catalog: loadAttackCatalog(), intel, referenceTime: Date.now() });
  const data = buildAnalysisData(findings, narrateDeterministic(findings));
  return {
    data,
    meta: {
      request_id: `req_${randomUUID()}`,
      processing_time_ms: Math.round(performance.now() - started),
      formats: findings.stats.formats,
      narrative: { source: 'deterministic' },
      rules_loaded: ruleSet.size,
      rule_errors: ruleSet.errors.length,
    },
  };
}

/**
 * The input as `lantern hunt` reads it: gunzipped when named `.gz`, UTF-16 (with its byte order mark) or
 * UTF-8 text, and a CSV export (named `.csv`) as one event a row, the header naming the fields.
 */
export function readInput(file: string, inputFormat = 'auto'): string | AnalysisRequest {
  const format = inputFormat.toLowerCase() as InputFormat;
  if (!INPUT_FORMATS.includes(format)) throw new AnalyzeUsageError(`unknown --input-format '${inputFormat}' (choose ${INPUT_FORMATS.join(', ')})`);
  if (file !== '-' && !existsSync(file)) throw new AnalyzeUsageError(`input file not found: ${file}`);
  if (file !== '-' && statSync(file).isDirectory()) throw new AnalyzeUsageError(`input is a directory, not a file: ${file}`);
  let bytes = readFileSync(file === '-' ? 0 : file);
  if (/\.gz$/i.test(file)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new AnalyzeUsageError(`${file}: not a valid gzip file (${(error as Error).message})`);
    }
  }
  const problem = binaryInputProblem(bytes);
  if (problem !== undefined) throw new AnalyzeUsageError(`${file}: ${problem}`);
  const text = decodeText(bytes);
  if (format === 'auto' && !/\.csv(?:\.gz)?$/i.test(file)) return text;
  if (format !== 'csv' && format !== 'auto') return asFormat(text, format, file);
  try {
    return { events: { logs: csvEvents(text) } };
  } catch (error) {
    throw new AnalyzeUsageError(`${file}: not valid CSV (${(error as Error).message})`);
  }
}

/** The input read as `--input-format` says (CSV aside): JSON as a request body or events, text and XML as logs. */
function asFormat(text: string, format: 'json' | 'text' | 'xml', file: string): string | AnalysisRequest {
  const trimmed = text.trim();
  if (format === 'json') {
    if (trimmed === '' || opensJson(trimmed)) return text;
    if (trimmed.startsWith('"')) return { events: { logs: jsonStringLines(text, file) } };
    throw new AnalyzeUsageError(`${file}: not JSON; --input-format json reads a request body, a JSON array or JSON Lines`);
  }
  if (format === 'xml' && xmlEvents(trimmed).length === 0) throw new AnalyzeUsageError(`${file}: no Windows event XML (<Event> element) found; --input-format xml reads exports such as wevtutil qe /f:xml`);
  if (trimmed === '') throw new AnalyzeUsageError('input is empty');
  // A log as text, whatever its lines look like (a syslog line may open with '[' or '{').
  return { events: { logs: trimmed } };
}

/** JSON Lines of JSON strings (log lines, as `lantern hunt` reads them): each line's string, numbered as in the file. */
function jsonStringLines(text: string, file: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((line, n) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new AnalyzeUsageError(`${file}: line ${n + 1}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'string') throw new AnalyzeUsageError(`${file}: line ${n + 1}: a JSON string was expected, as on the lines before`);
    out.push(value);
  });
  return out;
}

/** One event a row, as `lantern hunt` reads a CSV export. */
function csvEvents(text: string): Array<Record<string, string>> {
  return (parseCsvSync(text, csvOptionsFor(text.slice(0, 16))) as Array<Record<string, string>>).map(withoutEmptyCells);
}

export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description('Analyse a request body (or a JSON array / JSON Lines of events, or a plain-text log) offline and print the API response body')
    .argument('<file>', "request body file, or '-' for stdin")
    .option('-r, --rules <dir...>', 'extra Sigma rule folders (added to the repo rules/ and LANTERN_RULES)')
    .option('--no-default-rules', "do not load the repo's rules/ folder")
    .option('-c, --context <text>', 'context about the environment (overrides the file)')
    .option('-s, --scope <scope>', `analysis scope: ${SCOPES.join(', ')} (overrides the file)`)
    .option('--intel <dir>', 'threat-intel feed folder (default LANTERN_INTEL_DIR or ./intel)')
    .option('--compact', 'print JSON on one line')
    .option('--input-format <format>', `what the input is: ${INPUT_FORMATS.join(', ')} (auto: CSV by the .csv name, else told from the content)`, 'auto')
    .action((file: string, options: AnalyzeOptions) => {
      try {
        const output = runAnalyze(readInput(file, options.inputFormat), options);
        process.stdout.write(`${JSON.stringify(output, null, options.compact ? undefined : 2)}\n`);
      } catch (err) {
        if (!(err instanceof AnalyzeUsageError)) throw err;
        process.stderr.write(`lantern analyze: ${err.message}\n`);
        process.exitCode = 2;
      }
    });
}
