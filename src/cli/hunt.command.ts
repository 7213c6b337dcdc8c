/**
 * `lantern hunt`: runs a Sigma rule pack over event files, detections streamed as found and
 * correlations at the end of each input. Each FILE is one batch: correlations join events of
 * the same file, unless --correlate-across-files joins the events of every input (rotated logs)
 * and evaluates the correlations once, after the last one.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Command } from 'commander';
import type { RuleRef } from '../engine/model';
import { knownLogsources, parseTimestamp } from '../engine/normalize';
import type { MatchableEvent } from '../engine/normalize/normalize';
import { type RuleSet, type SigmaEvent, loadRuleSet } from '../engine/sigma';
import { correlationFieldNames, evaluateCorrelations, hiddenRuleKeys, isReported, readFields } from '../engine/sigma/correlation';
import { readCsvEvents } from './hunt.csv';
import { INPUT_FORMATS, type InputFormat, InputError, type InputProgress, readInputEvents } from './hunt.input';
import { type EventOrigin, FORMATS, type HuntFormat, HuntWriter, LEVELS, correlationRecord, crossFileCorrelationRecord, detectionRecord, levelRank, matchRecord } from './hunt.output';
import { type CommandIO, USAGE_ERROR, processIO } from './hunt.io';
import { expandInputs } from './hunt.paths';
import { PlaceholderError, readPlaceholders } from './hunt.placeholders';
import { registerRulesCommand } from './rules.command';

export interface HuntOptions {
  rules: string[];
  placeholders?: string;
  ignoreLogsource?: boolean;
  format?: string;
  minLevel?: string;
  /** Correlations join the events of every input file, not of each file alone. */
  correlateAcrossFiles?: boolean;
  /** Each detection also says which selections matched and the event's values of the fields the rule reads. */
  explain?: boolean;
  /** Only events at or after this time (ISO 8601; a time without a zone is UTC). */
  from?: string;
  /** Only events at or before this time; a date alone takes in the whole day. */
  to?: string;
  /** After the summary, the rules that fired with their number of hits (stderr). */
  stats?: boolean;
  /** What the inputs are (INPUT_FORMATS); `auto` (default) tells each input's shape from its name and first line. */
  inputFormat?: string;
}

interface Counters {
  events: number;
  detections: number;
  correlations: number;
  /** Events left out by --from/--to, and how many of those had no time at all. */
  outside: number;
  untimed: number;
}

/** --from/--to as epoch milliseconds, both inclusive. */
interface TimeWindow {
  from: number;
  to: number;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The --from/--to window; undefined when neither is given. */
export function timeWindow(from: string | undefined, to: string | undefined): TimeWindow | undefined | { error: string } {
  if (from === undefined && to === undefined) return undefined;
  const start = from === undefined ? -Infinity : parseTimestamp(from.trim());
  if (start === undefined) return { error: `--from '${from}' is not a time (use ISO 8601, such as 2024-03-01 or 2024-03-01T10:00:00Z)` };
  let end = to === undefined ? Infinity : parseTimestamp(to.trim());
  if (end === undefined) return { error: `--to '${to}' is not a time (use ISO 8601, such as 2024-03-01 or 2024-03-01T18:00:00Z)` };
  // `--to 2024-03-01` means up to the end of that day, not its first millisecond.
  if (to !== undefined && DATE_ONLY.test(to.trim())) end += DAY_MS - 1;
  if (start > end) return { error: `--from ${from} is after --to ${to}` };
  return { from: start, to: end };
}

/** Errors from Node internals may come from another realm (Jest, vm): read them by shape. */
function errorField(error: unknown, field: 'message' | 'code'): string | undefined {
  if (typeof error !== 'object' || error === null || !(field in error)) return undefined;
  const value = (error as Record<string, unknown>)[field];
  return value === undefined ? undefined : String(value);
}

function describeError(error: unknown): string {
  return errorField(error, 'message') ?? String(error);
}

/** Checks rule paths before any work starts, so a typo is a usage error and not a half-written output. */
function checkRulePaths(rules: string[]): string | undefined {
  for (const dir of rules) {
    try {
      statSync(dir);
    } catch {
      return `rules path not found or unreadable: ${dir}`;
    }
  }
  return undefined;
}

function correlationKeys(ruleSet: RuleSet): Set<string> {
  return new Set(ruleSet.correlationRules.flatMap((rule) => rule.rules));
}

function needsForCorrelation(rule: RuleRef, keys: Set<string>): boolean {
  return keys.has(rule.id) || (rule.name !== undefined && keys.has(rule.name));
}

/** `1234567` -> `1,234,567` (as toLocaleString('en-US'), without loading ICU's locale data on the first call). */
function grouped(value: number): string {
  const text = String(Math.round(value));
  return text.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

class Progress {
  private last = 0;
  private shown = false;

  constructor(
    private readonly io: CommandIO,
    private readonly started: number,
  ) {}

  update(file: string, events: number, input: InputProgress): void {
    if (!this.io.stderrIsTTY) return;
    const now = this.io.now();
    if (now - this.last < 200) return;
    this.last = now;
    this.shown = true;
    const rate = Math.round(events / Math.max((now - this.started) / 1000, 0.001));
    const share = input.totalBytes ? ` ${Math.min(100, Math.floor((100 * input.bytesRead) / input.totalBytes))}%` : '';
    this.io.stderr(`\r\x1b[Khunting ${file}${share}: ${grouped(events)} events, ${grouped(rate)} events/s`);
  }

  clear(): void {
    if (this.shown) this.io.stderr('\r\x1b[K');
    this.shown = false;
  }
}

/**
 * Correlation inputs of every file (--correlate-across-files): each kept event is renumbered in one
 * sequence for the evaluation, and `origins[i]` says which file and event the number `i` stands for.
 */
interface CrossFilePool {
  inputs: Array<{ rule: RuleRef; event: SigmaEvent }>;
  origins: EventOrigin[];
}

interface HuntContext {
  ruleSet: RuleSet;
  writer: HuntWriter;
  minRank: number;
  ignoreLogsource: boolean;
  explain: boolean;
  window: TimeWindow | undefined;
  counters: Counters;
  /** --stats: hits reported per rule. */
  hitsByRule: Map<RuleRef, number> | undefined;
  progress: Progress;
  pool?: CrossFilePool;
  inputFormat: InputFormat;
}

interface OpenedInput {
  source: Readable;
  input: InputProgress;
  counted: InputProgress;
  /** Dates year-less syslog lines: the file's modification time (a log is written up to then), or now for stdin. */
  referenceTime: number;
  close: () => void;
}

/** The input's bytes (gunzipped for `.gz`), and the progress counter that tracks the file's own bytes. */
function openInput(file: string, io: CommandIO): OpenedInput {
  if (file === '-') {
    const input: InputProgress = { bytesRead: 0 };
    return { source: io.stdin, input, counted: input, referenceTime: Date.now(), close: () => undefined };
  }
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stat = statSync(file);
  const input: InputProgress = { bytesRead: 0, totalBytes: stat.size };
  const referenceTime = stat.mtimeMs;
  if (!/\.gz$/i.test(file)) return { source: raw, input, counted: input, referenceTime, close: () => raw.destroy() };
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('data', (chunk: string | Buffer) => {
    input.bytesRead += chunk.length;
  });
  raw.on('error', (error) => gunzip.destroy(error));
  return { source: raw.pipe(gunzip), input, counted: { bytesRead: 0 }, referenceTime, close: () => raw.destroy() };
}

/** CSV exports are known by their name: a CSV row looks like any log line. */
const CSV_FILE = /\.csv(?:\.gz)?$/i;

async function huntFile(file: string, io: CommandIO, ctx: HuntContext): Promise<void> {
  const { source, input, counted, referenceTime, close } = openInput(file, io);
  const { ruleSet, writer, minRank, counters } = ctx;
  const keys = correlationKeys(ruleSet);
  const hidden = hiddenRuleKeys(ruleSet.correlationRules);
  const correlationInputs: Array<{ rule: RuleRef; event: SigmaEvent }> = ctx.pool?.inputs ?? [];
  const origins = ctx.pool?.origins;
  const shown = (rule: RuleRef): boolean => shownAt(rule, minRank);
  const matchOptions = { ignoreLogsource: ctx.ignoreLogsource };
  const keptFields = correlationFieldNames(ruleSet.correlationRules);
  const window = ctx.window;
  const visit = (event: MatchableEvent): void => {
    counters.events++;
    if (window !== undefined) {
      const time = event.time;
      if (time === undefined || time < window.from || time > window.to) {
        counters.outside++;
        if (time === undefined) counters.untimed++;
        return;
      }
    }
    // What correlations keep of the event: made once, shared by every rule that hits it.
    let kept: SigmaEvent | undefined;
    for (const matched of ruleSet.matchingRules(event, matchOptions)) {
      const rule = matched.ref;
      if (keys.size > 0 && needsForCorrelation(rule, keys)) correlationInputs.push({ rule, event: (kept ??= keptEvent(event, keptFields, file, origins)) });
      if (!isReported(rule, hidden) || !shown(rule)) continue;
      counters.detections++;
      tally(ctx.hitsByRule, rule);
      const record = detectionRecord(rule, event.index, event.time, file);
      if (ctx.explain) record.match = matchRecord(ruleSet.explainRule(event, matched));
      writer.record(record);
    }
    // A whole-document input (a request body, event XML) arrives as one batch: keep the display moving.
    if ((counters.events & 1023) === 0) ctx.progress.update(file, counters.events, input);
  };
  try {
    const format = ctx.inputFormat;
    const csv = format === 'csv' || (format === 'auto' && CSV_FILE.test(file));
    const batches = csv ? readCsvEvents(source, file, counted, referenceTime) : readInputEvents(source, file, counted, referenceTime, format);
    for await (const batch of batches) {
      batch.forEach(visit);
      // Hits of each chunk go out before the next is read: a slow or endless input still shows them.
      writer.flush();
      ctx.progress.update(file, counters.events, input);
    }
  } catch (error) {
    if (errorField(error, 'code')?.startsWith('Z_')) throw new InputError(`${file}: not a valid gzip file (${describeError(error)})`);
    throw error;
  } finally {
    close();
  }
  if (ruleSet.correlationRules.length === 0 || ctx.pool) return;
  for (const hit of evaluateCorrelations(ruleSet.correlationRules, correlationInputs)) {
    if (!shown(hit.rule)) continue;
    counters.correlations++;
    tally(ctx.hitsByRule, hit.rule);
    writer.record(correlationRecord(hit, file));
  }
}

function tally(hitsByRule: Map<RuleRef, number> | undefined, rule: RuleRef): void {
  if (hitsByRule !== undefined) hitsByRule.set(rule, (hitsByRule.get(rule) ?? 0) + 1);
}

/** --stats: the rules that fired, most hits first (for tuning out noisy rules). */
export function statsLines(hitsByRule: Map<RuleRef, number>): string {
  if (hitsByRule.size === 0) return 'hits by rule: no rule fired\n';
  const rows = [...hitsByRule].sort((a, b) => b[1] - a[1] || a[0].title.localeCompare(b[0].title));
  const lines = rows.map(([rule, hits]) => `${grouped(hits).padStart(9)}  ${rule.level.padEnd(13)}  ${rule.title} (${rule.id})`);
  return `hits by rule (${grouped(rows.length)} rules fired):\n${lines.join('\n')}\n`;
}

/** Whether --min-level reports the rule's hits. */
function shownAt(rule: RuleRef, minRank: number): boolean {
  return levelRank(rule.level) >= minRank;
}

/** The correlations over the events of every file, once all are read (--correlate-across-files). */
function correlateAcrossFiles(ctx: HuntContext, pool: CrossFilePool): void {
  const { ruleSet, minRank, counters, writer } = ctx;
  if (ruleSet.correlationRules.length === 0) return;
  for (const hit of evaluateCorrelations(ruleSet.correlationRules, pool.inputs)) {
    if (!shownAt(hit.rule, minRank)) continue;
    counters.correlations++;
    tally(ctx.hitsByRule, hit.rule);
    writer.record(crossFileCorrelationRecord(hit, pool.origins));
  }
}

/** A hit's event as correlations keep it; across files, renumbered in the pool's one sequence. */
function keptEvent(event: SigmaEvent, keptFields: string[], file: string, origins: EventOrigin[] | undefined): SigmaEvent {
  const kept = slim(event, keptFields);
  if (origins === undefined) return kept;
  origins.push({ file, index: event.index });
  return { ...kept, index: origins.length - 1 };
}

/** Keeps what correlations read (their fields, the time): a long hunt holds every referenced hit until the end. */
function slim(event: SigmaEvent, keptFields: string[]): SigmaEvent {
  return { index: event.index, fields: readFields(event.fields, keptFields), logsource: event.logsource, time: event.time };
}

function summary(counters: Counters, files: number, ruleSet: RuleSet, seconds: number, loadSeconds: number, windowed: boolean): string {
  const n = grouped;
  const rate = Math.round(counters.events / Math.max(seconds, 0.001));
  const failed = ruleSet.errors.length;
  const failedText = failed > 0 ? ` (${n(failed)} failed to load, listed above)` : '';
  const untimed = counters.untimed > 0 ? `, ${n(counters.untimed)} of them without a time` : '';
  const outsideText = windowed ? `; ${n(counters.outside)} outside --from/--to${untimed}` : '';
  return (
    `hunt: ${n(counters.events)} events from ${n(files)} input(s)${outsideText}; ${n(ruleSet.size)} rules loaded in ${loadSeconds.toFixed(1)} s${failedText}; ` +
    `${n(counters.detections)} detections, ${n(counters.correlations)} correlations; ${n(rate)} events/s (${seconds.toFixed(1)} s)\n`
  );
}

const MAX_LISTED_LOAD_ERRORS = 20;

/** One stderr line per rule that did not load (file, id, reason), the first MAX_LISTED_LOAD_ERRORS of them. */
function loadErrorLines(ruleSet: RuleSet, rulePaths: string[]): string {
  const errors = ruleSet.errors;
  const listed = errors.slice(0, MAX_LISTED_LOAD_ERRORS).map((error) => {
    const id = error.ruleId ? ` [${error.ruleId}]` : '';
    return `lantern hunt: rule not loaded: ${error.file}${id}: ${error.reason.replace(/\s*\n\s*/g, ' ')}\n`;
  });
  const rest = errors.length - listed.length;
  if (rest > 0) listed.push(`... and ${grouped(rest)} more (lantern rules lint ${rulePaths.join(' ')} lists them all)\n`);
  return listed.join('');
}

/** The rule set `lantern hunt` runs: routes for every logsource the normaliser assigns are compiled at load. */
export function loadHuntRules(paths: string[], placeholders?: Record<string, string[]>): RuleSet {
  return loadRuleSet(paths, { placeholders, logsources: knownLogsources() });
}

/**
 * Runs the hunt; resolves to the exit code (0 done, 1 input error, 2 usage error).
 * `preloaded` skips loading `options.rules` (benchmarks time the load on its own).
 */
export async function runHunt(files: string[], options: HuntOptions, io: CommandIO, preloaded?: RuleSet): Promise<number> {
  const format = (options.format ?? 'jsonl') as HuntFormat;
  if (!FORMATS.includes(format)) {
    io.stderr(`lantern hunt: unknown --format '${options.format}' (choose ${FORMATS.join(', ')})\n`);
    return USAGE_ERROR;
  }
  const minRank = options.minLevel === undefined ? 0 : levelRank(options.minLevel.toLowerCase());
  if (minRank < 0) {
    io.stderr(`lantern hunt: unknown --min-level '${options.minLevel}' (choose ${LEVELS.join(', ')})\n`);
    return USAGE_ERROR;
  }
  const inputFormat = (options.inputFormat ?? 'auto').toLowerCase() as InputFormat;
  if (!INPUT_FORMATS.includes(inputFormat)) {
    io.stderr(`lantern hunt: unknown --input-format '${options.inputFormat}' (choose ${INPUT_FORMATS.join(', ')})\n`);
    return USAGE_ERROR;
  }
  if (!options.rules || options.rules.length === 0) {
    io.stderr('lantern hunt: give at least one --rules DIR\n');
    return USAGE_ERROR;
  }
  if (files.length === 0) {
    io.stderr('lantern hunt: give at least one input FILE (or - for standard input)\n');
    return USAGE_ERROR;
  }
  if (files.filter((file) => file === '-').length > 1) {
    io.stderr('lantern hunt: standard input (-) can be read only once\n');
    return USAGE_ERROR;
  }
  const pathError = checkRulePaths(options.rules);
  if (pathError) {
    io.stderr(`lantern hunt: ${pathError}\n`);
    return USAGE_ERROR;
  }
  const inputs = expandInputs(files);
  if ('error' in inputs) {
    io.stderr(`lantern hunt: ${inputs.error}\n`);
    return USAGE_ERROR;
  }
  for (const skipped of inputs.skipped) io.stderr(`lantern hunt: skipped ${skipped}\n`);
  const window = timeWindow(options.from, options.to);
  if (window !== undefined && 'error' in window) {
    io.stderr(`lantern hunt: ${window.error}\n`);
    return USAGE_ERROR;
  }

  let placeholders: Record<string, string[]> | undefined;
  try {
    placeholders = options.placeholders === undefined ? undefined : readPlaceholders(options.placeholders);
  } catch (error) {
    if (!(error instanceof PlaceholderError)) throw error;
    io.stderr(`lantern hunt: ${error.message}\n`);
    return USAGE_ERROR;
  }
  const loadStart = io.now();
  const ruleSet = preloaded ?? loadHuntRules(options.rules, placeholders);
  // Listed at load, before any hit is read, so a long hunt shows at once which rules are missing.
  if (ruleSet.errors.length > 0) io.stderr(loadErrorLines(ruleSet, options.rules));
  const started = io.now();
  const counters: Counters = { events: 0, detections: 0, correlations: 0, outside: 0, untimed: 0 };
  const explain = options.explain === true;
  const writer = new HuntWriter(format, io.stdout, explain);
  const ctx: HuntContext = {
    ruleSet,
    writer,
    minRank,
    ignoreLogsource: options.ignoreLogsource === true,
    explain,
    window,
    hitsByRule: options.stats ? new Map() : undefined,
    counters,
    progress: new Progress(io, started),
    pool: options.correlateAcrossFiles ? { inputs: [], origins: [] } : undefined,
    inputFormat,
  };
  try {
    for (const file of inputs.files) await huntFile(file, io, ctx);
    if (ctx.pool) correlateAcrossFiles(ctx, ctx.pool);
  } catch (error) {
    ctx.progress.clear();
    writer.finish();
    io.stderr(`lantern hunt: ${error instanceof InputError ? error.message : describeError(error)}\n`);
    return 1;
  }
  ctx.progress.clear();
  writer.finish();
  io.stderr(summary(counters, inputs.files.length, ruleSet, (io.now() - started) / 1000, (started - loadStart) / 1000, window !== undefined));
  if (ctx.hitsByRule !== undefined) io.stderr(statsLines(ctx.hitsByRule));
  return 0;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Registers `hunt` and `rules` (the detection-engineering commands). */
export function registerDetectionCommands(program: Command): void {
  program
    .command('hunt')
    .description('run Sigma rules (and correlation rules) over event files; hits on stdout, summary on stderr')
    .argument('<file...>', 'events: JSON Lines, a JSON array, Windows event XML, a CloudTrail log file, a CSV export (*.csv), an analysis request body, or log lines (.gz read as gzip); a folder stands for every file under it; - for stdin (correlations join events of the same file unless --correlate-across-files)')
    .option('--rules <dir>', 'rule folder or file (repeatable)', collect)
    .option('--placeholders <file>', 'YAML or JSON map of %placeholder% values for |expand rules')
    .option('--ignore-logsource', 'run every rule on every event, whatever its logsource')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'jsonl')
    .option('--input-format <format>', `what the inputs are: ${INPUT_FORMATS.join(', ')} (auto: CSV by the .csv name, else told from the first line; text: one event a line, never read as a JSON document, array or XML)`, 'auto')
    .option('--min-level <level>', `report only hits at or above: ${LEVELS.join(', ')}`)
    .option('--correlate-across-files', 'correlation rules join the events of all input files (rotated logs), evaluated after the last file')
    .option('--explain', "each detection also gives the selections that matched and the event's values of the fields the rule reads")
    .option('--from <time>', 'only events at or after this time (ISO 8601; no zone = UTC)')
    .option('--to <time>', 'only events at or before this time (a date alone takes in the whole day)')
    .option('--stats', 'after the summary, list the rules that fired with their number of hits, most first (stderr)')
    .exitOverride(usageExit)
    .action(async (files: string[], options: HuntOptions) => {
      process.exitCode = await runHunt(files, options, processIO());
    });
  registerRulesCommand(program, usageExit);
}

/** Commander's own usage errors (unknown option, missing argument or sub-command) exit with 2, --help with 0. */
export function usageExit(error: { exitCode: number; code: string }): never {
  process.exit(error.exitCode === 0 ? 0 : USAGE_ERROR);
}
