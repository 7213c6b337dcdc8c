import { normalizeEvent } from '../normalize';

describe('Elastic Common Schema', () => {
  it('reads a process start into Sigma process_creation fields', () => {
    const ev = normalizeEvent(
      {
        '@timestamp': '2026-04-22T16:45:20.120Z',
        ecs: { version: '8.11.0' },
        event: { kind: 'event', category: ['process'], type: ['start'], action: 'start', outcome: 'success' },
        host: { name: 'WS-117', os: { family: 'windows' } },
        user: { name: 'tlee', domain: 'CORP' },
        process: {
          pid: 4242,
          executable: 'C:\\Windows\\System32\\schtasks.exe',
          name: 'schtasks.exe',
          command_line: 'schtasks /create /tn Upd /tr C:\\Users\\Public\\upd.exe /sc onlogon',
          hash: { sha256: 'a'.repeat(64) },
          parent: { executable: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', pid: 4100 },
        },
      },
      0,
      'x',
    );
    expect(ev.format).toBe('ecs');
    expect(ev.logsource).toEqual({ product: 'windows', category: 'process_creation' });
    expect(ev.fields).toMatchObject({
      Image: 'C:\\Windows\\System32\\schtasks.exe',
      CommandLine: 'schtasks /create /tn Upd /tr C:\\Users\\Public\\upd.exe /sc onlogon',
      ParentImage: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      User: 'CORP\\tlee',
      Computer: 'WS-117',
      ProcessId: 4242,
    });
    expect(ev.action).toBe('process_create');
    expect(ev.outcome).toBe('success');
    expect(ev.time).toBe(Date.UTC(2026, 3, 22, 16, 45, 20, 120));
    expect(ev.entities).toMatchObject({ host: 'WS-117', user: 'CORP\\tlee', process: 'C:\\Windows\\System32\\schtasks.exe', processId: '4242', hashes: ['a'.repeat(64)] });
  });

  it('reads a failed authentication with source address', () => {
    const ev = normalizeEvent(
      { '@timestamp': '2026-04-03T14:21:00Z', event: { category: ['authentication'], type: ['start'], outcome: 'failure' }, user: { name: 'root' }, source: { ip: '45.9.148.108', port: 50000 }, host: { hostname: 'srv', os: { type: 'linux' } } },
      0,
      'x',
    );
    expect(ev.logsource).toEqual({ product: 'linux', category: 'authentication' });
    expect(ev.action).toBe('logon_failed');
    expect(ev.outcome).toBe('failure');
    expect(ev.entities).toMatchObject({ user: 'root', targetUser: 'root', srcIp: '45.9.148.108', srcPort: 50000 });
  });

  it('reads dotted ECS keys and DNS questions', () => {
    const ev = normalizeEvent({ '@timestamp': '2026-04-03T14:21:00Z', 'event.category': 'network', 'dns.question.name': 'c2.example.org', 'dns.question.type': 'TXT', 'source.ip': '10.0.0.4' }, 0, 'x');
    expect(ev.format).toBe('ecs');
    expect(ev.logsource.category).toBe('dns');
    expect(ev.fields).toMatchObject({ query: 'c2.example.org', record_type: 'TXT', SourceIp: '10.0.0.4' });
    expect(ev.entities).toMatchObject({ domain: 'c2.example.org', srcIp: '10.0.0.4' });
  });

  it('parses the daemon message of Filebeat auth events', () => {
    const ev = normalizeEvent({ '@timestamp': '2026-04-03T14:22:00Z', event: { dataset: 'system.auth' }, process: { name: 'sshd', pid: 1 }, host: { hostname: 'srv' }, message: 'Accepted password for admin from 185.220.101.42 port 50122 ssh2' }, 0, 'x');
    expect(ev.logsource.service).toBe('sshd');
    expect(ev.action).toBe('logon');
    expect(ev.entities).toMatchObject({ targetUser: 'admin', srcIp: '185.220.101.42' });
    expect(ev.entities.process).toBeUndefined();
  });
});
