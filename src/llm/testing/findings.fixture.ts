/**
 * Findings for the narrator tests: the API document's SSH intrusion, as the deterministic stage
 * would describe it. Hand-written test data, not produced by the engine.
 */
import type { Findings } from '../../engine/model';

export function sshIntrusionFindings(overrides: Partial<Findings> = {}): Findings {
  return {
    scope: 'incident',
    context: 'Production environment, srv-prod-01 handles customer PII',
    severity: 'critical',
    severityReasons: [
      'Successful logon for admin from 185.220.101.42 after 40 failed attempts',
      'Discovery command executed after the logon',
    ],
    timeline: [
      {
        timestamp: '2026-04-03T14:20:00Z',
        description: 'Firewall allowed inbound SSH connection from 185.220.101.42 to 10.0.1.15',
        event_indices: [0],
      },
      {
        timestamp: '2026-04-03T14:21:00Z',
        description: '40 failed SSH logons for admin from 185.220.101.42',
        event_indices: [1, 2, 3],
        count: 40,
        rule_ids: ['r-bruteforce'],
      },
      {
        timestamp: '2026-04-03T14:22:00Z',
        description: 'Successful SSH logon as admin from 185.220.101.42',
        event_indices: [4],
      },
      {
        timestamp: '2026-04-03T14:25:00Z',
        description: 'whoami.exe executed via C:\\Windows\\System32\\cmd.exe by CORP\\admin',
        event_indices: [5],
        rule_ids: ['r-whoami'],
      },
    ],
    indicators: [
      { type: 'ip', value: '185.220.101.42', role: 'attacker', event_indices: [0, 1, 4], intel: ['tor-exit'] },
      { type: 'ip', value: '10.0.1.15', role: 'target', event_indices: [0] },
      { type: 'user', value: 'admin', role: 'compromised_account', event_indices: [1, 4, 5] },
      { type: 'process', value: 'whoami.exe', role: 'recon_tool', event_indices: [5] },
    ],
    techniques: [
      { technique_id: 'T1110.001', name: 'Brute Force: Password Guessing', tactic: 'Credential Access', confidence: 93 },
      { technique_id: 'T1033', name: 'System Owner/User Discovery', tactic: 'Discovery', confidence: 97 },
      { technique_id: 'T1021.004', name: 'Remote Services: SSH', tactic: 'Lateral Movement', confidence: 90 },
    ],
    chains: [
      {
        id: 'chain-1',
        severity: 'critical',
        entities: ['185.220.101.42', '10.0.1.15', 'admin', 'srv-prod-01'],
        firstTime: Date.parse('2026-04-03T14:20:00Z'),
        lastTime: Date.parse('2026-04-03T14:25:00Z'),
        steps: [
          { stage: 'credential_access', description: 'Password guessing against admin', event_indices: [1, 2, 3], rule_ids: ['r-bruteforce'], techniques: ['T1110.001'] },
          { stage: 'initial_access', description: 'SSH logon as admin succeeded', event_indices: [4], rule_ids: [], techniques: ['T1021.004'] },
          { stage: 'discovery', description: 'whoami.exe run by admin', event_indices: [5], rule_ids: ['r-whoami'], techniques: ['T1033'] },
        ],
      },
    ],
    detections: [
      { rule: { id: 'r-whoami', title: 'Whoami Utility Execution', level: 'medium', tags: ['attack.discovery', 'attack.t1033'] }, eventIndex: 5 },
    ],
    correlations: [
      {
        rule: { id: 'r-bruteforce', title: 'SSH Brute Force', level: 'high', tags: ['attack.t1110.001'] },
        correlationType: 'event_count',
        group: { src_ip: '185.220.101.42' },
        eventIndices: [1, 2, 3],
        value: 40,
      },
    ],
    stats: { events: 6, formats: { generic: 6 }, untimed: 0, matched: 5, rulesLoaded: 3000 },
    ...overrides,
  };
}
