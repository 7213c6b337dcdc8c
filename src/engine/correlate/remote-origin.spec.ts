import { loadAttackCatalog } from '../attack';
import type { CanonicalEvent } from '../model';
import { buildProcessTree } from './process-tree';
import { remoteOriginExecution } from './remote-origin';
import { event, lookupOf } from './testing/events';

const catalog = loadAttackCatalog();
const infer = (events: CanonicalEvent[], flagged: number[] = []) =>
  remoteOriginExecution({ events, lookup: lookupOf(events), catalog, tree: buildProcessTree(events), flagged: new Set(flagged) });

const HOST = 'FIN-APP-03.corp.example';

function networkLogon(i: number, iso: string, user: string, ip: string, logonId = '0x5a1f2'): CanonicalEvent {
  return event(i, iso, {
    format: 'windows', action: 'logon', outcome: 'success', logsource: { product: 'windows', service: 'security' },
    fields: { EventID: 4624, Channel: 'Security', LogonType: 3, TargetLogonId: logonId, TargetUserName: user.split('\\').pop() },
    entities: { user, targetUser: user, srcIp: ip, srcHost: 'WS-22', host: HOST },
  });
}

function taskCreated(i: number, iso: string, user: string, logonId = '0x5a1f2'): CanonicalEvent {
  return event(i, iso, {
    format: 'windows', action: 'scheduled_task_create', logsource: { product: 'windows', service: 'security' },
    fields: { EventID: 4698, Channel: 'Security', SubjectUserName: user, SubjectLogonId: logonId, TaskName: '\\Updater' },
    entities: { user, host: HOST, task: '\\Updater' },
  });
}

function inbound(i: number, iso: string, ip: string, port: number, initiated = 'false'): CanonicalEvent {
  return event(i, iso, {
    format: 'sysmon', action: 'network_connection', logsource: { product: 'windows', category: 'network_connection' },
    fields: { EventID: 3, Initiated: initiated, SourceHostname: 'WS-22' },
    entities: { host: HOST, srcIp: initiated === 'false' ? ip : '10.20.0.15', dstIp: initiated === 'false' ? '10.20.0.15' : ip, dstPort: port, srcHost: 'WS-22', process: 'C:\\Windows\\System32\\svchost.exe', user: 'NT AUTHORITY\\NETWORK SERVICE' },
  });
}

function wmiChild(i: number, iso: string, user: string, image = 'C:\\Windows\\System32\\cmd.exe'): CanonicalEvent {
  return event(i, iso, {
    format: 'sysmon', action: 'process_create', logsource: { product: 'windows', category: 'process_creation' },
    fields: { EventID: 1, User: user, LogonId: '0x77c1' },
    entities: { host: HOST, process: image, processId: '4100', parentProcess: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe', parentProcessId: '3300', user, commandLine: `${image} /c whoami` },
  });
}

describe('remote origin of an execution', () => {
  it('calls a task created in the session of a network logon from another host lateral movement from that host', () => {
    const [s] = infer([networkLogon(0, '2026-11-02T10:00:00Z', 'CORP\\dora', '10.20.7.41'), taskCreated(1, '2026-11-02T10:00:01Z', 'dora')]);
    expect(s.rule.id).toBe('lantern.heuristic.remote_task_execution');
    expect(s.tactics).toContain('Lateral Movement');
    expect(s.techniques).toEqual(expect.arrayContaining(['T1021', 'T1053.005']));
    expect(s.roles).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'ip', value: '10.20.7.41', role: 'attacker' }),
      expect.objectContaining({ type: 'host', value: 'WS-22', role: 'attacker' }),
      expect.objectContaining({ type: 'user', value: 'CORP\\dora', role: 'compromised_account' }),
      expect.objectContaining({ type: 'host', value: HOST, role: 'compromised_host' }),
    ]));
  });

  it('leaves a task created in another session, by a machine account, from the host itself, or long after the logon', () => {
    expect(infer([networkLogon(0, '2026-11-02T10:00:00Z', 'CORP\\dora', '10.20.7.41'), taskCreated(1, '2026-11-02T10:00:01Z', 'dora', '0x9999')])).toEqual([]);
    expect(infer([networkLogon(0, '2026-11-02T10:00:00Z', 'CORP\\WS-22$', '10.20.7.41'), taskCreated(1, '2026-11-02T10:00:01Z', 'WS-22$')])).toEqual([]);
    expect(infer([networkLogon(0, '2026-11-02T10:00:00Z', 'CORP\\dora', '::1'), taskCreated(1, '2026-11-02T10:00:01Z', 'dora')])).toEqual([]);
    const ownAddress = inbound(2, '2026-11-02T09:59:00Z', '10.20.0.99', 443, 'true');
    expect(infer([ownAddress, networkLogon(0, '2026-11-02T10:00:00Z', 'CORP\\dora', '10.20.0.15'), taskCreated(1, '2026-11-02T10:00:01Z', 'dora')])).toEqual([]);
    expect(infer([networkLogon(0, '2026-11-02T10:00:00Z', 'CORP\\dora', '10.20.7.41'), taskCreated(1, '2026-11-02T10:30:00Z', 'dora')])).toEqual([]);
    const selfLogon = { ...networkLogon(0, '2026-11-02T10:00:00Z', 'CORP\\dora', '10.20.0.15'), entities: { user: 'CORP\\dora', targetUser: 'CORP\\dora', srcIp: '10.20.0.15', srcHost: 'FIN-APP-03', host: HOST } };
    expect(infer([selfLogon, taskCreated(1, '2026-11-02T10:00:01Z', 'dora')])).toEqual([]);
  });

  it('joins a shell started by the WMI provider host with an inbound RPC connection just before: WMI lateral movement', () => {
    const [s] = infer([inbound(0, '2026-11-02T10:00:00Z', '10.20.7.41', 135), wmiChild(1, '2026-11-02T10:00:20Z', 'CORP\\dora')]);
    expect(s.rule.id).toBe('lantern.heuristic.remote_wmi_execution');
    expect(s.techniques).toEqual(expect.arrayContaining(['T1021', 'T1047']));
    expect(s.roles).toEqual(expect.arrayContaining([expect.objectContaining({ value: '10.20.7.41', role: 'attacker' })]));
  });

  it('leaves WMI children run as SYSTEM, ones long after the connection, and connections to other ports', () => {
    expect(infer([inbound(0, '2026-11-02T10:00:00Z', '10.20.7.41', 135), wmiChild(1, '2026-11-02T10:00:20Z', 'NT AUTHORITY\\SYSTEM')])).toEqual([]);
    expect(infer([inbound(0, '2026-11-02T10:00:00Z', '10.20.7.41', 135), wmiChild(1, '2026-11-02T10:09:00Z', 'CORP\\dora')])).toEqual([]);
    expect(infer([inbound(0, '2026-11-02T10:00:00Z', '10.20.7.41', 443), wmiChild(1, '2026-11-02T10:00:20Z', 'CORP\\dora')])).toEqual([]);
  });

  it('takes a flagged registry write by the WMI provider host after an inbound RPC connection as remote WMI, an unflagged one not', () => {
    const write = event(1, '2026-11-02T10:00:02Z', {
      format: 'sysmon', action: 'registry_set', fields: { EventID: 13 },
      entities: { host: HOST, process: 'C:\\Windows\\system32\\wbem\\wmiprvse.exe', processId: '3300', registryKey: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\upd' },
    });
    const connection = inbound(0, '2026-11-02T10:00:00Z', '10.20.7.41', 135);
    expect(infer([connection, write], [1])[0]?.summary).toContain('wrote HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\upd');
    expect(infer([connection, write])).toEqual([]);
  });

  it('does not tie a shell a scheduled task ran to an inbound connection that names no account', () => {
    const taskShell = event(1, '2026-11-02T10:00:05Z', {
      format: 'sysmon', action: 'process_create', logsource: { product: 'windows', category: 'process_creation' }, fields: { EventID: 1, User: 'CORP\\svc_maint' },
      entities: { host: HOST, process: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', parentProcess: 'C:\\Windows\\System32\\svchost.exe', parentCommandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule', user: 'CORP\\svc_maint' },
    });
    expect(infer([inbound(0, '2026-11-02T10:00:00Z', '10.20.7.41', 445), taskShell])).toEqual([]);
  });

  it('ties a shell the service manager started to a caller that just used the service-control pipe, not to any network logon', () => {
    const serviceShell = event(2, '2026-11-02T10:00:06Z', {
      format: 'sysmon', action: 'process_create', logsource: { product: 'windows', category: 'process_creation' }, fields: { EventID: 1, User: 'NT AUTHORITY\\SYSTEM' },
      entities: { host: HOST, process: 'C:\\Windows\\System32\\cmd.exe', parentProcess: 'C:\\Windows\\System32\\services.exe', user: 'NT AUTHORITY\\SYSTEM', commandLine: 'cmd.exe /Q /c echo whoami > \\\\127.0.0.1\\C$\\__output' },
    });
    const pipe = event(1, '2026-11-02T10:00:04Z', {
      format: 'windows', logsource: { product: 'windows', service: 'security' },
      fields: { EventID: 5145, SubjectUserName: 'dora', SubjectLogonId: '0x5a1f2', ShareName: '\\\\*\\IPC$', RelativeTargetName: 'svcctl' },
      entities: { user: 'dora', srcIp: '10.20.7.41', host: HOST },
    });
    expect(infer([networkLogon(0, '2026-11-02T10:00:00Z', 'CORP\\dora', '10.20.7.41'), serviceShell])).toEqual([]);
    const [s] = infer([networkLogon(0, '2026-11-02T10:00:00Z', 'CORP\\dora', '10.20.7.41'), pipe, serviceShell]);
    expect(s.rule.id).toBe('lantern.heuristic.remote_service_program');
    expect(s.techniques).toEqual(expect.arrayContaining(['T1021.002', 'T1569.002']));
  });

  it('leaves a routine service program started after a network logon', () => {
    const svc = event(1, '2026-11-02T10:00:05Z', {
      format: 'sysmon', action: 'process_create', logsource: { product: 'windows', category: 'process_creation' }, fields: { EventID: 1, User: 'NT AUTHORITY\\SYSTEM' },
      entities: { host: HOST, process: 'C:\\Program Files\\Agent\\agent.exe', parentProcess: 'C:\\Windows\\System32\\services.exe', user: 'NT AUTHORITY\\SYSTEM' },
    });
    expect(infer([networkLogon(0, '2026-11-02T10:00:00Z', 'CORP\\dora', '10.20.7.41'), svc])).toEqual([]);
  });

  it('reads the remote side of an accepted connection whichever side Sysmon calls Source, and calls a shell under a DCOM server lateral movement', () => {
    // Older Sysmon puts the local listener as Source (named like the host) and the remote peer as Destination.
    const accepted = event(0, '2026-11-02T10:00:00Z', {
      format: 'sysmon', action: 'network_connection', fields: { EventID: 3, Initiated: 'false', SourceHostname: 'FIN-APP-03' },
      entities: { host: HOST, srcIp: '10.20.0.15', srcPort: 49163, dstIp: '10.20.7.41', dstPort: 40112, process: 'C:\\Windows\\System32\\mmc.exe', user: 'CORP\\dora' },
    });
    const shell = event(1, '2026-11-02T10:00:01Z', {
      format: 'sysmon', action: 'process_create', logsource: { product: 'windows', category: 'process_creation' }, fields: { EventID: 1, User: 'CORP\\dora' },
      entities: { host: HOST, process: 'C:\\Windows\\System32\\cmd.exe', parentProcess: 'C:\\Windows\\System32\\mmc.exe', parentCommandLine: 'C:\\Windows\\system32\\mmc.exe -Embedding', user: 'CORP\\dora', commandLine: 'cmd.exe /Q /c whoami' },
    });
    const [s] = infer([accepted, shell]);
    expect(s.rule.id).toBe('lantern.heuristic.remote_dcom_execution');
    expect(s.techniques).toEqual(['T1021.003']);
    expect(s.roles).toEqual(expect.arrayContaining([expect.objectContaining({ value: '10.20.7.41', role: 'attacker' })]));
    expect(s.roles.some((r) => r.value === '10.20.0.15')).toBe(false);
    const local = { ...shell, entities: { ...shell.entities, parentCommandLine: 'C:\\Windows\\system32\\mmc.exe compmgmt.msc' } };
    expect(infer([accepted, local])).toEqual([]);
  });

  it('calls a shell started by a Windows program that a remote client just called on a dynamic RPC port DCOM lateral movement (ShellWindows)', () => {
    const call = event(0, '2026-11-02T10:00:00Z', {
      format: 'sysmon', action: 'network_connection', fields: { EventID: 3, Initiated: 'false', ProcessGuid: '{e-1}' },
      entities: { host: HOST, srcIp: '10.20.7.41', srcPort: 40200, dstIp: '10.20.0.15', dstPort: 49702, process: 'C:\\Windows\\explorer.exe', processId: '3100', user: 'CORP\\dora' },
    });
    const shell = event(1, '2026-11-02T10:00:02Z', {
      format: 'sysmon', action: 'process_create', logsource: { product: 'windows', category: 'process_creation' }, fields: { EventID: 1, User: 'CORP\\dora', ParentProcessGuid: '{e-1}' },
      entities: { host: HOST, process: 'C:\\Windows\\System32\\cmd.exe', parentProcess: 'C:\\Windows\\explorer.exe', parentProcessId: '3100', user: 'CORP\\dora', commandLine: 'cmd.exe /c whoami' },
    });
    expect(infer([call, shell])[0]?.rule.id).toBe('lantern.heuristic.remote_dcom_execution');
    expect(infer([shell])).toEqual([]);
    const webPort = { ...call, entities: { ...call.entities, dstPort: 8080 } };
    expect(infer([webPort, shell])).toEqual([]);
  });
});

