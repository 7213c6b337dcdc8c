/**
 * `lantern hunt`: runs a Sigma rule pack over event files, detections streamed as found and
 * correlations at the end of each input. Each FILE is one batch: correlations join events of
 * the same file, unless --correlate-across-files joins the events of every input (rotated logs)
 * and evaluates the correlations once, after the last one.
 */
import { statSync } from 'node:fs';
import { availableParallelism, freemem } from 'node:os';
import type { Command } from 'commander';
import type { RuleRef } from '../engine/model';
import { parseTimestamp } from '../engine/normalize';
import { RULE_STATUSES, type RuleLoadError, type RuleSelection, type RuleSet } from '../engine/sigma';
import { isReported } from '../engine/sigma/correlation';
import { CorrelationHold, correlationHold, sweepStale } from './hunt.correlation-hold';
import { CorrelationLoad, type Counters, type CrossFilePool, type HuntContext, type TimeWindow, correlationLoad, describeError, huntFile, loadHuntRules, holdNotes, ruleRefs, shownAt, tally, zeroCounters } from './hunt.file';
import { INPUT_FORMATS, type InputFormat, InputError, type InputProgress } from './hunt.input';
import { FORMATS, type HuntFormat, HuntWriter, LEVELS, type RecordOutput, TimeSortedWriter, crossFileCorrelationRecord, levelRank } from './hunt.output';
import { type CommandIO, USAGE_ERROR, processIO } from './hunt.io';
import { huntInChunks, opensAsJsonLines } from './hunt.chunks';
import { HuntPool, HuntWorkerError, sameRules } from './hunt.parallel';
import { expandInputs } from './hunt.paths';
import { PlaceholderError, readPlaceholders } from './hunt.placeholders';
import type { HuntWorkerSettings, WorkerRules } from './hunt.worker';
import { registerRulesCommand } from './rules.command';

export { loadHuntRules } from './hunt.file';

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
  /** Each detection also carries its event's fields, as the rules saw them. */
  withEvent?: boolean;
  /** Only events at or after this time (ISO 8601; a time without a zone is UTC). */
  from?: string;
  /** Only events at or before this time; a date alone takes in the whole day. */
  to?: string;
  /** After the summary, the rules that fired with their number of hits (stderr). */
  stats?: boolean;
  /** What the inputs are (INPUT_FORMATS); `auto` (default) tells each input's shape from its name and first line. */
  inputFormat?: string;
  /** Worker threads hunting input files side by side: a number, or `auto` (one per CPU). Default 1. */
  threads?: string;
  /** Output order: `input` (as found, streamed; default) or `time` (held, then oldest first). */
  sort?: string;
  /** Run only rules of these statuses (comma-separated, repeatable). */
  status?: string[];
  /** Run only rules with one of these tags, or a tag below one (comma-separated, repeatable). */
  tags?: string[];
  /** Leave out these rules (id or name; repeatable). */
  excludeRule?: string[];
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
    private started: number,
  ) {}

  /** The hunt proper starts (after the rules have loaded): events/s counts from here. */
  startAt(time: number): void {
    this.started = time;
  }

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

  note(text: string): void {
    this.clear();
    this.io.stderr(text);
  }
}



/** --stats: the rules that fired, most hits first (for tuning out noisy rules). */
export function statsLines(hitsByRule: Map<RuleRef, number>): string {
  if (hitsByRule.size === 0) return 'hits by rule: no rule fired\n';
  const rows = [...hitsByRule].sort((a, b) => b[1] - a[1] || a[0].title.localeCompare(b[0].title));
  const lines = rows.map(([rule, hits]) => `${grouped(hits).padStart(9)}  ${rule.level.padEnd(13)}  ${rule.title} (${rule.id})`);
  return `hits by rule (${grouped(rows.length)} rules fired):\n${lines.join('\n')}\n`;
}


/** The correlations over the events of every file, once all are read (--correlate-across-files). */
function correlateAcrossFiles(ruleSet: RuleSet, pool: CrossFilePool<CorrelationHold>, out: Pick<HuntContext, 'writer' | 'counters' | 'hitsByRule' | 'minRank'>): void {
  if (ruleSet.correlationRules.length === 0) {
    pool.inputs.discard();
    return;
  }
  const hidden = ruleSet.hiddenKeys();
  for (const hit of pool.inputs.evaluate(ruleSet.correlationRules)) {
    if (!shownAt(hit.rule, out.minRank) || !isReported(hit.rule, hidden)) continue;
    out.counters.correlations++;
    tally(out.hitsByRule, hit.rule);
    out.writer.record(crossFileCorrelationRecord(hit, pool.origins));
  }
}

function summary(counters: Counters, files: number, ruleSet: LoadedRules, seconds: number, loadSeconds: number, windowed: boolean): string {
  const n = grouped;
  const rate = Math.round(counters.events / Math.max(seconds, 0.001));
  const failed = ruleSet.errors.length;
  const failedText = failed > 0 ? ` (${n(failed)} failed to load, listed above)` : '';
  const untimed = counters.untimed > 0 ? `, ${n(counters.untimed)} of them without a time` : '';
  const outsideText = windowed ? `; ${n(counters.outside)} outside --from/--to${untimed}` : '';
  const leftOut = ruleSet.selection === undefined ? '' : `, ${n(ruleSet.selection.leftOut)} more left out by the rule selection`;
  return (
    `hunt: ${n(counters.events)} events from ${n(files)} input(s)${outsideText}; ${n(ruleSet.size)} rules loaded in ${loadSeconds.toFixed(1)} s${failedText}${leftOut}; ` +
    `${n(counters.detections)} detections, ${n(counters.correlations)} correlations; ${n(rate)} events/s (${seconds.toFixed(1)} s)\n`
  );
}

const MAX_LISTED_LOAD_ERRORS = 20;

/** One stderr line per rule that did not load (file, id, reason), the first MAX_LISTED_LOAD_ERRORS of them. */
function loadErrorLines(errors: RuleLoadError[], rulePaths: string[]): string {
  const listed = errors.slice(0, MAX_LISTED_LOAD_ERRORS).map((error) => {
    const id = error.ruleId ? ` [${error.ruleId}]` : '';
    return `lantern hunt: rule not loaded: ${error.file}${id}: ${error.reason.replace(/\s*\n\s*/g, ' ')}\n`;
  });
  const rest = errors.length - listed.length;
  if (rest > 0) listed.push(`... and ${grouped(rest)} more (lantern rules lint ${rulePaths.join(' ')} lists them all)\n`);
  return listed.join('');
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
  const select = ruleSelection(options);
  if ('error' in select) {
    io.stderr(`lantern hunt: ${select.error}\n`);
    return USAGE_ERROR;
  }
  const sort = (options.sort ?? 'input').toLowerCase();
  if (sort !== 'input' && sort !== 'time') {
    io.stderr(`lantern hunt: unknown --sort '${options.sort}' (choose input or time)\n`);
    return USAGE_ERROR;
  }
  const threads = threadCount(options.threads);
  if (threads === undefined) {
    io.stderr(`lantern hunt: --threads must be a whole number of 1 or more, or auto (got '${options.threads}')\n`);
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
  // Threads share out whole files: one file, or standard input among the inputs, is hunted here.
  // Threads share out whole files, or the chunks of one JSON Lines input; standard input is read here.
  const inputFiles = inputs.files;
  const oneInChunks = threads > 1 && inputFiles.length === 1 && inputFiles[0] !== '-' && chunkable(inputFiles[0], inputFormat) && (await opensAsJsonLines(inputFiles[0]));
  const parallel = threads > 1 && !inputFiles.includes('-') && (inputFiles.length > 1 || oneInChunks);
  const settings: HuntWorkerSettings = {
    huntWorker: true,
    rules: options.rules,
    placeholders,
    minRank,
    ignoreLogsource: options.ignoreLogsource === true,
    explain: options.explain === true,
    withEvent: options.withEvent === true,
    window,
    stats: options.stats === true,
    crossFile: options.correlateAcrossFiles === true,
    inputFormat,
    select: select.selection,
    loadWarnAt: correlationLoad.warnAt,
    spillAt: correlationHold.spillAt,
    tempDir: correlationHold.dir,
  };
  // Started first: the workers load their rules while this thread loads its own, when it needs them.
  const workers = parallel ? new HuntPool(inputFiles.length === 1 ? threads : Math.min(threads, inputFiles.length), settings) : undefined;
  try {
    return await huntInputs(inputs.files, settings, { io, format, preloaded, workers, loadStart, byTime: sort === 'time' });
  } finally {
    // The workers stopped, what they kept on disk is removed before the command returns.
    await workers?.close();
  }
}

/** What the summary says of the rules: as this thread or the first worker loaded them. */
type LoadedRules = Pick<WorkerRules, 'size' | 'errors' | 'selection'>;

interface HuntRun {
  io: CommandIO;
  /** --sort time: records held and written oldest first at the end. */
  byTime: boolean;
  format: HuntFormat;
  preloaded: RuleSet | undefined;
  workers: HuntPool | undefined;
  loadStart: number;
}

/** Loads the rules (here, in the workers, or both), hunts every input and writes the summary; resolves to the exit code. */
async function huntInputs(files: string[], settings: HuntWorkerSettings, run: HuntRun): Promise<number> {
  const { io, workers } = run;
  const counters = zeroCounters();
  const written = new HuntWriter(run.format, io.stdout, { explain: settings.explain, withEvent: settings.withEvent }, io.stdoutDrained);
  const writer: RecordOutput = run.byTime ? new TimeSortedWriter(written) : written;
  const progress = new Progress(io, io.now());
  const hitsByRule = settings.stats ? new Map<RuleRef, number>() : undefined;
  // What killed hunts left in the temporary folder goes first (their process is gone).
  sweepStale();
  const load = new CorrelationLoad((text) => progress.note(text));
  const pool: CrossFilePool<CorrelationHold> | undefined = settings.crossFile
    ? { inputs: new CorrelationHold(undefined, holdNotes('all inputs', { progress, load })), origins: [] }
    : undefined;
  let started = run.loadStart;
  let loaded: LoadedRules | undefined;
  try {
    // This thread needs the rules to hunt, or to correlate across files; otherwise it reports the workers' load.
    const ruleSet = run.preloaded ?? (workers === undefined || pool !== undefined ? loadHuntRules(settings.rules, settings.placeholders, settings.select) : undefined);
    const fromWorkers = workers && (await workers.ready());
    loaded = ruleSet ?? fromWorkers;
    if (loaded === undefined) throw new Error('no rule set loaded');
    if (ruleSet !== undefined && fromWorkers !== undefined && !sameRules(ruleRefs(ruleSet), fromWorkers.refs)) {
      throw new HuntWorkerError(`the worker threads loaded ${fromWorkers.size} rules where this thread loaded ${ruleSet.size}: did the rule files change during the hunt?`);
    }
    // Listed at load, before any hit is read, so a long hunt shows at once which rules are missing.
    if (loaded.errors.length > 0) io.stderr(loadErrorLines(loaded.errors, settings.rules));
    for (const key of loaded.selection?.unknownExclusions ?? []) io.stderr(`lantern hunt: --exclude-rule ${key}: no loaded rule has this id or name\n`);
    if (loaded.selection !== undefined && loaded.size === 0) io.stderr('lantern hunt: --status/--tags/--exclude-rule leave no rule to run (tags and statuses are separated by commas)\n');
    started = io.now();
    progress.startAt(started);
    if (workers !== undefined) {
      const refs = ruleSet ? ruleRefs(ruleSet) : (fromWorkers as WorkerRules).refs;
      const correlations = (ruleSet?.correlationRules.length ?? (fromWorkers as WorkerRules).correlations) > 0;
      const out = { writer, counters, hitsByRule, pool, progress, load };
      const chunked = files.length === 1 && (await huntInChunks(files[0], workers, refs, out, correlations));
      if (!chunked) await workers.run(files, refs, out);
    } else if (ruleSet !== undefined) {
      const { minRank, ignoreLogsource, explain, withEvent, window, inputFormat } = settings;
      const ctx: HuntContext = { ruleSet, writer, minRank, ignoreLogsource, explain, withEvent, window, counters, hitsByRule, progress, pool, inputFormat, load };
      for (const file of files) await huntFile(file, io, ctx);
    }
    if (pool && ruleSet) correlateAcrossFiles(ruleSet, pool, { writer, counters, hitsByRule, minRank: settings.minRank });
  } catch (error) {
    pool?.inputs.discard();
    progress.clear();
    writer.finish();
    io.stderr(`lantern hunt: ${error instanceof InputError || error instanceof HuntWorkerError ? error.message : describeError(error)}\n`);
    return 1;
  }
  progress.clear();
  writer.finish();
  io.stderr(summary(counters, files.length, loaded, (io.now() - started) / 1000, (started - run.loadStart) / 1000, settings.window !== undefined));
  if (hitsByRule !== undefined) io.stderr(statsLines(hitsByRule));
  return 0;
}

/** Comma-separated values of a repeatable option, trimmed, empty ones dropped. */
function listOf(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** --status, --tags and --exclude-rule as a rule selection (undefined: every rule runs). */
export function ruleSelection(options: Pick<HuntOptions, 'status' | 'tags' | 'excludeRule'>): { selection: RuleSelection | undefined } | { error: string } {
  const statuses = listOf(options.status)?.map((s) => s.toLowerCase());
  const unknown = statuses?.find((s) => !(RULE_STATUSES as readonly string[]).includes(s));
  if (unknown !== undefined) return { error: `unknown --status '${unknown}' (choose among ${RULE_STATUSES.join(', ')})` };
  if (statuses !== undefined && statuses.length === 0) return { error: '--status needs at least one status' };
  const tags = listOf(options.tags);
  if (tags !== undefined && tags.length === 0) return { error: '--tags needs at least one tag' };
  const exclude = listOf(options.excludeRule);
  if (statuses === undefined && tags === undefined && exclude === undefined) return { selection: undefined };
  return { selection: { statuses, tags, exclude } };
}

/** Whether one input may be shared out in chunks: JSON Lines, as far as its name and --input-format tell (its first line tells the rest). */
function chunkable(file: string, format: InputFormat): boolean {
  return format === 'json' || (format === 'auto' && !CSV_NAME.test(file));
}

const CSV_NAME = /\.csv(?:\.gz)?$/i;

/** Free memory `--threads auto` counts per thread: a copy of the full SigmaHQ corpus and room to hunt. */
const AUTO_THREAD_MEMORY = 512 * 1024 * 1024;

/** --threads: a whole number of 1 or more, or `auto` (one per CPU, as free memory allows); undefined when invalid. */
export function threadCount(value: string | undefined): number | undefined {
  if (value === undefined) return 1;
  const text = value.trim().toLowerCase();
  // One per CPU, as far as free memory holds a copy of the rules each (the SigmaHQ corpus takes about 250 MB).
  if (text === 'auto') return Math.max(1, Math.min(availableParallelism(), Math.floor(freemem() / AUTO_THREAD_MEMORY)));
  if (!/^\d+$/.test(text) || Number(text) < 1) return undefined;
  return Number(text);
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
    .option('--with-event', "each detection also carries its event's fields as the rules saw them (JSON: \"event\"; CSV: an event column)")
    .option('--from <time>', 'only events at or after this time (ISO 8601; no zone = UTC)')
    .option('--to <time>', 'only events at or before this time (a date alone takes in the whole day)')
    .option('--stats', 'after the summary, list the rules that fired with their number of hits, most first (stderr)')
    .option('--status <list>', `run only rules of these statuses (${RULE_STATUSES.join(', ')}; comma-separated, repeatable)`, collect)
    .option('--tags <list>', 'run only rules with one of these tags or a tag below one (attack.t1059 takes in attack.t1059.001; comma-separated, repeatable)', collect)
    .option('--exclude-rule <id>', 'leave out a rule, by id or name (repeatable): noisy rules found with --stats', collect)
    .option('--sort <order>', 'output order: input (as found, streamed) or time (a timeline: held until the end, oldest first)', 'input')
    .option('--threads <n>', 'worker threads, each with its own copy of the rules (auto: one per CPU): several inputs hunted side by side, or one JSON Lines input in chunks; the output is the same as with 1', '1')
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
