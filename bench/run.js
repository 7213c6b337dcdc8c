#!/usr/bin/env node
'use strict';
/**
 * npm run bench: every benchmark in turn, each in its own process (clean timings and peak memory).
 *   npm run bench                 all of them
 *   npm run bench -- hunt http    only those named (hunt, stages, hold, inputs, threads, load, analysis, http)
 * Each benchmark documents its own options; the figures and commands are kept in bench/README.md.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const BENCHES = {
  hunt: { file: 'hunt-bench.js', args: ['--runs', '3'], about: 'Sigma hunt: full SigmaHQ corpus over >= 200,000 events, one core, median of 3 runs' },
  stages: { file: 'hunt-stages.js', args: ['--runs', '3'], about: 'Where the single-core hunt goes: the hunt-bench input through parse, normalise, prefilter and match, one stage more a process, beside the JSON.parse floor' },
  load: { file: 'load-bench.js', about: 'Sigma rule load: full SigmaHQ corpus, cold, first run and warm YAML cache, CPU and wall' },
  threads: { file: 'threads-bench.js', about: 'Hunt with --threads: a folder of input files, full SigmaHQ corpus, 1 thread against one per CPU, same output' },
  hold: { file: 'correlation-hold-bench.js', about: 'Hits kept for correlation rules: 1,000,000 CloudTrail S3 reads against rules/, held in memory against the temporary database past 500,000; peak RSS, time, same output' },
  inputs: { file: 'input-bench.js', about: 'Hunt input shapes: JSON Lines, gzipped, one-line and pretty-printed JSON arrays, a pretty-printed request body streamed past 64 MiB; time, peak memory, same hits' },
  analysis: { file: 'analysis-bench.js', about: 'Analysis engine: 10,000 and 100,000 events in one request' },
  http: { file: 'http-bench.js', about: 'HTTP API: autocannon on the API document example, SQLite, deterministic narrator' },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !BENCHES[name]);
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}

let failed = 0;
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
  const { file, about, args = [] } = BENCHES[name];
  process.stdout.write(`\n=== ${name}: ${about}\n`);
  const run = spawnSync(process.execPath, [path.join(__dirname, file), ...args], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed += 1;
    process.stdout.write(`=== ${name} failed (exit ${run.status ?? run.signal})\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
