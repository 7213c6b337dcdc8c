#!/usr/bin/env node
/**
 * Sigma rule load benchmark: `loadRuleSet` over the full public SigmaHQ corpus (the four `rules*`
 * folders) as `lantern hunt` and the service load it (routes of the normaliser's logsources compiled
 * at load), each load in a fresh process, CPU time (process.cpuUsage) and wall:
 *   cold   YAML cache off (LANTERN_CACHE_DIR=off): every file read and parsed
 *   first  YAML cache on but empty (a fresh clone, CI run or container): parsed, then cached
 *   warm   YAML cache filled by a previous load
 *
 *   npx tsc -p tsconfig.build.json && taskset -c 0 node bench/load-bench.js [--runs 5]
 *
 * --runs N      loads of each kind (default 5), interleaved cold, first, warm, cold, ...
 * --ts          the sources through ts-node (transpile-only) instead of dist/ (also when dist/ is missing)
 * --root DIR    another build of Lantern (DIR/dist), e.g. an older commit for an A/B run
 * --prof DIR    also write a V8 CPU profile of each load to DIR (node --cpu-prof)
 * --untuned     V8 defaults in the loading process (by default it applies the V8 tuning bin/lantern.js applies)
 * <shared> is $LANTERN_SHARED, else the `shared` folder beside the repository.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');

const ROOT = path.resolve(__dirname, '..');
const SHARED = process.env.LANTERN_SHARED || path.resolve(ROOT, '..', 'shared');
const CORPUS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance']
  .map((name) => path.join(SHARED, 'sigma', name))
  .filter((dir) => fs.existsSync(dir));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

function cpuSeconds() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function loadSigma(root, ts) {
  const dist = path.join(root, 'dist', 'engine', 'sigma');
  if (!ts && fs.existsSync(dist)) return require(dist);
  require(path.join(ROOT, 'bench', 'ts-register.js')).load('engine/sigma/types');
  return require(path.join(root, 'src', 'engine', 'sigma'));
}

/** Child: one timed load (modules required before the clock starts), result as one JSON line. */
function child() {
  const root = arg('--child');
  // As bin/lantern.js starts the command: V8 tuned before the modules load (--untuned: V8 defaults).
  const tuning = path.join(root, 'dist', 'common', 'v8-tuning.js');
  if (!process.argv.includes('--ts') && !process.argv.includes('--untuned') && fs.existsSync(tuning)) require(tuning).tuneV8();
  const sigma = loadSigma(root, process.argv.includes('--ts'));
  // As `lantern hunt` and the service load rules: the routes of the normaliser's logsources compiled
  // too (builds older than that option have no knownLogsources and load the rules alone).
  const normalize = require(path.join(root, fs.existsSync(path.join(root, 'dist')) && !process.argv.includes('--ts') ? 'dist' : 'src', 'engine', 'normalize'));
  const logsources = normalize.knownLogsources ? normalize.knownLogsources() : undefined;
  const wall0 = performance.now();
  const cpu0 = cpuSeconds();
  const set = sigma.loadRuleSet(CORPUS, { logsources });
  const cpu = cpuSeconds() - cpu0;
  const wall = (performance.now() - wall0) / 1000;
  process.stdout.write(`${JSON.stringify({ cpu, wall, files: set.files.length, loaded: set.detectionRules.length, failed: set.errors.length })}\n`);
}

function runChild(root, cacheDir, prof) {
  const argv = [];
  if (prof) argv.push('--cpu-prof', '--cpu-prof-dir', prof);
  argv.push(__filename, '--child', root);
  if (process.argv.includes('--ts')) argv.push('--ts');
  if (process.argv.includes('--untuned')) argv.push('--untuned');
  const env = { ...process.env, LANTERN_CACHE_DIR: cacheDir ?? 'off' };
  const run = spawnSync(process.execPath, argv, { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`load failed (exit ${run.status ?? run.signal}): ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function line(label, runs) {
  const cpu = runs.map((r) => r.cpu);
  const wall = runs.map((r) => r.wall);
  const list = (xs) => xs.map((x) => x.toFixed(2)).join(' / ');
  return `${label.padEnd(6)} CPU s median ${median(cpu).toFixed(2)} (${list(cpu)}); wall s median ${median(wall).toFixed(2)} (${list(wall)})`;
}

function main() {
  const root = path.resolve(arg('--root', ROOT));
  const runs = Number(arg('--runs', '5'));
  const prof = arg('--prof', undefined);
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-load-bench-'));
  try {
    runChild(root, cacheDir); // fills the cache
    const cold = [];
    const first = [];
    const warm = [];
    for (let i = 0; i < runs; i++) {
      cold.push(runChild(root, undefined, prof && path.join(prof, 'cold')));
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-load-bench-first-'));
      try {
        first.push(runChild(root, empty, prof && path.join(prof, 'first')));
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
      warm.push(runChild(root, cacheDir, prof && path.join(prof, 'warm')));
    }
    const sample = cold[0];
    const lines = [
      `build  ${process.argv.includes('--ts') || !fs.existsSync(path.join(root, 'dist')) ? 'ts-node' : 'dist'} of ${root} (node ${process.version}, ${runs} loads each, interleaved)`,
      `rules  ${sample.files} files, ${sample.loaded} rules loaded, ${sample.failed} failed, from ${CORPUS.length} folders`,
      line('cold', cold),
      line('first', first),
      line('warm', warm),
      `load   ${os.loadavg()[0].toFixed(1)} (1-minute load average)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) child();
else main();
