#!/usr/bin/env node
/**
 * Input shapes benchmark: the same events hunted as JSON Lines, gzipped JSON Lines, a JSON array on one line,
 * a pretty-printed JSON array and a pretty-printed request body (a document streamed past 64 MiB), with the full
 * public SigmaHQ corpus, on one core. Every shape is streamed,
 * so peak memory should stay near the loaded rules' whatever the shape, and every shape must give the same hits.
 *
 *   npx tsc -p tsconfig.build.json && taskset -c 0 node bench/input-bench.js [--events 100000]
 *
 * The events are hunt-bench.js's (the cases of <shared>, varied per copy); each shape is measured in a fresh
 * process by hunt-bench.js's measuring step (`--measure FILE --no-baseline`), which applies the V8 tuning
 * bin/lantern.js applies.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { spawnSync } = require('node:child_process');
const { writeInput } = require('./hunt-bench');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

/** The JSON Lines file's events as other shapes (written in pieces: the pretty array is several times larger). */
function writeShapes(jsonl, dir) {
  const lines = fs.readFileSync(jsonl, 'utf8').split('\n').filter((line) => line !== '');
  const oneLine = path.join(dir, 'events-one-line.json');
  fs.writeFileSync(oneLine, `[${lines.join(',')}]`);
  const pretty = path.join(dir, 'events-pretty.json');
  const fd = fs.openSync(pretty, 'w');
  fs.writeSync(fd, '[\n');
  lines.forEach((line, i) => fs.writeSync(fd, `${JSON.stringify(JSON.parse(line), null, 2)}${i < lines.length - 1 ? ',' : ''}\n`));
  fs.writeSync(fd, ']\n');
  fs.closeSync(fd);
  const gz = path.join(dir, 'events.jsonl.gz');
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(jsonl)));
  // A request body whose events are an array, pretty-printed: a document past 64 MiB, streamed element by element.
  const body = path.join(dir, 'events-request.json');
  const bodyFd = fs.openSync(body, 'w');
  fs.writeSync(bodyFd, '{\n  "context": {"note": "input-bench"},\n  "events": [\n');
  lines.forEach((line, i) => fs.writeSync(bodyFd, `${JSON.stringify(JSON.parse(line), null, 2).replace(/^/gm, '    ')}${i < lines.length - 1 ? ',' : ''}\n`));
  fs.writeSync(bodyFd, '  ]\n}\n');
  fs.closeSync(bodyFd);
  return [
    ['JSON Lines', jsonl],
    ['JSON Lines, gzipped', gz],
    ['JSON array, one line', oneLine],
    ['JSON array, pretty-printed', pretty],
    ['request body {"events": [...]}, pretty-printed', body],
  ];
}

function measure(file, count) {
  const child = spawnSync(process.execPath, [path.join(__dirname, 'hunt-bench.js'), '--measure', file, '--events', String(count), '--no-baseline'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`measuring ${file} failed (exit ${child.status})`);
  return JSON.parse(child.stdout);
}

function main() {
  const count = Number(arg('--events', '100000'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-input-bench-'));
  try {
    const jsonl = path.join(dir, 'events.jsonl');
    writeInput(jsonl, count, false);
    const rows = [];
    let hits;
    for (const [shape, file] of writeShapes(jsonl, dir)) {
      const r = measure(file, count);
      hits ??= r.hits;
      const same = r.hits === hits ? '' : `  DIFFERENT HITS (JSON Lines gave ${hits})`;
      rows.push(`| ${shape} | ${(fs.statSync(file).size / 1e6).toFixed(1)} | ${r.huntCpu.toFixed(2)} | ${Math.round(count / r.huntCpu).toLocaleString('en-US')} | ${r.peakRssMb.toFixed(0)} | ${r.hits.toLocaleString('en-US')}${same} |`);
    }
    process.stdout.write(`${count.toLocaleString('en-US')} events, full SigmaHQ corpus, node ${process.version}, one measuring process a shape\n`);
    process.stdout.write('| input | MB | hunt CPU s | events per CPU s | peak RSS MB | hits |\n|---|---|---|---|---|---|\n');
    process.stdout.write(`${rows.join('\n')}\n`);
    if (rows.some((row) => row.includes('DIFFERENT'))) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
