#!/usr/bin/env node
'use strict';
/**
 * npm run eval: analysis quality on the shared cases.
 *  - scenarios (<shared>/cases/scenarios): every `expect` check (technique groups, indicator
 *    roles, severity) pass/fail;
 *  - dev (<shared>/cases/dev): technique recall (a label counts as found when it or its parent
 *    is mapped; `techniques_any_of` honoured), top-3 hit rate (same rule), techniques per case
 *    (attack_mapping entries, and distinct techniques with sub-techniques counted under their parent); tactic recall
 *    for tactic_only/.
 * Options: --cases DIR (default <shared>/cases), --only SUBSTR, --quiet, --json FILE, --repo-rules-only.
 * Rules: the repo's rules/ plus the SigmaHQ rule folders (rules, rules-compliance,
 * rules-emerging-threats, rules-threat-hunting) under --sigma (default <shared>/sigma; <shared> is LANTERN_SHARED or ../shared beside the repository).
 */
const fs = require('node:fs');
const path = require('node:path');
/** Shared data: LANTERN_SHARED, or `shared/` beside the repository. */
const SHARED = path.resolve(process.env.LANTERN_SHARED || path.join(__dirname, '..', '..', 'shared'));
const { load, root } = require('./ts-register');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const casesDir = opt('--cases', path.join(SHARED, 'cases'));
const sigmaDir = opt('--sigma', path.join(SHARED, 'sigma'));
const only = opt('--only', '');
const quiet = args.includes('--quiet');
const jsonOut = opt('--json', '');

const { loadRuleSet } = load('engine/sigma');
const { loadAttackCatalog } = load('engine/attack');
const { analyze, narrateDeterministic, buildAnalysisData } = load('engine/analyze');

const sigmaFolders = args.includes('--repo-rules-only') ? [] : ['rules', 'rules-compliance', 'rules-emerging-threats', 'rules-threat-hunting'];
const ruleDirs = [path.join(root, 'rules'), ...sigmaFolders.map((d) => path.join(sigmaDir, d))].filter((d) => fs.existsSync(d));
let t0 = Date.now();
const ruleSet = loadRuleSet(ruleDirs);
const catalog = loadAttackCatalog();
console.log(`rules: ${ruleSet.size} loaded (${ruleSet.errors.length} not loadable) from ${ruleDirs.length} folders in ${Date.now() - t0} ms`);

const parentOf = (id) => (id.includes('.') ? id.split('.')[0] : undefined);
/** Label found: it or its parent is mapped. */
const foundStrict = (label, mapped) => mapped.includes(label) || (parentOf(label) !== undefined && mapped.includes(parentOf(label)));
/** Also counts a mapped sub-technique of a labelled parent (T1003 labelled, T1003.001 mapped). */
const foundLenient = (label, mapped) => foundStrict(label, mapped) || mapped.some((m) => parentOf(m) === label);

function run(request) {
  const t = Date.now();
  const findings = analyze(request, { ruleSet, catalog });
  const data = buildAnalysisData(findings, narrateDeterministic(findings));
  return { data, findings, ms: Date.now() - t };
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const report = { scenarios: [], dev: [], tactic_only: [] };

// Scenarios
const scenarioDir = path.join(casesDir, 'scenarios');
let checks = 0;
let passed = 0;
for (const file of fs.existsSync(scenarioDir) ? fs.readdirSync(scenarioDir).filter((f) => f.endsWith('.json')).sort() : []) {
  if (only && !file.includes(only)) continue;
  const c = readJson(path.join(scenarioDir, file));
  const { data, ms } = run(c.request);
  const mapped = data.attack_mapping.map((t) => t.technique_id);
  const results = [];
  for (const group of c.expect.techniques ?? []) {
    const ok = group.some((id) => foundLenient(id, mapped));
    results.push({ check: `technique any of ${group.join('/')}`, ok });
  }
  for (const exp of c.expect.indicators ?? []) {
    const want = String(exp.value).toLowerCase();
    const matches = data.indicators.filter((i) => {
      const v = i.value.toLowerCase();
      return exp.contains ? v.includes(want) || want.includes(v) : v === want;
    });
    const ok = matches.some((i) => exp.roles.includes(i.role));
    results.push({ check: `indicator ${exp.value} as ${exp.roles.join('/')}`, ok, got: matches.map((i) => i.role).join('/') || 'missing' });
  }
  if (c.expect.severity) results.push({ check: `severity in ${c.expect.severity.join('/')}`, ok: c.expect.severity.includes(data.severity), got: data.severity });
  checks += results.length;
  passed += results.filter((r) => r.ok).length;
  const allOk = results.every((r) => r.ok);
  console.log(`${allOk ? 'PASS' : 'FAIL'} scenario ${file} (${ms} ms)`);
  for (const r of results) if (!quiet || !r.ok) console.log(`   ${r.ok ? 'ok  ' : 'FAIL'} ${r.check}${r.got !== undefined && !r.ok ? ` (got ${r.got})` : ''}`);
  if (!allOk) console.log(`   mapped: ${mapped.join(', ')}`);
  report.scenarios.push({ file, ok: allOk, results, mapped, severity: data.severity });
}
const scenarioCount = report.scenarios.length;
const scenarioPass = report.scenarios.filter((s) => s.ok).length;

// Dev cases
const devDir = path.join(casesDir, 'dev');
let labels = 0;
let foundS = 0;
let foundL = 0;
let top3 = 0;
let top3Strict = 0;
let cases = 0;
let parentLevelTotal = 0;
let techniquesTotal = 0;
let totalMs = 0;
let slowest = { ms: 0, file: '' };
let evidenced = 0;
/** A label and its accepted alternatives, each also under its current id (labels predate ATT&CK v19 revocations). */
const anyOf = (exp, label) => {
  const a = exp.techniques_any_of;
  const alts = !a ? [label] : Array.isArray(a) ? [label, ...a] : [label, ...(a[label] ?? [])];
  return [...new Set(alts.flatMap((id) => [id, catalog.resolve(id)].filter(Boolean)))];
};
for (const file of fs.existsSync(devDir) ? fs.readdirSync(devDir).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json') && f !== 'index.json').sort() : []) {
  if (only && !file.includes(only)) continue;
  const expFile = path.join(devDir, file.replace(/\.json$/, '.expected.json'));
  if (!fs.existsSync(expFile)) continue;
  const exp = readJson(expFile);
  if (!exp.techniques || exp.techniques.length === 0) continue;
  const { data, findings, ms } = run(readJson(path.join(devDir, file)));
  totalMs += ms;
  const tagged = new Set();
  for (const d of [...findings.detections, ...findings.correlations]) for (const id of catalog.fromSigmaTags(d.rule.tags).techniques) tagged.add(id);
  for (const c of findings.chains) for (const st of c.steps) for (const id of st.techniques) tagged.add(id);
  const inSignals = exp.techniques.some((label) => anyOf(exp, label).some((a) => foundLenient(a, [...tagged])));
  if (inSignals) evidenced++;
  if (ms > slowest.ms) slowest = { ms, file };
  const mapped = data.attack_mapping.map((t) => t.technique_id);
  const top = mapped.slice(0, 3);
  cases++;
  techniquesTotal += mapped.length;
  parentLevelTotal += new Set(mapped.map((id) => parentOf(id) ?? id)).size;
  let caseFound = 0;
  let caseTop = false;
  let caseTopStrict = false;
  for (const label of exp.techniques) {
    const alts = anyOf(exp, label);
    labels++;
    const s = alts.some((a) => foundStrict(a, mapped));
    const l = alts.some((a) => foundLenient(a, mapped));
    if (s) foundS++;
    if (l) foundL++;
    if (l) caseFound++;
    if (alts.some((a) => foundLenient(a, top))) caseTop = true;
    if (alts.some((a) => foundStrict(a, top))) caseTopStrict = true;
  }
  if (caseTop) top3++;
  if (caseTopStrict) top3Strict++;
  const line = `${caseFound === exp.techniques.length ? 'HIT ' : caseFound > 0 ? 'PART' : 'MISS'} dev ${file} labels ${exp.techniques.join(',')} | top: ${mapped.slice(0, 5).map((id, i) => `${id}(${data.attack_mapping[i].confidence})`).join(' ')} | n=${mapped.length} ${ms}ms`;
  if (!quiet || caseFound < exp.techniques.length) console.log(line);
  report.dev.push({ file, labels: exp.techniques, mapped, found: caseFound, top3: caseTop, top3Strict: caseTopStrict, ms });
}

// tactic_only
const tacticDir = path.join(devDir, 'tactic_only');
let tacticLabels = 0;
let tacticFound = 0;
let tacticCases = 0;
for (const file of fs.existsSync(tacticDir) ? fs.readdirSync(tacticDir).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json')).sort() : []) {
  if (only && !file.includes(only)) continue;
  const expFile = path.join(tacticDir, file.replace(/\.json$/, '.expected.json'));
  if (!fs.existsSync(expFile)) continue;
  const exp = readJson(expFile);
  const { data } = run(readJson(path.join(tacticDir, file)));
  const tactics = new Set(data.attack_mapping.map((t) => t.tactic));
  for (const t of data.attack_mapping) for (const name of catalog.technique(t.technique_id)?.tactics ?? []) tactics.add(name);
  tacticCases++;
  let hit = 0;
  for (const label of exp.tactics ?? []) {
    tacticLabels++;
    const current = catalog.tactic(label)?.name ?? label;
    // ATT&CK v19 split Defense Evasion (TA0005) into Stealth and Defense Impairment: either answers that label.
    const accepted = current === 'Stealth' ? ['Stealth', 'Defense Impairment'] : [current];
    if (accepted.some((t) => tactics.has(t))) {
      tacticFound++;
      hit++;
    }
  }
  if (!quiet) console.log(`${hit === (exp.tactics ?? []).length ? 'HIT ' : 'MISS'} tactic ${file} labels ${(exp.tactics ?? []).join(',')} | got ${[...tactics].join(', ')}`);
  report.tactic_only.push({ file, labels: exp.tactics, tactics: [...tactics] });
}

const pct = (a, b) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
const summary = {
  scenarios: `${scenarioPass}/${scenarioCount} cases pass, ${passed}/${checks} checks`,
  dev_cases: cases,
  technique_recall: labels ? +(foundS / labels).toFixed(3) : null,
  technique_recall_incl_subtechniques: labels ? +(foundL / labels).toFixed(3) : null,
  top3_hit_rate: pct(top3Strict, cases),
  top3_hit_rate_incl_subtechniques: pct(top3, cases),
  cases_with_a_label_in_any_signal: pct(evidenced, cases),
  avg_techniques_per_case: cases ? +(techniquesTotal / cases).toFixed(2) : null,
  avg_distinct_techniques_per_case: cases ? +(parentLevelTotal / cases).toFixed(2) : null,
  tactic_only_recall: tacticLabels ? `${pct(tacticFound, tacticLabels)} (${tacticCases} cases)` : 'n/a',
  analysis_ms_total: totalMs,
  slowest_case: slowest,
};
console.log('\n== Analysis quality summary');
for (const [k, v] of Object.entries(summary)) console.log(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ summary, ...report }, null, 1));
process.exitCode = scenarioPass === scenarioCount ? 0 : 1;
