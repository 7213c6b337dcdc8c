import { loadAttackCatalog } from '../attack';
import { inferBehaviours } from './behaviours';
import { buildChains } from './chains';
import { event, failedLogons, lookupOf } from './testing/events';
import type { CanonicalEvent } from '../model';

const catalog = loadAttackCatalog();

function infer(events: CanonicalEvent[]) {
  return inferBehaviours({ events, lookup: lookupOf(events), catalog, signals: [] });
}

function success(index: number, iso: string, user: string, srcIp: string): CanonicalEvent {
  return event(index, iso, {
    format: 'windows', action: 'logon', outcome: 'success', fields: { EventID: 4624, Channel: 'Security', LogonType: 10 },
    logsource: { product: 'windows', service: 'security' }, entities: { user, targetUser: user, srcIp, host: 'RDS-01' },
  });
}

describe('brute-force heuristic', () => {
  it('turns a failed-logon run followed by a success from the same source into a successful brute force', () => {
    const events = [...failedLogons(0, 12, '80.94.95.112', ['backup', 'admin']), success(12, '2026-02-09T23:11:55Z', 'backup', '80.94.95.112')];
    const signals = infer(events);
    const won = signals.find((s) => s.rule.id === 'lantern.heuristic.brute_force_success');
    expect(won).toBeDefined();
    expect(won?.outcome).toBe('success');
    expect(won?.techniques).toEqual(expect.arrayContaining(['T1110.001', 'T1078', 'T1021.001']));
    expect(won?.roles).toEqual(expect.arrayContaining([
      expect.objectContaining({ value: '80.94.95.112', role: 'attacker' }),
      expect.objectContaining({ value: 'backup', role: 'compromised_account' }),
    ]));
  });

  it('calls few attempts against many accounts password spraying', () => {
    const accounts = Array.from({ length: 8 }, (_, i) => `user${i}`);
    const spray = infer(failedLogons(0, 8, '80.94.95.112', accounts)).find((s) => s.rule.id.endsWith('password_spraying'));
    expect(spray?.techniques).toEqual(['T1110.003']);
  });

  it('ignores a handful of typos', () => {
    expect(infer(failedLogons(0, 3, '10.1.1.1', ['alice']))).toEqual([]);
  });

  it('ignores failures spread over a day (below five within 30 minutes)', () => {
    const spread = failedLogons(0, 6, '10.1.1.1', ['alice'], 3600);
    expect(infer(spread).filter((s) => s.rule.id.includes('brute'))).toEqual([]);
  });
});

describe('kerberoasting heuristic', () => {
  function tgs(index: number, service: string, enc: string): CanonicalEvent {
    return event(index, `2026-03-02T10:00:0${index}Z`, {
      format: 'windows', action: 'kerberos_service_ticket_request', outcome: 'success',
      fields: { EventID: 4769, Channel: 'Security', ServiceName: service, TicketEncryptionType: enc },
      logsource: { product: 'windows', service: 'security' }, entities: { user: 'mhill@CORP.EXAMPLE', targetUser: 'mhill@CORP.EXAMPLE', srcIp: '10.2.7.31', host: 'DC01' },
    });
  }

  it('flags RC4 tickets for several services requested by one account', () => {
    const signals = infer([tgs(0, 'MSSQLSvc/sql01', '0x17'), tgs(1, 'HTTP/web', '0x00000017'), tgs(2, 'svc_sap', '0x17'), tgs(3, 'svc_crm', '0x17')])
      .filter((s) => s.rule.id === 'lantern.heuristic.kerberoasting');
    expect(signals.map((s) => s.techniques)).toEqual([['T1558.003']]);
    expect(signals[0].eventIndices).toEqual([0, 1, 2, 3]);
    expect(signals[0].roles).toEqual(expect.arrayContaining([expect.objectContaining({ value: '10.2.7.31', role: 'attacker' })]));
  });

  it('does not flag AES tickets or machine accounts', () => {
    expect(infer([tgs(0, 'a', '0x12'), tgs(1, 'b', '0x12'), tgs(2, 'c', '0x12'), tgs(3, 'WS01$', '0x17')])).toEqual([]);
  });
});

describe('command-line heuristics', () => {
  it('recognises a recon binary even without a command line', () => {
    const e = event(0, '2026-04-03T14:25:00Z', { action: 'process_create', entities: { user: 'admin', host: 'srv', process: 'whoami.exe' } });
    const s = infer([e]).find((x) => x.rule.id.endsWith('cmd.whoami'));
    expect(s?.techniques).toEqual(['T1033']);
    expect(s?.roles).toEqual([expect.objectContaining({ type: 'process', value: 'whoami.exe', role: 'recon_tool' })]);
  });
});

describe('process lineage heuristic', () => {
  const proc = (index: number, parent: string, child: string) =>
    event(index, '2026-01-01T00:00:00Z', { action: 'process_create', entities: { host: 'web-1', parentProcess: parent, process: child } });

  it('reads a shell started by a web or application server as exploitation or a webshell', () => {
    const s = infer([proc(0, 'C:\\Program Files\\Apache\\bin\\tomcat9.exe', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'), proc(1, '/usr/bin/java', '/bin/sh')])
      .find((x) => x.rule.id.endsWith('server_app_shell'));
    expect(s?.techniques).toEqual(['T1190', 'T1505.003']);
    expect(s?.eventIndices).toEqual([0, 1]);
  });

  it('reads an executable opened from the Downloads folder as user execution, but not an installed program', () => {
    const signals = infer([proc(0, 'C:\\Windows\\explorer.exe', 'C:\\Users\\bob\\Downloads\\invoice.exe'), proc(1, 'C:\\Windows\\explorer.exe', 'C:\\Program Files\\App\\app.exe')]);
    const s = signals.find((x) => x.rule.id.endsWith('user_ran_download'));
    expect(s?.eventIndices).toEqual([0]);
    expect(s?.techniques).toEqual(['T1204.002']);
  });

  it('reads a shell started by Word as a malicious document, and ignores ordinary parents', () => {
    const signals = infer([proc(0, 'WINWORD.EXE', 'cmd.exe'), proc(1, 'explorer.exe', 'cmd.exe')]);
    expect(signals.find((x) => x.rule.id.endsWith('office_child_shell'))?.eventIndices).toEqual([0]);
    expect(signals.some((x) => x.rule.id.endsWith('server_app_shell'))).toBe(false);
  });
});

describe('attack chains', () => {
  it('links a connection, a logon and a process by shared address and account, ordered by kill-chain stage', () => {
    const events = [
      event(0, '2026-04-03T14:20:00Z', { action: 'network_connection', outcome: 'success', entities: { srcIp: '185.220.101.42', dstIp: '10.0.1.15', dstPort: 22 } }),
      event(1, '2026-04-03T14:22:00Z', { action: 'logon', outcome: 'success', entities: { user: 'admin', srcIp: '185.220.101.42', dstIp: '10.0.1.15' } }),
      event(2, '2026-04-03T14:25:00Z', { action: 'process_create', outcome: 'success', entities: { user: 'admin', host: 'srv-prod-01', process: 'whoami.exe' } }),
      event(3, '2026-04-03T18:00:00Z', { action: 'process_create', outcome: 'success', entities: { user: 'carol', host: 'ws-9', process: 'whoami.exe' } }),
    ];
    const lookup = lookupOf(events);
    const first = inferBehaviours({ events, lookup, catalog, signals: [] });
    const chains = buildChains(events, first, catalog);
    expect(chains).toHaveLength(2);
    expect(chains[0].eventIndices).toEqual([0, 1, 2]);
    expect(chains[0].chain.steps.map((s) => s.stage)).toEqual(['Initial Access', 'Discovery']);
    expect(chains[1].eventIndices).toEqual([3]);
  });
});

describe('which kind of account was created', () => {
  const created = (index: number, fields: Record<string, unknown>, logsource: CanonicalEvent['logsource'], host?: string): CanonicalEvent =>
    event(index, `2026-02-09T23:1${index}:00Z`, { format: 'windows', action: 'user_created', outcome: 'success', fields, logsource, entities: { user: 'mallory', targetUser: 'svc-backup', ...(host ? { host } : {}) } });
  const technique = (e: CanonicalEvent) => infer([e]).find((s) => s.rule.id.endsWith('account_created'))?.techniques;

  it('a Windows account in the machine\'s own domain is local, one in the AD domain is a domain account', () => {
    expect(technique(created(0, { EventID: 4720, Channel: 'Security', TargetDomainName: 'WS-17', Computer: 'ws-17.corp.example' }, { product: 'windows', service: 'security' }, 'ws-17.corp.example'))).toEqual(['T1136.001']);
    expect(technique(created(1, { EventID: 4720, Channel: 'Security', TargetDomainName: 'CORP', Computer: 'srv-ad1.corp.example' }, { product: 'windows', service: 'security' }, 'srv-ad1.corp.example'))).toEqual(['T1136.002']);
  });

  it('an identity created through a cloud provider is a cloud account', () => {
    expect(technique(created(2, { eventName: 'CreateUser', eventSource: 'iam.amazonaws.com' }, { product: 'aws', service: 'cloudtrail' }))).toEqual(['T1136.003']);
  });
});

describe('external sign-ins', () => {
  it('a cloud console sign-in from the internet is a cloud account used, not an external remote service', () => {
    const signin = event(0, '2026-02-09T23:10:00Z', {
      format: 'cloudtrail', action: 'logon', outcome: 'success', fields: { eventName: 'ConsoleLogin' },
      logsource: { product: 'aws', service: 'cloudtrail' }, entities: { user: 'dev-ops', srcIp: '146.70.117.201' },
    });
    const s = infer([signin]).find((x) => x.rule.id.includes('external'));
    expect(s?.techniques).toEqual(expect.arrayContaining(['T1078.004']));
    expect(s?.techniques).not.toContain('T1133');
  });
});
