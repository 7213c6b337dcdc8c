/**
 * The SigmaHQ corpus (read in place from `<repo>/../shared/sigma`, or $LANTERN_SHARED/sigma) through the engine: how many rule
 * files compile, why the others do not, and that the prefilter never changes a hit on real
 * telemetry (the dev cases). Timings are printed, never asserted.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { normalizeRequestEvents } from '../normalize';
import { type RuleSet, loadRuleSet } from './ruleset';
import type { SigmaEvent } from './types';

/** The shared data sits beside the repository (`<repo>/../shared`) unless LANTERN_SHARED says otherwise. */
const SHARED = process.env.LANTERN_SHARED ?? resolve(__dirname, '../../../../shared');
const SIGMA = join(SHARED, 'sigma');
const DEV = join(SHARED, 'cases/dev');
const FOLDERS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance'];
const RULE_FILES = 3757;
/** Exact count so that a regression (or an improvement) shows. */
const LOADED_RULES = 3755;

const haveCorpus = existsSync(join(SIGMA, 'rules'));
if (!haveCorpus) {
  // eslint-disable-next-line no-console
  console.warn(`Sigma corpus not found at ${SIGMA}: corpus tests skipped`);
}
const describeCorpus = haveCorpus ? describe : describe.skip;

function failedFiles(rs: RuleSet): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of rs.errors) {
    const list = out.get(e.file) ?? [];
    list.push(`${e.ruleId ?? '-'}: ${e.reason}`);
    out.set(e.file, list);
  }
  return out;
}

function report(title: string, rs: RuleSet): string {
  const lines = [...failedFiles(rs)].map(([file, reasons]) => `  ${relative(SIGMA, file)}: ${reasons.join('; ')}`);
  return `${title}: ${rs.files.length} files, ${rs.detectionRules.length} detection + ${rs.correlationRules.length} correlation rules, ${rs.errors.length} errors, ${rs.warnings.length} warnings\n${lines.join('\n')}`;
}

describeCorpus('SigmaHQ corpus', () => {
  let rs: RuleSet;
  let loadMs = 0;
  let loadCpuMs = 0;

  beforeAll(() => {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage().user;
    rs = loadRuleSet(FOLDERS.map((f) => join(SIGMA, f)));
    loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
    loadCpuMs = (process.cpuUsage().user - c0) / 1000;
  });

  it('compiles at least 99.5% of the rule files, every failure a real unsupported feature', () => {
    // eslint-disable-next-line no-console
    console.log(`${report('corpus', rs)}\nload: ${loadMs.toFixed(0)} ms wall, ${loadCpuMs.toFixed(0)} ms CPU`);
    expect(rs.files).toHaveLength(RULE_FILES);
    const failed = failedFiles(rs);
    expect((RULE_FILES - failed.size) / RULE_FILES).toBeGreaterThanOrEqual(0.995);
    for (const e of rs.errors) expect(e.reason).toMatch(/^unsupported: /);
    expect(rs.detectionRules).toHaveLength(LOADED_RULES);
  });

  it('reports rule ids and titles with every failure', () => {
    for (const e of rs.errors) {
      expect(e.ruleId).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.title).toBeTruthy();
    }
  });

  it('loads deprecated/, unsupported/ and rules-placeholder/ without crashing', () => {
    const placeholders = Object.fromEntries(
      [
        'Admins_Workstations', 'ApprovedUserUpn', 'Approved_Inviters', 'DC-MACHINE-NAME', 'DomainController', 'DomainControllers',
        'HomeTenantID', 'Important_AppIds', 'KNOWN_LOCATION', 'Known_Location', 'Legitimate_Countries', 'Legitimate_IP_Ranges',
        'ServerSystems', 'UnApprovedDevice', 'UnApprovedIp', 'UnLegitCountries', 'Workstations', 'dc_ip_addresses',
        'dc_machine_accounts', 'domain_controller_hostnames', 'internal_domains', 'known_cdcs', 'legit_ips', 'legtimate_identifiers',
        'userdomain', 'Administrators',
      ].map((k) => [k, [`${k.toLowerCase()}-1`, `${k.toLowerCase()}-2`]]),
    );
    const placeholder = loadRuleSet([join(SIGMA, 'rules-placeholder')], { placeholders });
    const deprecated = loadRuleSet([join(SIGMA, 'deprecated')]);
    const unsupported = loadRuleSet([join(SIGMA, 'unsupported')]);
    // eslint-disable-next-line no-console
    console.log([report('rules-placeholder', placeholder), report('deprecated', deprecated), report('unsupported', unsupported)].join('\n'));
    expect(placeholder.errors).toEqual([]);
    expect(placeholder.detectionRules.length).toBe(23);
    expect(deprecated.detectionRules.length).toBeGreaterThan(150);
    // unsupported/ is Sigma v1 (aggregations, near, action: global): most of it must be refused with a reason.
    expect(unsupported.errors.length).toBeGreaterThan(40);
    for (const e of unsupported.errors) expect(e.reason).toMatch(/^unsupported: /);
    const without = loadRuleSet([join(SIGMA, 'rules-placeholder')]);
    for (const e of without.errors) expect(e.reason).toMatch(/^unsupported: placeholder %.+% not configured$/);
  });

  const haveDev = existsSync(DEV);
  (haveDev ? it : it.skip)('gives identical hits on the dev cases with and without the prefilter', () => {
    const files = readdirSync(DEV).filter((f) => /\.json$/.test(f) && !f.includes('expected') && f !== 'index.json');
    const texts = files.map((f) => readFileSync(join(DEV, f), 'utf8'));
    const bytes = texts.reduce((n, t) => n + t.length, 0);
    let t0 = process.hrtime.bigint();
    const bodies = texts.map((t) => JSON.parse(t) as { events: Record<string, unknown> });
    const parseMs = Number(process.hrtime.bigint() - t0) / 1e6;
    t0 = process.hrtime.bigint();
    const cases: SigmaEvent[][] = bodies.map((b) => normalizeRequestEvents(b.events).events);
    const normMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const events = cases.flat();

    const run = (set: RuleSet): { hits: string[]; ms: number; cpuMs: number } => {
      const hits: string[] = [];
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage().user;
      cases.forEach((evs, c) => {
        for (const e of evs) for (const r of set.matchEvent(e)) hits.push(`${c}:${e.index}:${r.id}`);
      });
      return { hits, ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (process.cpuUsage().user - cpu) / 1000 };
    };
    const on = run(rs);
    const off = run(loadRuleSet(FOLDERS.map((f) => join(SIGMA, f)), { prefilter: false }));
    // eslint-disable-next-line no-console
    console.log(
      `dev cases: ${files.length} files, ${events.length} events, ${(bytes / 1e6).toFixed(1)} MB; JSON.parse ${parseMs.toFixed(0)} ms, ` +
        `normalise ${normMs.toFixed(0)} ms, match ${on.ms.toFixed(0)} ms (${on.cpuMs.toFixed(0)} ms CPU) with prefilter / ${off.ms.toFixed(0)} ms without; ` +
        `${Math.round((events.length / (normMs + on.ms)) * 1000)} events/s incl. normalisation ` +
        `(${((normMs + on.ms) / parseMs).toFixed(1)}x JSON.parse); ${on.hits.length} hits`,
    );
    expect(on.hits.length).toBeGreaterThan(0);
    expect(on.hits).toEqual(off.hits);
  });
});
