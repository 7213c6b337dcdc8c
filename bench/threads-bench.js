#!/usr/bin/env node
/**
 * Threads benchmark: `lantern hunt` over a folder of input files (hunt-bench.js's events, split into files), with
 * the full public SigmaHQ corpus, on 1 thread and on N worker threads (`--threads N`). Reports wall and CPU time
 * of the whole command (rule load included: each worker loads its own copy) and its summary line, and fails
 * when the outputs differ in any byte.
 *
 *   npx tsc -p tsconfig.build.json && node bench/threads-bench.js [--events 400000] [--files 8] [--threads 2]
 *
 * Not pinned to one core: the point is to use several. On a machine shared with other jobs, wall times move
 * with their load.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { writeInput } = require('./hunt-bench');

const ROOT = path.resolve(__dirname, '..');
const SHARED = process.env.LANTERN_SHARED ?? path.resolve(ROOT, '..', 'shared');
const CORPUS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance'].map((name) => path.join(SHARED, 'sigma', name)).filter((dir) => fs.existsSync(dir));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

/** The events of one JSON Lines file shared out, in order, over `files` files of about the same size. */
function split(jsonl, dir, files) {
  const lines = fs.readFileSync(jsonl, 'utf8').split('\n').filter((line) => line !== '');
  const per = Math.ceil(lines.length / files);
  for (let i = 0; i < files; i++) fs.writeFileSync(path.join(dir, `part-${String(i).padStart(3, '0')}.jsonl`), `${lines.slice(i * per, (i + 1) * per).join('\n')}\n`);
}

/** One `lantern hunt` process, run from a wrapper that reads its CPU time once it has been waited for. */
function hunt(folder, threads, outFile) {
  const script = `
    const { spawnSync } = require('node:child_process');
    const fs = require('node:fs');
    const started = performance.now();
    const out = fs.openSync(${JSON.stringify(outFile)}, 'w');
    const run = spawnSync(process.execPath, ${JSON.stringify([path.join(ROOT, 'bin', 'lantern.js'), 'hunt', ...CORPUS.flatMap((dir) => ['--rules', dir]), '--threads', String(threads), folder])}, { stdio: ['ignore', out, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 24 });
    // CPU of the waited-for child, threads included (Linux: cutime + cstime of /proc/self/stat, in 1/100 s).
    let cpu = null;
    try {
      const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
      cpu = (Number(fields[13]) + Number(fields[14])) / 100;
    } catch {}
    process.stdout.write(JSON.stringify({ status: run.status, wall: (performance.now() - started) / 1000, stderr: run.stderr, cpu }));
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`measuring failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout);
  if (result.status !== 0) throw new Error(`lantern hunt --threads ${threads} exited ${result.status}: ${result.stderr}`);
  return { ...result, summary: result.stderr.trim().split('\n').pop() };
}

function main() {
  const count = Number(arg('--events', '400000'));
  const files = Number(arg('--files', '8'));
  // One per CPU: files shared out, or one file's chunks.
  const threads = Number(arg('--threads', String(os.availableParallelism())));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-threads-bench-'));
  try {
    const jsonl = path.join(dir, 'events.jsonl');
    writeInput(jsonl, count, false);
    const folder = path.join(dir, 'inputs');
    fs.mkdirSync(folder);
    split(jsonl, folder, files);
    fs.rmSync(jsonl);
    process.stdout.write(`threads benchmark: ${count.toLocaleString('en-US')} events in ${files} files, ${CORPUS.length} SigmaHQ folders, ${os.availableParallelism()} CPUs (node ${process.version})\n`);
    const outputs = [];
    for (const n of [1, threads]) {
      const outFile = path.join(dir, `out-${n}.jsonl`);
      const r = hunt(folder, n, outFile);
      outputs.push(fs.readFileSync(outFile));
      const cpu = r.cpu === null ? '' : `, ${r.cpu.toFixed(2)} s CPU`;
      process.stdout.write(`  --threads ${String(n).padEnd(3)} ${r.wall.toFixed(2)} s wall${cpu}; ${r.summary}\n`);
    }
    if (!outputs[0].equals(outputs[1])) throw new Error('the outputs of 1 and several threads differ');
    process.stdout.write('  outputs identical byte for byte\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
