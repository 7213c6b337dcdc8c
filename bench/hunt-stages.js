#!/usr/bin/env node
/**
 * Where the single-core hunt's time goes: the hunt-bench input (>= 200,000 events, full SigmaHQ corpus) taken
 * through the hunt's stages one more at a time, each stage in a fresh process, beside the JSON.parse floor of
 * hunt-bench.js (`JSON.parse` of every line, in a process that loads no rules).
 *
 *   npx tsc -p tsconfig.build.json && taskset -c 0 node bench/hunt-stages.js [--events 200000] [--runs 3] [--input FILE]
 *
 * Stages (each includes those above it, except `keys`, a side measure; the rules are loaded first in every one, so
 * each runs in the same heap):
 *   parse      every line split off the text read whole, then JSON.parse
 *   normalise  + the normaliser (normalizeForMatching, as the hunt calls it for an object line)
 *   keys       normalise + a walk over each event's keys with one Map lookup a key: the least any index keyed by
 *              field does (not part of the stages after it)
 *   prefilter  normalise + the rule set's prefilter (RuleSet.candidateRules): route, literal scans, candidate rules
 *   match      + the candidates evaluated (RuleSet.matchingRules): the hits
 *   hunt       `lantern hunt` as the command runs it (runHunt): streamed reading, decoding, output, summary
 * CPU seconds of the timed loop only; with --runs N each stage's median of N processes.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
// The corpus, the input and the CPU clock of the hunt benchmark: the stages measure what it measures.
const { CORPUS, cpuSeconds, writeInput } = require('./hunt-bench');

const ROOT = path.resolve(__dirname, '..');
const STAGES = ['parse', 'normalise', 'keys', 'prefilter', 'match', 'hunt'];
const DIST = path.join(ROOT, 'dist');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

/** Every non-empty line of `text`, as hunt-bench.js's floor splits them. */
function forEachLine(text, visit) {
  let start = 0;
  let n = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    if (end > start) visit(text.slice(start, end), n++);
    start = end + 1;
  }
}

/** One stage in this process: prints {cpu, events, candidates, hits} as JSON. */
async function runStage(stage, input) {
  require(path.join(DIST, 'common', 'v8-tuning.js')).tuneV8();
  const huntCommand = require(path.join(DIST, 'cli', 'hunt.command.js'));
  const { normalizeForMatching } = require(path.join(DIST, 'engine', 'normalize', 'normalize.js'));
  const ruleSet = huntCommand.loadHuntRules(CORPUS);
  if (stage === 'hunt') {
    let hits = 0;
    const io = {
      stdout: (text) => {
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) hits++;
      },
      stderr: () => undefined,
      stdin: process.stdin,
      stderrIsTTY: false,
      now: () => performance.now(),
    };
    const started = cpuSeconds();
    await huntCommand.runHunt([input], { rules: CORPUS }, io, ruleSet);
    return { cpu: cpuSeconds() - started, hits };
  }
  const text = fs.readFileSync(input, 'utf8');
  const referenceTime = fs.statSync(input).mtimeMs;
  const level = STAGES.indexOf(stage);
  // The field names the rules read, as an index keyed by field would hold them.
  const keyIndex = new Map();
  for (const rule of ruleSet.detectionRules) for (const field of rule.fieldNames ?? []) keyIndex.set(field, rule);
  let events = 0;
  let looked = 0;
  let candidates = 0;
  let hits = 0;
  const started = cpuSeconds();
  forEachLine(text, (line, i) => {
    const value = JSON.parse(line);
    events++;
    if (level < 1) return;
    const event = normalizeForMatching(value, i, referenceTime);
    if (level === 2) {
      for (const key of Object.keys(event.fields)) if (keyIndex.get(key) !== undefined) looked++;
      return;
    }
    if (level === 3) candidates += ruleSet.candidateRules(event).length;
    if (level === 4) hits += ruleSet.matchingRules(event).length;
  });
  return { cpu: cpuSeconds() - started, events, candidates, hits, looked };
}

function floorStage(input) {
  const child = spawnSync(process.execPath, [path.join(__dirname, 'hunt-bench.js'), '--parse-only', input], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`JSON.parse floor process failed (exit ${child.status})`);
  return JSON.parse(child.stdout);
}

function measureStage(stage, input) {
  if (stage === 'floor') return floorStage(input);
  const child = spawnSync(process.execPath, [__filename, '--stage', stage, '--input', input], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`stage ${stage} failed (exit ${child.status})`);
  return JSON.parse(child.stdout);
}

function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function report(results, count) {
  const floor = median(results.floor.map((r) => r.cpu));
  const rows = [`stage        CPU s   added  x floor   (${count.toLocaleString('en-US')} events, full SigmaHQ corpus, node ${process.version}, one process a stage)`];
  rows.push(`floor        ${floor.toFixed(2).padStart(5)}          1.0x   JSON.parse of every line, no rules loaded (hunt-bench.js)`);
  let previous;
  for (const stage of STAGES) {
    const cpu = median(results[stage].map((r) => r.cpu));
    const added = previous === undefined || stage === 'hunt' ? '' : `+${(cpu - previous).toFixed(2)}`;
    // `keys` is a side measure: the prefilter is counted from the normaliser.
    const last = results[stage][0];
    const note = stage === 'prefilter' ? `${last.candidates.toLocaleString('en-US')} candidates` : stage === 'match' || stage === 'hunt' ? `${last.hits.toLocaleString('en-US')} hits` : '';
    rows.push(`${stage.padEnd(12)} ${cpu.toFixed(2).padStart(5)}  ${added.padStart(6)}  ${(cpu / floor).toFixed(1).padStart(5)}x   ${note}`);
    if (stage !== 'hunt' && stage !== 'keys') previous = cpu;
  }
  rows.push(`target       ${(4 * floor).toFixed(2).padStart(5)}          4.0x   the hunt's budget (issue 3)`);
  const runs = STAGES.map((stage) => `${stage} ${results[stage].map((r) => r.cpu.toFixed(2)).join('/')}`);
  rows.push(`runs (CPU s)  floor ${results.floor.map((r) => r.cpu.toFixed(2)).join('/')}; ${runs.join('; ')}`);
  return rows.join('\n');
}

async function main() {
  const stage = arg('--stage', undefined);
  if (stage !== undefined) {
    process.stdout.write(JSON.stringify(await runStage(stage, arg('--input', ''))));
    return;
  }
  if (!fs.existsSync(path.join(DIST, 'cli', 'hunt.command.js'))) throw new Error('dist/ is missing: run npx tsc -p tsconfig.build.json first');
  const count = Number(arg('--events', '200000'));
  const runs = Math.max(1, Number(arg('--runs', '1')));
  let input = arg('--input', undefined);
  const dir = input === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-hunt-stages-')) : undefined;
  try {
    if (dir !== undefined) {
      input = path.join(dir, 'events.jsonl');
      writeInput(input, count, false);
    }
    const lines = fs.readFileSync(input, 'utf8').split('\n').filter((line) => line !== '').length;
    const results = Object.fromEntries(['floor', ...STAGES].map((name) => [name, []]));
    // Stages interleaved run by run: a slow spell of a shared machine then slows every stage alike.
    for (let run = 0; run < runs; run++) for (const name of ['floor', ...STAGES]) results[name].push(measureStage(name, input));
    process.stdout.write(`${report(results, lines)}\n`);
  } finally {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`hunt-stages: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
