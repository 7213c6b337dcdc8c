import { loadAttackCatalog } from '../attack';
import type { CanonicalEvent } from '../model';
import { inferBehaviours } from './behaviours';
import { buildProcessTree } from './process-tree';
import { event, lookupOf } from './testing/events';

const catalog = loadAttackCatalog();
const infer = (events: CanonicalEvent[]) => inferBehaviours({ events, lookup: lookupOf(events), catalog, signals: [] });

interface Proc {
  pid: number;
  image: string;
  user: string;
  ppid: number;
  parentImage: string;
  guid?: string;
  parentGuid?: string;
  host?: string;
  commandLine?: string;
}

function sysmon1(i: number, iso: string, p: Proc): CanonicalEvent {
  return event(i, iso, {
    format: 'sysmon', action: 'process_create', logsource: { product: 'windows', category: 'process_creation' },
    fields: { EventID: 1, User: p.user, ProcessGuid: p.guid ?? '', ParentProcessGuid: p.parentGuid ?? '', Image: p.image, ParentImage: p.parentImage },
    entities: { host: p.host ?? 'APP-07', process: p.image, processId: String(p.pid), parentProcess: p.parentImage, parentProcessId: String(p.ppid), user: p.user, commandLine: p.commandLine ?? p.image },
  });
}

function exit(i: number, iso: string, pid: number, image: string): CanonicalEvent {
  return event(i, iso, { format: 'sysmon', action: 'process_terminate', fields: { EventID: 5 }, entities: { host: 'APP-07', process: image, processId: String(pid) } });
}

const TOOL = 'C:\\ProgramData\\svc\\spool.exe';
const CMD = 'C:\\Windows\\System32\\cmd.exe';

describe('process tree', () => {
  it("finds a child's parent by process id on the same host, the latest creation of that id before the child", () => {
    const old = sysmon1(0, '2026-10-01T08:00:00Z', { pid: 4400, image: TOOL, user: 'CORP\\ana', ppid: 1, parentImage: 'explorer.exe' });
    const reused = sysmon1(1, '2026-10-01T09:00:00Z', { pid: 4400, image: TOOL, user: 'NT AUTHORITY\\LOCAL SERVICE', ppid: 2, parentImage: 'cmd.exe' });
    const child = sysmon1(2, '2026-10-01T09:00:05Z', { pid: 5120, image: CMD, user: 'NT AUTHORITY\\SYSTEM', ppid: 4400, parentImage: TOOL });
    const elsewhere = sysmon1(3, '2026-10-01T09:00:01Z', { pid: 4400, image: TOOL, user: 'CORP\\bo', ppid: 3, parentImage: 'cmd.exe', host: 'WS-11' });
    expect(buildProcessTree([old, reused, child, elsewhere]).parentOf(child)).toBe(reused);
  });

  it('does not take a reused id for the parent when the old process exited or had another image', () => {
    const parent = sysmon1(0, '2026-10-01T09:00:00Z', { pid: 4400, image: TOOL, user: 'NT AUTHORITY\\LOCAL SERVICE', ppid: 2, parentImage: 'cmd.exe' });
    const child = sysmon1(2, '2026-10-01T09:10:00Z', { pid: 5120, image: CMD, user: 'NT AUTHORITY\\SYSTEM', ppid: 4400, parentImage: TOOL });
    expect(buildProcessTree([parent, exit(1, '2026-10-01T09:05:00Z', 4400, TOOL), child]).parentOf(child)).toBeUndefined();
    const renamed = sysmon1(3, '2026-10-01T09:10:00Z', { pid: 5121, image: CMD, user: 'NT AUTHORITY\\SYSTEM', ppid: 4400, parentImage: 'C:\\Windows\\notepad.exe' });
    expect(buildProcessTree([parent, renamed]).parentOf(renamed)).toBeUndefined();
  });

  it('prefers the process GUID over the id, and walks up to the grandparent', () => {
    const w3wp = sysmon1(0, '2026-10-01T09:00:00Z', { pid: 900, image: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', user: 'IIS APPPOOL\\intranet', ppid: 8, parentImage: 'svchost.exe', guid: '{a-1}' });
    const dropped = sysmon1(1, '2026-10-01T09:01:00Z', { pid: 901, image: 'C:\\inetpub\\temp\\upd.exe', user: 'IIS APPPOOL\\intranet', ppid: 77, parentImage: 'w3wp.exe', guid: '{a-2}', parentGuid: '{a-1}' });
    const shell = sysmon1(2, '2026-10-01T09:01:02Z', { pid: 902, image: CMD, user: 'IIS APPPOOL\\intranet', ppid: 901, parentImage: 'C:\\inetpub\\temp\\upd.exe', guid: '{a-3}', parentGuid: '{a-2}' });
    expect(buildProcessTree([w3wp, dropped, shell]).ancestors(shell, 3)).toEqual([dropped, w3wp]);
  });
});

describe('service account to SYSTEM (potato)', () => {
  const tool = sysmon1(0, '2026-10-01T09:00:00Z', { pid: 4400, image: TOOL, user: 'NT AUTHORITY\\LOCAL SERVICE', ppid: 2, parentImage: CMD, commandLine: 'spool.exe -c cmd.exe' });
  const shell = sysmon1(1, '2026-10-01T09:00:03Z', { pid: 5120, image: CMD, user: 'NT AUTHORITY\\SYSTEM', ppid: 4400, parentImage: TOOL });

  it('flags a SYSTEM child of a process that itself runs as LOCAL SERVICE: token impersonation, the parent is the tool', () => {
    const s = infer([tool, shell]).find((x) => x.rule.id === 'lantern.heuristic.service_account_to_system');
    expect(s?.tactics).toContain('Privilege Escalation');
    expect(s?.techniques).toEqual(expect.arrayContaining(['T1134.001', 'T1134.002']));
    expect(s?.eventIndices).toEqual([0, 1]);
    expect(s?.roles).toEqual(expect.arrayContaining([expect.objectContaining({ value: TOOL, role: 'attack_tool' }), expect.objectContaining({ value: 'APP-07', role: 'compromised_host' })]));
  });

  it("reads the parent's account from its other events when its creation is not in the batch", () => {
    const child = sysmon1(1, '2026-10-01T09:00:03Z', { pid: 5120, image: CMD, user: 'NT AUTHORITY\\SYSTEM', ppid: 4400, parentImage: TOOL, parentGuid: '{p-9}' });
    const connection = (user: string): CanonicalEvent => event(0, '2026-10-01T09:00:02Z', { format: 'sysmon', action: 'network_connection', fields: { EventID: 3, User: user, ProcessGuid: '{p-9}' }, entities: { host: 'APP-07', process: TOOL, processId: '4400' } });
    expect(infer([connection('NT AUTHORITY\\NETWORK SERVICE'), child]).find((x) => x.rule.id === 'lantern.heuristic.service_account_to_system')?.roles)
      .toEqual(expect.arrayContaining([expect.objectContaining({ value: TOOL, role: 'attack_tool' })]));
    expect(infer([connection('NT AUTHORITY\\SYSTEM'), child]).find((x) => x.rule.id === 'lantern.heuristic.service_account_to_system')).toBeUndefined();
  });

  it('leaves a SYSTEM parent starting service-account children, and a SYSTEM child whose parent is not in the batch', () => {
    const services = sysmon1(0, '2026-10-01T09:00:00Z', { pid: 600, image: 'C:\\Windows\\System32\\services.exe', user: 'NT AUTHORITY\\SYSTEM', ppid: 500, parentImage: 'wininit.exe' });
    const svchost = sysmon1(1, '2026-10-01T09:00:01Z', { pid: 700, image: 'C:\\Windows\\System32\\svchost.exe', user: 'NT AUTHORITY\\LOCAL SERVICE', ppid: 600, parentImage: 'C:\\Windows\\System32\\services.exe' });
    const signals = infer([services, svchost, sysmon1(2, '2026-10-01T09:00:03Z', { pid: 5120, image: CMD, user: 'NT AUTHORITY\\SYSTEM', ppid: 4400, parentImage: TOOL })]);
    expect(signals.find((x) => x.rule.id === 'lantern.heuristic.service_account_to_system')).toBeUndefined();
  });
});

describe("SYSTEM process started by a user's process", () => {
  const tool = sysmon1(0, '2026-10-01T09:00:00Z', { pid: 4400, image: 'C:\\Users\\ana\\Desktop\\x.exe', user: 'CORP\\ana', ppid: 2, parentImage: CMD });
  const child = (integrity: string): CanonicalEvent => {
    const e = sysmon1(1, '2026-10-01T09:00:03Z', { pid: 5120, image: CMD, user: 'NT AUTHORITY\\SYSTEM', ppid: 4400, parentImage: 'C:\\Users\\ana\\Desktop\\x.exe' });
    return { ...e, fields: { ...e.fields, IntegrityLevel: integrity } };
  };
  const hit = (events: CanonicalEvent[]) => infer(events).find((x) => x.rule.id === 'lantern.heuristic.user_process_to_system');

  it('flags a System-integrity SYSTEM child of a process run by a person (stolen token, kernel exploit)', () => {
    expect(hit([tool, child('System')])?.techniques).toEqual(expect.arrayContaining(['T1134.001', 'T1134.002']));
  });

  it('needs System integrity (a 4688 naming the creator as SYSTEM for a High process is not an escalation)', () => {
    expect(hit([tool, child('High')])).toBeUndefined();
  });
});

describe('shells descending from a server or document application', () => {
  it('flags a shell whose grandparent is the web server (a dropped program in between)', () => {
    const w3wp = sysmon1(0, '2026-10-01T09:00:00Z', { pid: 900, image: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', user: 'IIS APPPOOL\\intranet', ppid: 8, parentImage: 'svchost.exe' });
    const dropped = sysmon1(1, '2026-10-01T09:01:00Z', { pid: 901, image: 'C:\\inetpub\\temp\\upd.exe', user: 'IIS APPPOOL\\intranet', ppid: 900, parentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe' });
    const shell = sysmon1(2, '2026-10-01T09:01:02Z', { pid: 902, image: CMD, user: 'IIS APPPOOL\\intranet', ppid: 901, parentImage: 'C:\\inetpub\\temp\\upd.exe' });
    const s = infer([w3wp, dropped, shell]).find((x) => x.rule.id === 'lantern.heuristic.server_app_shell');
    expect(s?.eventIndices).toEqual([2]);
    expect(s?.roles).toEqual(expect.arrayContaining([expect.objectContaining({ value: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', role: 'exploited_service' })]));
  });

  it('does not climb past a generic runtime (node -> npm -> sh is a developer build)', () => {
    const node = sysmon1(0, '2026-10-01T09:00:00Z', { pid: 10, image: '/usr/bin/node', user: 'dev', ppid: 1, parentImage: '/usr/bin/bash', host: 'build-01' });
    const npm = sysmon1(1, '2026-10-01T09:00:01Z', { pid: 11, image: '/usr/lib/npm/npm-run', user: 'dev', ppid: 10, parentImage: '/usr/bin/node', host: 'build-01' });
    const sh = sysmon1(2, '2026-10-01T09:00:02Z', { pid: 12, image: '/bin/sh', user: 'dev', ppid: 11, parentImage: '/usr/lib/npm/npm-run', host: 'build-01' });
    expect(infer([node, npm, sh]).find((x) => x.rule.id === 'lantern.heuristic.server_app_shell')).toBeUndefined();
  });
});

describe('shell driven over an inbound connection (bind shell)', () => {
  const listener = (process: string): CanonicalEvent => event(0, '2026-10-01T09:00:00Z', {
    format: 'sysmon', action: 'network_connection', fields: { EventID: 3, Initiated: 'false', ProcessGuid: '{b-1}' },
    entities: { host: 'APP-07', srcIp: '10.30.1.9', srcPort: 51234, dstIp: '10.30.1.20', dstPort: 4444, process, processId: '700' },
  });
  const shell = event(1, '2026-10-01T09:00:04Z', {
    format: 'sysmon', action: 'process_create', fields: { EventID: 1, User: 'APP-07\\svc', ParentProcessGuid: '{b-1}' },
    entities: { host: 'APP-07', process: 'C:\\Windows\\System32\\cmd.exe', processId: '701', parentProcess: 'C:\\Users\\Public\\nc.exe', parentProcessId: '700', user: 'APP-07\\svc' },
  });

  it('names the machine that connected to a listener which then started a shell as the attacker', () => {
    const s = infer([listener('C:\\Users\\Public\\nc.exe'), shell]).find((x) => x.rule.id === 'lantern.heuristic.inbound_shell_session');
    expect(s?.techniques).toEqual(['T1095']);
    expect(s?.roles).toEqual(expect.arrayContaining([expect.objectContaining({ value: '10.30.1.9', role: 'attacker' }), expect.objectContaining({ value: 'C:\\Users\\Public\\nc.exe', role: 'attack_tool' })]));
  });

  it('leaves shells under SSH daemons and installed agents, and connections from the host itself', () => {
    expect(infer([listener('/usr/sbin/sshd'), shell]).find((x) => x.rule.id === 'lantern.heuristic.inbound_shell_session')).toBeUndefined();
    expect(infer([listener('C:\\Program Files\\Acme\\agent.exe'), shell]).find((x) => x.rule.id === 'lantern.heuristic.inbound_shell_session')).toBeUndefined();
    const loop = { ...listener('C:\\Users\\Public\\nc.exe'), entities: { ...listener('x').entities, process: 'C:\\Users\\Public\\nc.exe', srcIp: '127.0.0.1' } };
    expect(infer([loop, shell]).find((x) => x.rule.id === 'lantern.heuristic.inbound_shell_session')).toBeUndefined();
  });
});

