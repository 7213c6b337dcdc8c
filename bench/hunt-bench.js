#!/usr/bin/env node
/**
 * Sigma hunt benchmark: `lantern hunt` over >= 200,000 realistic events with the full public
 * SigmaHQ corpus, on one core, beside the time JSON.parse alone takes on the same bytes.
 *
 *   npx tsc -p tsconfig.build.json && taskset -c 0 node bench/hunt-bench.js [--events 200000] [--keep]
 *
 * Falls back to ts-node (transpile-only) when dist/ is missing. Input events cycle through
 * <shared>/cases/dev/*.json and <shared>/cases/scenarios/*.json into a temp JSON Lines file, where <shared> is
 * $LANTERN_SHARED or the `shared` folder beside the repository.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');

const ROOT = path.resolve(__dirname, '..');
/** The shared data sits beside the repository (`<repo>/../shared`) unless LANTERN_SHARED says otherwise. */
const SHARED = process.env.LANTERN_SHARED || path.resolve(ROOT, '..', 'shared');
const CORPUS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance']
  .map((name) => path.join(SHARED, 'sigma', name))
  .filter((dir) => fs.existsSync(dir));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

function loadModules() {
  const dist = path.join(ROOT, 'dist', 'cli', 'hunt.command.js');
  if (fs.existsSync(dist) && !process.argv.includes('--ts')) {
    return { hunt: require(dist), sigma: require(path.join(ROOT, 'dist', 'engine', 'sigma')), mode: 'dist' };
  }
  require(path.join(ROOT, 'node_modules', 'ts-node')).register({
    transpileOnly: true,
    project: path.join(ROOT, 'tsconfig.json'),
    compilerOptions: { rootDir: ROOT },
  });
  return { hunt: require(path.join(ROOT, 'src', 'cli', 'hunt.command.ts')), sigma: require(path.join(ROOT, 'src', 'engine', 'sigma')), mode: 'ts-node' };
}

/** Every raw event of a request's `events` (arrays of events; strings are log lines). */
function flatten(value, out) {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'string') for (const line of item.split('\n')) line.trim() && out.push(line);
      else out.push(item);
    }
  } else if (typeof value === 'string') {
    for (const line of value.split('\n')) line.trim() && out.push(line);
  } else if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) flatten(inner, out);
  }
}

function sampleEvents() {
  const events = [];
  const caseFiles = (dir) =>
    fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json') && f !== 'index.json').sort().map((f) => path.join(dir, f)) : [];
  for (const file of [...caseFiles(path.join(SHARED, 'cases', 'dev')), ...caseFiles(path.join(SHARED, 'cases', 'scenarios'))]) {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    const request = doc.request ?? doc;
    if (request && request.events) flatten(request.events, events);
  }
  return events;
}

function writeInput(target, count) {
  const sample = sampleEvents().map((event) => JSON.stringify(event));
  if (sample.length === 0) throw new Error(`no events found under ${SHARED}/cases`);
  const fd = fs.openSync(target, 'w');
  let chunk = [];
  for (let i = 0; i < count; i++) {
    chunk.push(sample[i % sample.length]);
    if (chunk.length === 5000) {
      fs.writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) fs.writeSync(fd, `${chunk.join('\n')}\n`);
  fs.closeSync(fd);
  return sample.length;
}

/** CPU seconds (user + system) of this process: steadier than wall time on a shared machine. */
function cpuSeconds() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function jsonParseSeconds(file) {
  const text = fs.readFileSync(file, 'utf8');
  const started = performance.now();
  const cpuStarted = cpuSeconds();
  let parsed = 0;
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    if (end > start) {
      JSON.parse(text.slice(start, end));
      parsed++;
    }
    start = end + 1;
  }
  return { seconds: (performance.now() - started) / 1000, cpu: cpuSeconds() - cpuStarted, parsed };
}

/** Runs in a fresh process, so peak RSS is the hunt's own and not the input generator's. */
async function measure(input, count) {
  const { hunt, sigma, mode } = loadModules();
  const loadStart = performance.now();
  const loadCpuStart = cpuSeconds();
  const ruleSet = sigma.loadRuleSet(CORPUS);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const loadCpu = cpuSeconds() - loadCpuStart;
  let hits = 0;
  let summary = '';
  const io = {
    stdout: (text) => {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) hits++;
    },
    stderr: (text) => {
      summary += text;
    },
    stdin: process.stdin,
    stderrIsTTY: false,
    now: () => performance.now(),
  };
  const huntStart = performance.now();
  const huntCpuStart = cpuSeconds();
  const code = await hunt.runHunt([input], { rules: CORPUS }, io, ruleSet);
  const huntSeconds = (performance.now() - huntStart) / 1000;
  const huntCpu = cpuSeconds() - huntCpuStart;
  // Peak RSS of loading and hunting, before the JSON.parse baseline reads the whole file at once.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const parse = jsonParseSeconds(input);
  return { mode, count, loadSeconds, loadCpu, ruleCount: ruleSet.size, ruleErrors: ruleSet.errors.length, hits, summary, code, huntSeconds, huntCpu, peakRssMb, parse };
}

function report(r, distinct, bytes) {
  const rate = r.count / r.huntSeconds;
  const ratio = r.huntSeconds / r.parse.seconds;
  const cpuRate = r.count / r.huntCpu;
  const cpuRatio = r.huntCpu / r.parse.cpu;
  const load = os.loadavg()[0];
  return [
    `mode                 ${r.mode} (node ${process.version}, one core)`,
    `input                ${r.count.toLocaleString('en-US')} events (${distinct.toLocaleString('en-US')} distinct, cycled), ${(bytes / 1e6).toFixed(1)} MB JSON Lines`,
    `rules                ${r.ruleCount.toLocaleString('en-US')} loaded, ${r.ruleErrors} failed, from ${CORPUS.length} folders`,
    `rule load            ${r.loadSeconds.toFixed(2)} s wall, ${r.loadCpu.toFixed(2)} s CPU (target < 3 s)`,
    `hunt                 ${r.huntSeconds.toFixed(2)} s wall, ${Math.round(rate).toLocaleString('en-US')} events/s; ${r.huntCpu.toFixed(2)} s CPU, ${Math.round(cpuRate).toLocaleString('en-US')} events/s per CPU second; ${r.hits.toLocaleString('en-US')} hits (exit ${r.code})`,
    `JSON.parse alone     ${r.parse.seconds.toFixed(2)} s wall, ${r.parse.cpu.toFixed(2)} s CPU (${Math.round(r.parse.parsed / r.parse.seconds).toLocaleString('en-US')} events/s)`,
    `hunt / JSON.parse    ${ratio.toFixed(1)}x wall, ${cpuRatio.toFixed(1)}x CPU   (target <= 4x)`,
    `events/s target      ${rate > 30000 ? 'met' : 'MISSED'} (> 30,000 wall)`,
    `machine load         ${load.toFixed(1)} (1-minute load average; figures are noisy when it exceeds the core count)`,
    `peak RSS             ${r.peakRssMb.toFixed(0)} MB (rules + hunt, measuring process)`,
    `hunt summary         ${r.summary.trim()}`,
  ].join('\n');
}

async function main() {
  const measured = arg('--measure', undefined);
  if (measured) {
    const result = await measure(measured, Number(arg('--events', '0')));
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const count = Number(arg('--events', '200000'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-hunt-bench-'));
  const input = path.join(dir, 'events.jsonl');
  const distinct = writeInput(input, count);
  const bytes = fs.statSync(input).size;
  const passThrough = process.argv.includes('--ts') ? ['--ts'] : [];
  const child = spawnSync(process.execPath, [__filename, '--measure', input, '--events', String(count), ...passThrough], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`measuring process failed (exit ${child.status})`);
  process.stdout.write(`${report(JSON.parse(child.stdout), distinct, bytes)}\n`);
  if (process.argv.includes('--keep')) process.stdout.write(`input kept at ${input}\n`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  process.stderr.write(`hunt-bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
