#!/usr/bin/env node
'use strict';
/**
 * HTTP benchmark of POST /api/v1/ai/analysis.
 * Starts the BUILT server (dist/, run `npm run build` first; done automatically when missing) on SQLite
 * in a fresh temp data dir on a free port, creates an Enterprise account with a large balance and a key
 * through the admin CLI, then drives the API document's example request with autocannon and prints
 * requests/s and latency percentiles. Deterministic narrator (LANTERN_LLM_PROVIDER=none).
 *
 *   node bench/http-bench.js [--duration 10] [--connections 10] [--json]
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'examples', 'api-doc-example.json');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(base, child, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not become ready in time');
}

async function main() {
  const duration = Number(arg('duration', '10'));
  const connections = Number(arg('connections', '10'));
  const asJson = process.argv.includes('--json');
  if (!fs.existsSync(path.join(ROOT, 'dist', 'main.js')) || !fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-bench-'));
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    LANTERN_DATA_DIR: dataDir,
    LANTERN_KEY_PEPPER: 'bench-pepper-bench-pepper-bench-pepper-0123',
    LANTERN_RATE_LIMIT: '1000000',
    LANTERN_LLM_PROVIDER: 'none',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  const cli = (...args) => execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'main.js'), ...args], { env, cwd: ROOT }).toString();
  cli('accounts', 'create', '--name', 'bench', '--plan', 'enterprise', '--credits', '1000000000');
  const key = JSON.parse(cli('keys', 'create', '--account', 'bench', '--scopes', 'ai:read', '--json')).key;

  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'main.js')], { env, cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(base, child);
    const body = fs.readFileSync(EXAMPLE, 'utf8');
    // One warm-up request so start-up work is not measured.
    const warm = await fetch(`${base}/api/v1/ai/analysis`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    if (warm.status !== 200) throw new Error(`warm-up request failed: ${warm.status} ${await warm.text()}`);
    const result = await autocannon({
      url: `${base}/api/v1/ai/analysis`,
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
      duration,
      connections,
    });
    const summary = {
      command: `node bench/http-bench.js --duration ${duration} --connections ${connections}`,
      node: process.version,
      cpus: os.cpus().length,
      duration_s: duration,
      connections,
      requests: result.requests.total,
      requests_per_s: Math.round(result.requests.average * 10) / 10,
      latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      non_2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
    if (asJson) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      process.stdout.write(
        `HTTP API (POST /api/v1/ai/analysis, API document example, SQLite, deterministic narrator)\n` +
          `  ${summary.requests} requests in ${duration} s with ${connections} connections: ${summary.requests_per_s} req/s\n` +
          `  latency p50 ${summary.latency_ms.p50} ms, p90 ${summary.latency_ms.p90} ms, p99 ${summary.latency_ms.p99} ms, max ${summary.latency_ms.max} ms\n` +
          `  non-2xx ${summary.non_2xx}, errors ${summary.errors}, timeouts ${summary.timeouts}\n`,
      );
    }
    if (summary.non_2xx > 0 || summary.errors > 0) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`http-bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
