#!/usr/bin/env node
/**
 * Sigma hunt benchmark: `lantern hunt` over >= 200,000 realistic events with the full public
 * SigmaHQ corpus, on one core, beside the time JSON.parse alone takes on the same bytes.
 *
 *   npx tsc -p tsconfig.build.json && taskset -c 0 node bench/hunt-bench.js [--events 200000] [--runs 3] [--keep] [--cycled] [--untuned]
 *
 * The measuring process applies the V8 tuning bin/lantern.js applies (src/common/v8-tuning.ts); --untuned keeps V8's defaults.
 *
 * Falls back to ts-node (transpile-only) when dist/ is missing. Input events go through
 * <shared>/cases/dev/*.json and <shared>/cases/scenarios/*.json in turn into a temp JSON Lines file, where <shared>
 * is $LANTERN_SHARED or the `shared` folder beside the repository; each pass after the first varies the values
 * that are unique per event in real telemetry (see eventAt), unless --cycled repeats them as they are.
 */
'use strict';
const crypto = require('node:crypto');
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
    // As bin/lantern.js starts the command: V8 tuned before the modules load (--untuned: V8 defaults).
    const tuning = path.join(ROOT, 'dist', 'common', 'v8-tuning.js');
    if (!process.argv.includes('--untuned') && fs.existsSync(tuning)) require(tuning).tuneV8();
    return { hunt: require(dist), mode: 'dist' };
  }
  require(path.join(ROOT, 'node_modules', 'ts-node')).register({
    transpileOnly: true,
    project: path.join(ROOT, 'tsconfig.json'),
    compilerOptions: { rootDir: ROOT },
  });
  return { hunt: require(path.join(ROOT, 'src', 'cli', 'hunt.command.ts')), mode: 'ts-node' };
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

/*
 * Copies after the first are not byte-for-byte repeats: real telemetry repeats images, users, hosts and command
 * lines, but not the values unique to each event. Copy k (k >= 1) of an event gets, consistently within the copy
 * (the same original value maps to the same new value, so process trees and logon sessions still join up):
 * every timestamp shifted by k * TIME_SHIFT_MS (ISO / SQL-style strings keep their format; epoch numbers under time
 * keys too); process, thread, handle, logon and record ids moved (well-known ones kept: pids 0 and 4, logon ids
 * 0x3e4/0x3e5/0x3e7, zero); ephemeral source ports moved within 1024-65535; per-event GUIDs (process, logon, activity,
 * script-block GUIDs, Zeek uids) rewritten. Constants that rules look for (CLSIDs in registry paths, well-known SIDs,
 * service ports) are left as they are.
 */
const TIME_SHIFT_MS = 86_400_000 + 3_601_007;
const ISO_TIME = /^(\d{4})-(\d\d)-(\d\d)([T ])(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/;
const TIME_KEY = /^(ts|time|timestamp|@timestamp|eventtime|event_time|createdat|published|start|end)$/i;
const ID_KEY = /(processid|process_id|threadid|handleid|logonid|recordid|record_id|\bpid|ppid)$/i;
const GUID_KEY = /(guid|activityid|relatedactivityid|scriptblockid|correlationid|^uid)$/i;
const PORT_KEY = /^(sourceport|srcport|src_port|source_port|ipport|clientport|id\.orig_p|orig_p)$/i;
const GUID = /^(\{?)([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{12})(\}?)$/;
const KEEP_IDS = new Set([0, 4, 0x3e4, 0x3e5, 0x3e7]);

function shiftTime(s, k) {
  const m = ISO_TIME.exec(s);
  if (!m) return undefined;
  const frac = m[8] ?? '';
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const base = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[5], +m[6], +m[7], ms);
  if (Number.isNaN(base)) return undefined;
  const d = new Date(base + k * TIME_SHIFT_MS);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  const shiftedFrac = frac === '' ? '' : `.${(pad(d.getUTCMilliseconds(), 3) + frac.slice(3)).slice(0, frac.length)}`;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${m[4]}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${shiftedFrac}${m[9] ?? ''}`;
}

/** A numeric id moved by copy k, in the same notation (hex with 0x, decimal; string or number). */
function shiftId(v, k) {
  const text = String(v).trim();
  const hex = /^0x[0-9a-f]+$/i.test(text);
  if (!hex && !/^\d+$/.test(text)) return v;
  const n = hex ? parseInt(text, 16) : Number(text);
  if (!Number.isSafeInteger(n) || KEEP_IDS.has(n)) return v;
  const moved = n + k * 0x1f3c4; // multiple of 4: Windows pids and tids stay plausible
  if (typeof v === 'number') return moved;
  return hex ? `0x${moved.toString(16)}` : String(moved);
}

function shiftPort(v, k) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1024 || n > 65535) return v;
  const moved = 1024 + ((n - 1024 + k * 7919) % (65536 - 1024));
  return typeof v === 'number' ? moved : String(moved);
}

function shiftGuid(s, k) {
  const m = GUID.exec(s);
  if (m) {
    const tail = ((parseInt(m[6], 16) + k * 0x9e3779b97) % 0x1000000000000).toString(16).padStart(12, '0');
    const out = `${m[1]}${m[2]}-${m[3]}-${m[4]}-${m[5]}-${tail}${m[7]}`;
    return /[A-F]/.test(s) ? out.toUpperCase() : out;
  }
  // Zeek-style opaque ids: rotate the alphanumerics by k.
  if (/^[A-Za-z0-9]{10,}$/.test(s)) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    return s.replace(/[A-Za-z0-9]/g, (c, i) => alphabet[(alphabet.indexOf(c) + k * 7 + i) % alphabet.length]);
  }
  return s;
}

function varyValue(key, v, k) {
  if (Array.isArray(v)) return v.map((x) => varyValue(key, x, k));
  if (v !== null && typeof v === 'object') return varyObject(v, k);
  if (typeof v === 'string') {
    if (v.length >= 19 && v.length <= 40) {
      const shifted = shiftTime(v, k);
      if (shifted !== undefined) return shifted;
    }
    if (ID_KEY.test(key)) return shiftId(v, k);
    if (PORT_KEY.test(key)) return shiftPort(v, k);
    if (GUID_KEY.test(key)) return shiftGuid(v, k);
    return v;
  }
  if (typeof v === 'number') {
    if (TIME_KEY.test(key) && v > 1e9) return v + (v > 1e11 ? k * TIME_SHIFT_MS : (k * TIME_SHIFT_MS) / 1000);
    if (ID_KEY.test(key)) return shiftId(v, k);
    if (PORT_KEY.test(key)) return shiftPort(v, k);
  }
  return v;
}

function varyObject(obj, k) {
  const out = {};
  for (const key of Object.keys(obj)) out[key] = varyValue(key, obj[key], k);
  return out;
}

/** Event `i` of the input: the sample event `i mod n`, varied for copy `floor(i / n)` (copy 0 as recorded). */
function eventAt(sample, i) {
  const k = Math.floor(i / sample.length);
  const event = sample[i % sample.length];
  if (k === 0 || event === null || typeof event !== 'object') return event;
  return varyObject(event, k);
}

function writeInput(target, count, cycled) {
  const sample = sampleEvents();
  if (sample.length === 0) throw new Error(`no events found under ${SHARED}/cases`);
  const fd = fs.openSync(target, 'w');
  const seen = new Set();
  let chunk = [];
  for (let i = 0; i < count; i++) {
    const line = JSON.stringify(cycled ? sample[i % sample.length] : eventAt(sample, i));
    seen.add(crypto.createHash('sha1').update(line).digest('base64'));
    chunk.push(line);
    if (chunk.length === 5000) {
      fs.writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) fs.writeSync(fd, `${chunk.join('\n')}\n`);
  fs.closeSync(fd);
  return { sample: sample.length, distinct: seen.size };
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

/**
 * The floor: JSON.parse of every line in a process that does nothing else. In the measuring process, after the
 * hunt, the same loop costs up to 40% more on some runs and not on others (V8's string table, which JSON.parse
 * uses for keys and short values, holds the loaded rules' strings and is rebuilt as it grows), so that figure
 * is shown but does not decide the target.
 */
function bareJsonParse(input) {
  const child = spawnSync(process.execPath, [__filename, '--parse-only', input], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`JSON.parse baseline process failed (exit ${child.status})`);
  return JSON.parse(child.stdout);
}

/** Runs in a fresh process, so peak RSS is the hunt's own and not the input generator's. */
async function measure(input, count) {
  const { hunt, mode } = loadModules();
  const loadStart = performance.now();
  const loadCpuStart = cpuSeconds();
  // Loaded as `lantern hunt` loads them (routes of the normaliser's logsources compiled at load).
  const ruleSet = hunt.loadHuntRules(CORPUS);
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
  // --no-baseline: inputs that are not JSON Lines (bench/input-bench.js) have no line-by-line floor.
  const parse = process.argv.includes('--no-baseline') ? undefined : jsonParseSeconds(input);
  return { mode, count, loadSeconds, loadCpu, ruleCount: ruleSet.size, ruleErrors: ruleSet.errors.length, hits, summary, code, huntSeconds, huntCpu, peakRssMb, parse };
}

function report(r, input, bytes) {
  const rate = r.count / r.huntSeconds;
  const ratio = r.huntSeconds / r.bare.seconds;
  const cpuRate = r.count / r.huntCpu;
  const cpuRatio = r.huntCpu / r.bare.cpu;
  const load = os.loadavg()[0];
  return [
    `mode                 ${r.mode} (node ${process.version}, one core)`,
    `input                ${r.count.toLocaleString('en-US')} events (${input.distinct.toLocaleString('en-US')} distinct lines; ${input.sample.toLocaleString('en-US')} case events, ${input.cycled ? 'cycled as they are' : 'per-event ids and times varied per copy'}), ${(bytes / 1e6).toFixed(1)} MB JSON Lines`,
    `rules                ${r.ruleCount.toLocaleString('en-US')} loaded, ${r.ruleErrors} failed, from ${CORPUS.length} folders`,
    `rule load            ${r.loadSeconds.toFixed(2)} s wall, ${r.loadCpu.toFixed(2)} s CPU (target < 3 s)`,
    `hunt                 ${r.huntSeconds.toFixed(2)} s wall, ${Math.round(rate).toLocaleString('en-US')} events/s; ${r.huntCpu.toFixed(2)} s CPU, ${Math.round(cpuRate).toLocaleString('en-US')} events/s per CPU second; ${r.hits.toLocaleString('en-US')} hits (exit ${r.code})`,
    `JSON.parse alone     ${r.bare.seconds.toFixed(2)} s wall, ${r.bare.cpu.toFixed(2)} s CPU (${Math.round(r.bare.parsed / r.bare.seconds).toLocaleString('en-US')} events/s), in a process of its own`,
    `hunt / JSON.parse    ${ratio.toFixed(1)}x wall, ${cpuRatio.toFixed(1)}x CPU   (target <= 4x)`,
    `  (same process)     JSON.parse after the hunt, beside the loaded rules: ${r.parse.cpu.toFixed(2)} s CPU, ${(r.huntCpu / r.parse.cpu).toFixed(1)}x (not the floor: see bench/README.md)`,
    `events/s target      ${rate > 30000 ? 'met' : 'MISSED'} (> 30,000 wall)`,
    `machine load         ${load.toFixed(1)} (1-minute load average; figures are noisy when it exceeds the core count)`,
    `peak RSS             ${r.peakRssMb.toFixed(0)} MB (rules + hunt, measuring process)`,
    // The hunt's last stderr line is its summary (rules that failed to load are listed above it).
    `hunt summary         ${r.summary.trim().split('\n').pop()}`,
  ].join('\n');
}

async function main() {
  const bareInput = arg('--parse-only', undefined);
  if (bareInput) {
    process.stdout.write(JSON.stringify(jsonParseSeconds(bareInput)));
    return;
  }
  const measured = arg('--measure', undefined);
  if (measured) {
    const result = await measure(measured, Number(arg('--events', '0')));
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const count = Number(arg('--events', '200000'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-hunt-bench-'));
  const input = path.join(dir, 'events.jsonl');
  const cycled = process.argv.includes('--cycled');
  const written = { ...writeInput(input, count, cycled), cycled };
  const bytes = fs.statSync(input).size;
  const passThrough = ['--ts', '--untuned'].filter((flag) => process.argv.includes(flag));
  // --runs N: N measuring processes on the same input; the report is the run with the median hunt /
  // JSON.parse ratio (a shared 2-core machine moves single runs by 5 to 10%, and more when busy: the
  // ratio moves less, both being slowed alike), every run listed after it.
  const runs = Math.max(1, Number(arg('--runs', '1')));
  const results = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, [__filename, '--measure', input, '--events', String(count), ...passThrough], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (child.status !== 0) throw new Error(`measuring process failed (exit ${child.status})`);
    results.push({ ...JSON.parse(child.stdout), bare: bareJsonParse(input) });
  }
  const byRatio = results.slice().sort((a, b) => a.huntCpu / a.bare.cpu - b.huntCpu / b.bare.cpu);
  process.stdout.write(`${report(byRatio[Math.floor((byRatio.length - 1) / 2)], written, bytes)}\n`);
  if (runs > 1) {
    const each = results.map((r) => `${r.huntCpu.toFixed(2)} s / ${r.bare.cpu.toFixed(2)} s = ${(r.huntCpu / r.bare.cpu).toFixed(1)}x`);
    process.stdout.write(`runs (hunt / JSON.parse CPU)  ${each.join('; ')}  (the report above is the median run)\n`);
  }
  if (process.argv.includes('--keep')) process.stdout.write(`input kept at ${input}\n`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`hunt-bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}

module.exports = { writeInput, CORPUS, cpuSeconds };
