import { loadAttackCatalog } from '../attack';
import type { CanonicalEvent } from '../model';
import { inferMovement } from './movement';
import { event, lookupOf } from './testing/events';

const catalog = loadAttackCatalog();
const infer = (events: CanonicalEvent[]) => inferMovement({ events, lookup: lookupOf(events), catalog });
const at = (base: string, seconds: number): string => new Date(Date.parse(base) + seconds * 1000).toISOString();

function flow(i: number, iso: string, src: string, dst: string, port = 443): CanonicalEvent {
  return event(i, iso, { format: 'suricata', action: 'network_connection', logsource: { product: 'suricata', service: 'flow' }, entities: { srcIp: src, dstIp: dst, dstPort: port } });
}

describe('remote service execution', () => {
  const logon = event(0, '2026-09-03T22:41:07Z', { format: 'windows', action: 'logon', outcome: 'success', fields: { EventID: 4624, Channel: 'Security', LogonType: 3 }, logsource: { product: 'windows', service: 'security' }, entities: { user: 'CORP\\svc_deploy', targetUser: 'CORP\\svc_deploy', srcIp: '10.10.5.23', srcHost: 'WS-044', host: 'FS-02.corp.example' } });
  const install = (iso: string): CanonicalEvent => event(1, iso, { format: 'windows', action: 'service_install', fields: { EventID: 7045, Channel: 'System' }, logsource: { product: 'windows', service: 'system' }, entities: { service: 'PSEXESVC', host: 'FS-02.corp.example' } });

  it('links a network logon and a service installed on that host a second later: lateral movement from the logon source', () => {
    const [s] = infer([logon, install('2026-09-03T22:41:08Z')]);
    expect(s.rule.id).toBe('lantern.heuristic.remote_service_execution');
    expect(s.techniques).toEqual(expect.arrayContaining(['T1021.002', 'T1569.002']));
    expect(s.roles).toEqual(expect.arrayContaining([
      expect.objectContaining({ value: '10.10.5.23', role: 'attacker' }),
      expect.objectContaining({ value: 'CORP\\svc_deploy', role: 'compromised_account' }),
      expect.objectContaining({ value: 'PSEXESVC', role: 'attack_tool' }),
    ]));
  });

  it('ignores the per-user service instances Windows installs at every logon, and installs by the machine account', () => {
    const perUser = event(1, '2026-09-03T22:41:09Z', { format: 'windows', action: 'service_install', fields: { EventID: 4697, Channel: 'Security', SubjectUserName: 'FS-02$' }, logsource: { product: 'windows', service: 'security' }, entities: { service: 'CDPUserSvc_4f2a1', host: 'FS-02.corp.example' } });
    const byMachine = event(2, '2026-09-03T22:41:09Z', { format: 'windows', action: 'service_install', fields: { EventID: 4697, Channel: 'Security', SubjectUserName: 'FS-02$' }, logsource: { product: 'windows', service: 'security' }, entities: { service: 'WdNisSvc', host: 'FS-02.corp.example' } });
    expect(infer([logon, perUser, byMachine])).toEqual([]);
    expect(infer([logon, { ...perUser, fields: { EventID: 7045, Channel: 'System' } }])).toEqual([]);
    expect(infer([logon, { ...byMachine, fields: { EventID: 7045, Channel: 'System', UserID: 'S-1-5-18' } }])).toEqual([]);
    expect(infer([logon, { ...byMachine, fields: { EventID: 7045, Channel: 'System', UserID: 'S-1-5-21-1-2-3-1108' } }])).toHaveLength(1);
  });

  it('ignores a service installed long after the logon', () => {
    expect(infer([logon, install('2026-09-03T23:41:08Z')])).toEqual([]);
  });
});

describe('beaconing', () => {
  const base = '2026-08-11T13:00:02Z';

  it('flags connections to one external address at a steady interval, and calls the internal host compromised', () => {
    const events = Array.from({ length: 10 }, (_, i) => flow(i, at(base, i * 60 + (i % 2)), '10.30.4.17', '194.26.29.113'));
    const [s] = infer(events);
    expect(s.rule.id).toBe('lantern.heuristic.beaconing');
    expect(s.techniques).toContain('T1071.001');
    expect(s.roles).toEqual(expect.arrayContaining([expect.objectContaining({ value: '194.26.29.113', role: 'c2' }), expect.objectContaining({ value: '10.30.4.17', role: 'compromised_host' })]));
  });

  it('leaves irregular browsing and internal traffic alone', () => {
    const gaps = [5, 300, 12, 900, 40, 70, 2000, 8];
    let t = 0;
    const browsing = gaps.map((g, i) => flow(i, at(base, (t += g)), '10.30.4.22', '142.250.74.36'));
    const internal = Array.from({ length: 10 }, (_, i) => flow(100 + i, at(base, i * 60), '10.30.4.17', '10.30.0.5', 445));
    expect(infer([...browsing, ...internal])).toEqual([]);
  });
});

describe('bulk reads from cloud storage', () => {
  const read = (i: number, user: string): CanonicalEvent => event(i, at('2026-05-02T09:12:00Z', i * 6), { format: 'cloudtrail', action: 'object_read', fields: { eventName: 'GetObject' }, entities: { user, srcIp: '77.91.68.52', file: `corp-finance-exports/ledger-${i}.csv` } });

  it('flags one identity reading dozens of objects in minutes, naming the bucket', () => {
    const [s] = infer(Array.from({ length: 25 }, (_, i) => read(i, 'svc-backup-sync')));
    expect(s.techniques).toContain('T1530');
    expect(s.roles).toEqual(expect.arrayContaining([expect.objectContaining({ value: 'corp-finance-exports', role: 'targeted_data' })]));
  });

  it('does not flag a handful of reads', () => {
    expect(infer(Array.from({ length: 5 }, (_, i) => read(i, 'app')))).toEqual([]);
  });
});
