import { normalizeEvent } from '../normalize';

describe('generic events (the API document shape)', () => {
  it('reads the documented endpoint event: bare process names stay bare, product windows from .exe', () => {
    const ev = normalizeEvent(
      { timestamp: '2026-04-03T14:25:00Z', source: 'endpoint', action: 'process_create', host: 'srv-prod-01', process: 'whoami.exe', parent: 'cmd.exe', user: 'admin' },
      2,
      'logs[2]',
    );
    expect(ev.format).toBe('generic');
    expect(ev.logsource).toEqual({ category: 'process_creation', product: 'windows' });
    expect(ev.fields).toMatchObject({ Image: 'whoami.exe', ParentImage: 'cmd.exe', User: 'admin', Computer: 'srv-prod-01', process: 'whoami.exe' });
    expect(ev.action).toBe('process_create');
    expect(ev.outcome).toBe('success');
    expect(ev.time).toBe(Date.UTC(2026, 3, 3, 14, 25));
    expect(ev.entities).toMatchObject({ process: 'whoami.exe', parentProcess: 'cmd.exe', user: 'admin', host: 'srv-prod-01' });
  });

  it('reads a login success as a logon of the named account from the source address', () => {
    const ev = normalizeEvent({ timestamp: '2026-04-03T14:22:00Z', source: 'auth', action: 'login_success', user: 'admin', src_ip: '185.220.101.42', dst_ip: '10.0.1.15' }, 1, 'logs[1]');
    expect(ev.action).toBe('logon');
    expect(ev.outcome).toBe('success');
    expect(ev.logsource).toEqual({ category: 'authentication' });
    expect(ev.fields).toMatchObject({ SourceIp: '185.220.101.42', IpAddress: '185.220.101.42', DestinationIp: '10.0.1.15', src_ip: '185.220.101.42' });
    expect(ev.entities).toMatchObject({ user: 'admin', targetUser: 'admin', srcIp: '185.220.101.42', dstIp: '10.0.1.15' });
  });

  it('understands common synonyms', () => {
    const ev = normalizeEvent(
      { time: 1775226300, srcip: '10.0.0.5', dest_ip: '10.0.0.9', dport: '3389', username: 'CORP\\tlee', hostname: 'WS-117', cmdline: '/usr/bin/python3 -c "import pty"', process_name: '/usr/bin/python3', parent_process: '/bin/bash', event_type: 'Process Start' },
      0,
      'x',
    );
    expect(ev.fields).toMatchObject({ Image: '/usr/bin/python3', ParentImage: '/bin/bash', CommandLine: '/usr/bin/python3 -c "import pty"', User: 'CORP\\tlee', src_ip: '10.0.0.5', dst_ip: '10.0.0.9', DestinationPort: '3389' });
    expect(ev.action).toBe('process_create');
    expect(ev.logsource).toEqual({ category: 'process_creation', product: 'linux' });
    expect(ev.time).toBe(1775226300000);
    expect(ev.entities).toMatchObject({ srcIp: '10.0.0.5', dstIp: '10.0.0.9', dstPort: 3389, user: 'CORP\\tlee', host: 'WS-117' });
  });

  it('keeps an explicit outcome over the one implied by the action word', () => {
    const ev = normalizeEvent({ action: 'login', user: 'bob', outcome: 'failure' }, 0, 'x');
    expect(ev.action).toBe('logon');
    expect(ev.outcome).toBe('failure');
  });

  it('keeps unknown action words, lower-cased with underscores', () => {
    const ev = normalizeEvent({ source: 'app', action: 'Export Report', user: 'carol' }, 0, 'x');
    expect(ev.action).toBe('export_report');
    expect(ev.outcome).toBe('unknown');
  });
});

describe('firewall events', () => {
  it('reads the documented firewall allow as category firewall with SigmaHQ firewall fields', () => {
    const ev = normalizeEvent({ timestamp: '2026-04-03T14:20:00Z', source: 'firewall', action: 'allow', src_ip: '185.220.101.42', dst_ip: '10.0.1.15', dst_port: 22, protocol: 'tcp' }, 0, 'logs[0]');
    expect(ev.format).toBe('firewall');
    expect(ev.logsource).toEqual({ category: 'firewall' });
    expect(ev.fields).toMatchObject({ src_ip: '185.220.101.42', dst_ip: '10.0.1.15', dst_port: 22, action: 'allow' });
    expect(ev.action).toBe('network_connection');
    expect(ev.outcome).toBe('success');
    expect(ev.entities).toMatchObject({ srcIp: '185.220.101.42', dstIp: '10.0.1.15', dstPort: 22, protocol: 'tcp' });
  });

  it('recognises an unlabeled deny verdict over an address pair and reports failure', () => {
    const ev = normalizeEvent({ ts: '2026-04-03T14:20:00Z', srcip: '203.0.113.5', dstip: '10.0.0.1', dst_port: 445, action: 'DROP' }, 0, 'x');
    expect(ev.format).toBe('firewall');
    expect(ev.outcome).toBe('failure');
  });
});

describe('proxy events', () => {
  it('splits the URL into SigmaHQ proxy fields', () => {
    const ev = normalizeEvent({ timestamp: '2026-04-22T16:45:04Z', source: 'proxy', action: 'allow', src_ip: '10.4.1.117', url: 'http://45.9.148.108/upd.exe?x=1', method: 'GET', status: 200, user: 'tlee', user_agent: 'curl/8.0' }, 1, 'x');
    expect(ev.format).toBe('proxy');
    expect(ev.logsource).toEqual({ category: 'proxy' });
    expect(ev.fields).toMatchObject({
      'c-uri': 'http://45.9.148.108/upd.exe?x=1',
      'cs-host': '45.9.148.108',
      'c-uri-extension': 'exe',
      'c-uri-query': 'x=1',
      'cs-method': 'GET',
      'sc-status': 200,
      'c-useragent': 'curl/8.0',
      'c-ip': '10.4.1.117',
    });
    expect(ev.action).toBe('http_request');
    expect(ev.entities).toMatchObject({ url: 'http://45.9.148.108/upd.exe?x=1', user: 'tlee', srcIp: '10.4.1.117', dstIp: '45.9.148.108' });
  });

  it('names the requested domain', () => {
    const ev = normalizeEvent({ source: 'proxy', url: 'https://evil.example.org:8443/a/b.ps1', method: 'GET', status: 403 }, 0, 'x');
    expect(ev.entities.domain).toBe('evil.example.org');
    expect(ev.fields['dst_port']).toBe(8443);
    expect(ev.outcome).toBe('failure');
  });
});

describe('generic auth events carrying the daemon text', () => {
  it('reads the sshd message of a source auth event and places it under linux/sshd', () => {
    const ev = normalizeEvent({ timestamp: '2026-04-03T14:21:00Z', source: 'auth', action: 'ssh_login_failed', user: 'root', src_ip: '45.9.148.108', message: 'Failed password for invalid user root from 45.9.148.108 port 4242 ssh2' }, 0, 'x');
    expect(ev.action).toBe('logon_failed');
    expect(ev.outcome).toBe('failure');
    expect(ev.logsource).toEqual({ category: 'authentication', product: 'linux', service: 'sshd' });
    expect(ev.fields).toMatchObject({ auth_method: 'password', invalid_user: 'true' });
    expect(ev.entities).toMatchObject({ user: 'root', targetUser: 'root', srcIp: '45.9.148.108', srcPort: 4242 });
  });

  it.each([
    ['ssh_login_failed', 'logon_failed', 'failure'],
    ['AUTH_SUCCESS', 'logon', 'success'],
    ['password-rejected', 'logon_failed', 'failure'],
    ['user_logout', 'logoff', 'success'],
    ['mfa_push_denied', 'mfa_challenge', 'failure'],
  ])('reads the compound action word %s', (word, action, outcome) => {
    const ev = normalizeEvent({ action: word, user: 'u' }, 0, 'x');
    expect([ev.action, ev.outcome]).toEqual([action, outcome]);
  });
});

describe('generic events without an action word', () => {
  it('takes the action from the kind of source, and reads split date and time', () => {
    const ev = normalizeEvent({ source: 'dns', date: '2026-04-03', time: '14:20:05', client_ip: '10.8.0.44', query: 'x1.t.exfil-cdn.example' }, 0, 'x');
    expect(ev.action).toBe('dns_query');
    expect(ev.logsource).toEqual({ category: 'dns' });
    expect(ev.time).toBe(Date.UTC(2026, 3, 3, 14, 20, 5));
    expect(ev.entities).toMatchObject({ srcIp: '10.8.0.44', domain: 'x1.t.exfil-cdn.example' });
  });
});

describe('generic process names and paths', () => {
  it('prefers a full path over a bare name when an event gives both', () => {
    const ev = normalizeEvent({ action: 'process_create', process_name: 'rundll32.exe', process_path: 'C:\\Windows\\System32\\rundll32.exe', parent_process_name: 'winword.exe', parent_process_path: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE' }, 0, 'x');
    expect(ev.fields.Image).toBe('C:\\Windows\\System32\\rundll32.exe');
    expect(ev.fields.ParentImage).toBe('C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE');
  });
});

describe('generic email and service events', () => {
  it('names the sender, recipient and attachment of an email event', () => {
    const ev = normalizeEvent({ timestamp: '2026-04-22T16:40:00Z', source: 'email', sender: 'billing@invoice-portal.example', recipient: 'tlee@corp.example', subject: 'Invoice', attachment: 'invoice.hta' }, 0, 'x');
    expect(ev.action).toBe('email');
    expect(ev.entities).toMatchObject({ email: 'billing@invoice-portal.example', targetUser: 'tlee@corp.example', file: 'invoice.hta' });
  });

  it('names the binary of an installed service', () => {
    const ev = normalizeEvent({ action: 'service_install', host: 'WS-1', service_name: 'updsvc', service_path: 'C:\\Users\\Public\\upd.exe' }, 0, 'x');
    expect(ev.entities).toMatchObject({ service: 'updsvc', file: 'C:\\Users\\Public\\upd.exe', host: 'WS-1' });
  });
});
