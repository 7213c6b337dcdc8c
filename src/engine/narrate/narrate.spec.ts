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
    expect(at(/^Block 185\.220\.101\.42 \(Tor exit node\) \(and the published Tor exit-node list\)/)).toBeGreaterThan(at(/^Reset/));
  });

  it('never tells the perimeter to block an internal address, and isolates that source instead', () => {
    expect(narrative.recommendations.some((r) => r.startsWith('Block') && r.includes('10.2.7.31'))).toBe(false);
    expect(narrative.recommendations.some((r) => r.startsWith('Isolate the internal source 10.2.7.31'))).toBe(true);
  });

  it('adds the personal-data obligations, the SSH hardening and the ATT&CK mitigation', () => {
    const all = narrative.recommendations.join('\n');
    expect(all).toMatch(/breach-notification/);
    expect(all).toMatch(/SSH key-based authentication/);
    expect(all).toMatch(/ATT&CK mitigation M1032 \(Multi-factor Authentication\)/);
    expect(narrative.impact).toMatch(/working access to the account admin with administrative rights/);
  });

  it('keeps recommendations unique and at most ten', () => {
    const r = narrative.recommendations;
    expect(r.length).toBeLessThanOrEqual(10);
    expect(new Set(r.map((x) => x.toLowerCase())).size).toBe(r.length);
  });

  describe('an SSH intrusion followed by discovery', () => {
    const step = (stage: string, description: string, techniques: string[], events: number[], time: number, heuristic?: string) => ({
      stage, description, techniques, event_indices: events, rule_ids: [heuristic ? `lantern.heuristic.${heuristic}` : `rule-${description}`], time,
    });
    const ssh = findings({
      severity: 'critical',
      context: 'Production environment, server handles customer PII',
      indicators: [
        { type: 'ip', value: '185.220.101.42', role: 'attacker', intel: ['Tor exit node'], event_indices: [0, 1] },
        { type: 'user', value: 'admin', role: 'compromised_account', event_indices: [1, 2] },
        { type: 'process', value: 'whoami.exe', role: 'recon_tool', event_indices: [2] },
        { type: 'host', value: 'srv-prod-01', role: 'compromised_host', event_indices: [2] },
      ],
      techniques: [
        { technique_id: 'T1078.001', name: 'Valid Accounts: Default Accounts', tactic: 'Initial Access', confidence: 95 },
        { technique_id: 'T1021.004', name: 'Remote Services: SSH', tactic: 'Lateral Movement', confidence: 89 },
        { technique_id: 'T1055', name: 'Process Injection', tactic: 'Privilege Escalation', confidence: 82 },
        { technique_id: 'T1033', name: 'System Owner/User Discovery', tactic: 'Discovery', confidence: 53 },
      ],
      chains: [{
        id: 'chain-1', severity: 'critical', entities: ['ip:185.220.101.42', 'user:admin', 'host:srv-prod-01', 'process:whoami.exe'], firstTime: 0, lastTime: 300000,
        steps: [
          step('Initial Access', 'Inbound SSH From the Internet Allowed by Firewall', ['T1021.004'], [0], 0),
          step('Initial Access', 'Successful SSH logon as admin from 185.220.101.42', ['T1078', 'T1021.004'], [0, 1], 0, 'external_logon_then_activity'),
          step('Initial Access', 'Successful Login as a Default Administrative Account From a Public Address', ['T1078.001'], [1], 120000),
          step('Privilege Escalation', 'Execution Of Non-Existing File', ['T1055'], [2], 300000),
          step('Discovery', 'Whoami Executed', ['T1033'], [2], 300000),
          step('Discovery', 'Current user enumerated (whoami)', ['T1033'], [2], 300000, 'cmd.whoami'),
        ],
      }],
    });
    const n = narrateDeterministic(ssh);

    it('tells the story in words, in order: the logon before the discovery', () => {
      expect(n.summary).toMatch(/logged on over SSH as admin/);
      expect(n.summary.indexOf('logged on')).toBeLessThan(n.summary.indexOf('enumerated the current user (whoami.exe)'));
    });

    it('names the attacker with its threat-intel label, the account, the host and the business context', () => {
      for (const s of ['185.220.101.42 (Tor exit node)', 'admin', 'srv-prod-01', 'personal data', 'production system']) expect(n.summary).toContain(s);
      expect(n.summary).toMatch(/The attack succeeded/);
    });

    it('pastes no rule titles and leaves an uncorroborated side reading of an explained event out', () => {
      expect(n.summary).not.toMatch(/Whoami Executed|Default Administrative Account From a Public Address|\[/);
      expect(n.summary).not.toMatch(/inject/i);
    });
  });

  it('claims success only when the evidence proves it', () => {
    const unproven = narrateDeterministic(findings({
      severity: 'high',
      indicators: [{ type: 'host', value: 'ws-42', role: 'compromised_host' }],
      chains: [{ id: 'c', severity: 'high', entities: ['host:ws-42'], steps: [{ stage: 'Execution', description: 'x', techniques: [], event_indices: [0], rule_ids: ['r'] }] }],
    }));
    expect(unproven.summary).not.toMatch(/succeeded/);
    expect(unproven.summary).toMatch(/Malicious activity ran on ws-42: treat it as compromised/);
  });

  it('blocks only the infrastructure of the attack chain, not every domain seen in the traffic', () => {
    const dns = narrateDeterministic(findings({
      indicators: [
        { type: 'domain', value: 'exfil-cdn.example', role: 'c2' },
        { type: 'domain', value: 'login.microsoftonline.com', role: 'c2' },
        { type: 'ip', value: '10.8.0.44', role: 'compromised_host' },
      ],
      techniques: [{ technique_id: 'T1048.003', name: 'Exfiltration Over Alternative Protocol: Exfiltration Over Unencrypted Non-C2 Protocol', tactic: 'Exfiltration', confidence: 99 }],
      chains: [{ id: 'c', severity: 'high', entities: ['domain:exfil-cdn.example', 'ip:10.8.0.44'], steps: [{ stage: 'Exfiltration', description: 'x', techniques: ['T1048.003'], event_indices: [0], rule_ids: ['lantern.heuristic.dns_tunnel'] }] }],
    }));
    const all = dns.recommendations.join('\n');
    expect(all).toMatch(/Block exfil-cdn\.example/);
    expect(all).not.toContain('login.microsoftonline.com');
    expect(dns.impact).toMatch(/Data may have left the network through exfil-cdn\.example/);
  });

  it('traces a successful brute force to the exposed service and the missing lockout', () => {
    const rdp = narrateDeterministic(findings({
      indicators: [{ type: 'ip', value: '80.94.95.112', role: 'attacker' }, { type: 'user', value: 'backup', role: 'compromised_account' }],
      techniques: [{ technique_id: 'T1021.001', name: 'Remote Services: Remote Desktop Protocol', tactic: 'Lateral Movement', confidence: 99 }],
      chains: [{ id: 'c', severity: 'critical', entities: ['ip:80.94.95.112', 'user:backup'], steps: [{ stage: 'Initial Access', description: 'x', techniques: ['T1021.001'], event_indices: [0], rule_ids: ['lantern.heuristic.brute_force_success'] }] }],
    }));
    expect(rdp.root_cause).toMatch(/^RDP reachable from the internet with password-only logon: the account backup had a guessable password/);
    expect(rdp.root_cause).toMatch(/lockout/);
  });

  it('gives no containment advice for a low-severity finding', () => {
    const low = narrateDeterministic(findings({
      severity: 'low',
      indicators: [{ type: 'host', value: 'ws-42', role: 'target' }, { type: 'user', value: 'jdoe', role: 'compromised_account' }],
    }));
    expect(low.recommendations.join('\n')).not.toMatch(/Isolate|Reset the credentials/);
    expect(low.recommendations[0]).toMatch(/^Review the flagged activity/);
  });

  it('says plainly when nothing malicious was found', () => {
    const quiet = narrateDeterministic(findings({ severity: 'info', severityReasons: ['No detection rule or behaviour heuristic matched'] }));
    expect(quiet.summary).toMatch(/^No malicious activity was identified in 3 events/);
    expect(quiet.summary).toMatch(/nothing indicates a compromise/);
    expect(quiet.recommendations).toHaveLength(1);
    expect(quiet.recommendations[0]).not.toMatch(/isolate|block|reset/i);
    expect(quiet.root_cause).toBe('No root cause: no malicious activity was identified.');
  });

  it('does not call routine matches an attacker step when nothing malicious was found', () => {
    const routine = narrateDeterministic(
      findings({
        severity: 'info',
        chains: [{ id: 'c1', entities: ['user:root'], severity: 'info', steps: [{ stage: 'Credential Access', description: 'SSH Password Authentication Failed', event_indices: [0, 1], rule_ids: ['r-ssh'], techniques: [], time: 0 }] }],
      }),
    );
    expect(routine.summary).toMatch(/^No malicious activity was identified .* Only routine activity was seen \(SSH Password Authentication Failed\)/);
    expect(routine.root_cause).toBe('No root cause: no malicious activity was identified.');
    expect(routine.impact).toMatch(/^No impact identified/);
  });
});

describe('deterministic narrator across incident kinds', () => {
  const t = (iso: string): number => Date.parse(iso);
  const step = (stage: string, technique: string, iso: string, rule: string, events: number[]) => ({ stage, description: technique, event_indices: events, rule_ids: [rule], techniques: [technique], time: t(iso) });

  it('tells the attempts first, then the way in, then what followed in time order', () => {
    const f = findings({
      severity: 'critical',
      indicators: [{ type: 'ip', value: '193.32.162.77', role: 'attacker' }, { type: 'user', value: 'deploy', role: 'compromised_account' }],
      techniques: [
        { technique_id: 'T1136.001', name: 'Create Account: Local Account', tactic: 'Persistence', confidence: 99 },
        { technique_id: 'T1078', name: 'Valid Accounts', tactic: 'Initial Access', confidence: 95 },
        { technique_id: 'T1110.001', name: 'Brute Force: Password Guessing', tactic: 'Credential Access', confidence: 99 },
      ],
      chains: [{
        id: 'chain-1', severity: 'critical', entities: [], firstTime: t('2026-03-14T02:11:03Z'), lastTime: t('2026-03-14T02:14:05Z'),
        steps: [
          step('Initial Access', 'T1078', '2026-03-14T02:13:02Z', 'lantern.heuristic.brute_force_success', [1]),
          step('Persistence', 'T1136.001', '2026-03-14T02:14:05Z', 'lantern.heuristic.account_created', [2]),
          step('Credential Access', 'T1110.001', '2026-03-14T02:11:03Z', 'lantern.heuristic.brute_force', [0]),
        ],
      }],
    });
    expect(narrateDeterministic(f).summary).toMatch(/guessed passwords by brute force, then logged on as deploy, then created a new account/);
  });

  it('says a web shell that answered is a successful attack, blames the injection it shows, and acts on the shell', () => {
    const f = findings({
      indicators: [
        { type: 'ip', value: '45.148.10.81', role: 'attacker' },
        { type: 'url', value: '/uploads/img_2231.php', role: 'webshell' },
        { type: 'url', value: '/products?id=12%27%20UNION%20SELECT%20username,password%20FROM%20users--', role: 'exploit_url' },
      ],
      techniques: [
        { technique_id: 'T1190', name: 'Exploit Public-Facing Application', tactic: 'Initial Access', confidence: 90 },
        { technique_id: 'T1505.003', name: 'Server Software Component: Web Shell', tactic: 'Persistence', confidence: 93 },
      ],
    });
    const n = narrateDeterministic(f);
    expect(n.summary).toMatch(/The attack succeeded: the web shell \/uploads\/img_2231\.php answered/);
    expect(n.root_cause).toMatch(/SQL injection in \/products/);
    expect(n.recommendations.some((r) => r.startsWith('Take the web shell /uploads/img_2231.php offline'))).toBe(true);
    expect(n.recommendations.some((r) => /Fix the SQL injection in \/products/.test(r))).toBe(true);
  });

  it('does not recommend web fixes for an exploitation technique without any web evidence', () => {
    const f = findings({
      indicators: [{ type: 'ip', value: '80.94.95.112', role: 'attacker' }, { type: 'user', value: 'backup', role: 'compromised_account' }],
      techniques: [{ technique_id: 'T1190', name: 'Exploit Public-Facing Application', tactic: 'Initial Access', confidence: 55 }],
    });
    expect(narrateDeterministic(f).recommendations.join('\n')).not.toMatch(/web application/);
  });

  it('tells a campaign through its most severe incident, without the other incidents\' attackers', () => {
    const f = findings({
      scope: 'campaign',
      severity: 'critical',
      indicators: [
        { type: 'ip', value: '5.188.206.14', role: 'attacker', event_indices: [20] },
        { type: 'ip', value: '45.227.254.8', role: 'attacker', event_indices: [1] },
        { type: 'user', value: 'helpdesk', role: 'compromised_account', event_indices: [1] },
      ],
      techniques: [{ technique_id: 'T1078', name: 'Valid Accounts', tactic: 'Initial Access', confidence: 95 }],
      chains: [{ id: 'chain-1', severity: 'critical', entities: ['ip:45.227.254.8', 'user:helpdesk'], steps: [{ stage: 'Initial Access', description: 'logon', event_indices: [1], rule_ids: ['r'], techniques: ['T1078'] }] }],
      incidents: [
        { id: 'incident-1', severity: 'critical', summary: 'a', techniques: [], indicators: [], event_count: 2 },
        { id: 'incident-2', severity: 'high', summary: 'b', techniques: [], indicators: [], event_count: 3 },
      ],
    });
    const summary = narrateDeterministic(f).summary;
    expect(summary).toMatch(/an attacker at 45\.227\.254\.8 logged on as helpdesk/);
    expect(summary).not.toContain('5.188.206.14');
    expect(summary).toMatch(/2 related incidents were identified/);
  });
});


describe('deterministic narrator: lateral movement from an internal machine', () => {
  it('names the internal source as the actor, not the host it moved to', () => {
    const { summary } = narrateDeterministic(findings({
      indicators: [
        { type: 'ip', value: '10.0.2.17', role: 'attacker' },
        { type: 'host', value: 'WS-SRC', role: 'attacker' },
        { type: 'host', value: 'SRV-DST', role: 'compromised_host' },
      ],
      techniques: [{ technique_id: 'T1047', name: 'Windows Management Instrumentation', tactic: 'Execution', confidence: 80 }],
    }));
    expect(summary).toContain('an attacker inside the network (10.0.2.17, WS-SRC)');
    expect(summary).not.toMatch(/the host SRV-DST (?:moved|executed)/);
  });
});
