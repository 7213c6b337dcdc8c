#!/usr/bin/env node
/**
 * Memory of a hunt whose correlation rules keep millions of hits: CloudTrail S3 object reads (the repository's
 * `aws_s3_object_read`, which `corr_aws_s3_bulk_download` counts), hunted with the repository's `rules/`, once
 * with the hits held in memory to the end and once as the command runs (in a temporary database past
 * correlationHold.spillAt), each in a fresh process, optionally under a heap limit.
 *
 *   npx tsc -p tsconfig.build.json && node bench/correlation-hold-bench.js [--events 1000000] [--heap-mb 256]
 *
 * Prints per run: wall and CPU seconds, peak RSS, correlations written, and whether the outputs are the same.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

/** `count` GetObject data events of six identities, 50 ms apart, each object read once. */
function writeEvents(file, count) {
  const users = ['svc-backup-sync', 'alice', 'bob', 'etl-runner', 'carol', 'dave'];
  const start = Date.parse('2026-06-11T00:00:00Z');
  const fd = fs.openSync(file, 'w');
  let lines = [];
  for (let i = 0; i < count; i++) {
    const user = users[i % users.length];
    lines.push(
      JSON.stringify({
        eventVersion: '1.09',
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::123456789012:user/${user}`, accountId: '123456789012', userName: user },
        eventTime: new Date(start + i * 50).toISOString(),
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        awsRegion: 'us-east-1',
        sourceIPAddress: `193.32.162.${i % 250}`,
        userAgent: '[aws-cli/2.17.20]',
        requestParameters: { bucketName: 'corp-customer-exports', key: `exports/2026/05/customers-${i}.csv.gz` },
        readOnly: true,
        eventType: 'AwsApiCall',
        managementEvent: false,
        eventCategory: 'Data',
      }),
    );
    if (lines.length === 10000) {
      fs.writeSync(fd, `${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) fs.writeSync(fd, `${lines.join('\n')}\n`);
  fs.closeSync(fd);
}

/** One hunt in this process: prints {seconds, cpu, peakRssMb, correlations, code, output} as JSON. */
async function measure(input, output, inMemory) {
  require(path.join(DIST, 'common', 'v8-tuning.js')).tuneV8();
  if (inMemory) require(path.join(DIST, 'cli', 'hunt.correlation-hold.js')).correlationHold.spillAt = Infinity;
  const { runHunt } = require(path.join(DIST, 'cli', 'hunt.command.js'));
  const fd = fs.openSync(output, 'w');
  let correlations = 0;
  const io = {
    stdout: (text) => {
      fs.writeSync(fd, text);
      correlations += text.split('"type":"correlation"').length - 1;
    },
    stderr: () => undefined,
    stdin: process.stdin,
    stderrIsTTY: false,
    now: () => performance.now(),
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  let code;
  try {
    code = await runHunt([input], { rules: [path.join(ROOT, 'rules')] }, io);
  } finally {
    fs.closeSync(fd);
  }
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024, correlations, code };
}

function run(input, output, inMemory, heapMb) {
  const flags = heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`];
  const child = spawnSync(process.execPath, [...flags, __filename, '--measure', input, '--output', output, ...(inMemory ? ['--in-memory'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.status !== 0) return { failed: `exit ${child.status ?? child.signal}${/heap out of memory/i.test(child.stderr) ? ' (JavaScript heap out of memory)' : ''}` };
  return JSON.parse(child.stdout);
}

async function main() {
  const measured = arg('--measure', undefined);
  if (measured !== undefined) {
    process.stdout.write(JSON.stringify(await measure(measured, arg('--output', ''), process.argv.includes('--in-memory'))));
    return;
  }
  if (!fs.existsSync(path.join(DIST, 'cli', 'hunt.command.js'))) throw new Error('dist/ is missing: run npx tsc -p tsconfig.build.json first');
  const count = Number(arg('--events', '1000000'));
  const heap = arg('--heap-mb', undefined);
  const heapMb = heap === undefined ? undefined : Number(heap);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-hold-bench-'));
  try {
    const input = path.join(dir, 'events.jsonl');
    writeEvents(input, count);
    const mb = (fs.statSync(input).size / 1e6).toFixed(0);
    process.stdout.write(`${count.toLocaleString('en-US')} CloudTrail S3 reads (${mb} MB), rules/, node ${process.version}${heapMb === undefined ? '' : `, --max-old-space-size=${heapMb}`}\n`);
    const outputs = {};
    for (const [name, inMemory] of [['in memory to the end', true], ['as the command runs', false]]) {
      const output = path.join(dir, `${inMemory ? 'memory' : 'hold'}.jsonl`);
      const r = run(input, output, inMemory, heapMb);
      if (r.failed !== undefined) {
        process.stdout.write(`${name.padEnd(22)} failed: ${r.failed}\n`);
        continue;
      }
      outputs[name] = fs.readFileSync(output, 'utf8');
      process.stdout.write(`${name.padEnd(22)} ${r.seconds.toFixed(1)} s wall, ${r.cpu.toFixed(1)} s CPU, ${r.peakRssMb.toFixed(0)} MB peak RSS, ${r.correlations} correlations (exit ${r.code})\n`);
    }
    const texts = Object.values(outputs);
    if (texts.length === 2) process.stdout.write(`outputs              ${texts[0] === texts[1] ? 'the same' : 'DIFFERENT'}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`correlation-hold-bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
