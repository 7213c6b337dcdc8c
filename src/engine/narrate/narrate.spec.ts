import type { Findings } from '../model';
import { narrateDeterministic } from './index';

function findings(partial: Partial<Findings>): Findings {
  return {
    scope: 'incident', severity: 'high', severityReasons: ['test'], timeline: [], indicators: [], techniques: [], chains: [],
    detections: [], correlations: [], stats: { events: 3, formats: { generic: 3 }, untimed: 0, matched: 1, rulesLoaded: 10 },
    ...partial,
  };
}

describe('deterministic narrator', () => {
  const compromise = findings({
    context: 'Production environment, server handles customer PII',
    indicators: [
      { type: 'ip', value: '185.220.101.42', role: 'attacker', intel: ['Tor exit node'] },
      { type: 'user', value: 'admin', role: 'compromised_account' },
      { type: 'host', value: 'srv-prod-01', role: 'compromised_host' },
      { type: 'ip', value: '10.2.7.31', role: 'attacker' },
    ],
    techniques: [{ technique_id: 'T1021.004', name: 'Remote Services: SSH', tactic: 'Lateral Movement', confidence: 90 }],
    mitigations: [{ id: 'M1032', name: 'Multi-factor Authentication', techniques: ['T1021.004'] }],
  });
  const narrative = narrateDeterministic(compromise);

  it('orders recommendations containment first: isolate the host, reset the account, then block the attacker', () => {
    const r = narrative.recommendations;
    const at = (re: RegExp) => r.findIndex((x) => re.test(x));
    expect(at(/^Isolate srv-prod-01/)).toBe(0);
    expect(at(/^Reset the credentials of admin/)).toBeGreaterThan(at(/^Isolate srv-prod-01/));
    expect(at(/^Block 185\.220\.101\.42 \(Tor exit node\)/)).toBeGreaterThan(at(/^Reset/));
  });

  it('never tells the perimeter to block an internal address, and isolates that source instead', () => {
    expect(narrative.recommendations.some((r) => r.startsWith('Block') && r.includes('10.2.7.31'))).toBe(false);
    expect(narrative.recommendations.some((r) => r.startsWith('Isolate the internal source 10.2.7.31'))).toBe(true);
  });

  it('adds the personal-data obligations, the SSH hardening and the ATT&CK mitigation', () => {
    const all = narrative.recommendations.join('\n');
    expect(all).toMatch(/breach-notification/);
    expect(all).toMatch(/SSH key-based authentication/);
    expect(all).toMatch(/ATT&CK M1032 Multi-factor Authentication/);
    expect(narrative.impact).toMatch(/admin must be considered compromised/);
  });

  it('says plainly when nothing malicious was found', () => {
    const quiet = narrateDeterministic(findings({ severity: 'info', severityReasons: ['No detection rule or behaviour heuristic matched'] }));
    expect(quiet.summary).toMatch(/^No malicious activity was identified in 3 events/);
    expect(quiet.recommendations).toHaveLength(1);
  });
});
