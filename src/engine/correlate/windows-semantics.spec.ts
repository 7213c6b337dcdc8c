import type { CanonicalEvent } from '../model';
import { event } from './testing/events';
import { classicValues, EVENT_SEMANTICS, hexValue, imageNameMismatch, pathlessImage, sqlAudit } from './windows-semantics';

function security(index: number, fields: Record<string, unknown>): CanonicalEvent {
  return event(index, '2021-06-10T21:21:26Z', { format: 'windows', fields: { Channel: 'Security', ...fields }, logsource: { product: 'windows', service: 'security' } });
}

function matching(e: CanonicalEvent): string[] {
  return EVENT_SEMANTICS.filter((s) => s.match(e)).map((s) => s.id);
}

describe('Windows event semantics', () => {
  it('reads remote service control and remote task creation from named-pipe access over SMB', () => {
    expect(matching(security(0, { EventID: 5145, ShareName: '\\\\*\\IPC$', RelativeTargetName: 'svcctl', SubjectUserName: 'admmig' }))).toEqual(['smb_svcctl']);
    expect(matching(security(1, { EventID: 5145, ShareName: '\\\\*\\IPC$', RelativeTargetName: 'atsvc', SubjectUserName: 'admmig' }))).toEqual(['smb_atsvc']);
  });

  it('ignores machine accounts using the same pipes', () => {
    expect(matching(security(0, { EventID: 5145, ShareName: '\\\\*\\IPC$', RelativeTargetName: 'svcctl', SubjectUserName: 'FS01$' }))).toEqual([]);
  });

  it('flags LSASS opened by Task Manager but not by the system processes that always touch it', () => {
    const lsass = '\\Device\\HarddiskVolume4\\Windows\\System32\\lsass.exe';
    expect(matching(security(0, { EventID: 4663, ObjectName: lsass, ProcessName: 'C:\\Windows\\System32\\Taskmgr.exe', SubjectUserName: 'Administrator' }))).toEqual(['lsass_access']);
    expect(matching(security(1, { EventID: 4663, ObjectName: lsass, ProcessName: 'C:\\Windows\\System32\\svchost.exe' }))).toEqual([]);
  });

  it('tells a command-line service binary (remote execution) from an ordinary service install', () => {
    const install = (path: string) => event(0, undefined, { format: 'windows', fields: { Channel: 'System', EventID: 7045, ImagePath: path } });
    expect(matching(install('%COMSPEC% /Q /c echo dir > \\\\127.0.0.1\\C$\\__output'))).toEqual(['suspicious_service_installed']);
    expect(matching(install('"C:\\Program Files\\Vendor\\agent.exe" -service'))).toEqual(['service_installed']);
    // A service whose binary is a bare interpreter name (no path, as remote service tools register it).
    expect(matching(install('cmd.exe'))).toEqual(['suspicious_service_installed']);
    expect(matching(install('powershell -nop -w hidden -enc SQBFAFgA'))).toEqual(['suspicious_service_installed']);
    expect(matching(install('C:\\Windows\\System32\\cmdagent.exe'))).toEqual(['service_installed']);
  });

  it('flags a process whose own image carries the internal name of another program, outside the system folders', () => {
    expect(imageNameMismatch('C:\\Users\\bo\\Downloads\\update.exe', 'C:\\Users\\bo\\Downloads\\update.exe', 'procdump')).toBe(true);
    expect(imageNameMismatch('C:\\Users\\bo\\Downloads\\update.exe', 'C:\\Users\\bo\\Downloads\\update.exe', 'UPDATE.EXE')).toBe(false);
    expect(imageNameMismatch('C:\\Users\\bo\\tools\\Agent64.exe', 'C:\\Users\\bo\\tools\\Agent64.exe', 'Agent.exe')).toBe(false);
    // A DLL loaded by the process, and Microsoft's binaries with other internal names, are not the case.
    expect(imageNameMismatch('C:\\Users\\bo\\Downloads\\update.exe', 'C:\\Windows\\System32\\ntdll.dll', 'ntdll.dll')).toBe(false);
    expect(imageNameMismatch('C:\\Windows\\SysWOW64\\Register-CimProvider.exe', 'C:\\Windows\\SysWOW64\\Register-CimProvider.exe', 'Register-CimProvider2.exe')).toBe(false);
    const load = event(0, undefined, { format: 'sysmon', fields: { Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 7, Image: 'C:\\ProgramData\\svc.exe', ImageLoaded: 'C:\\ProgramData\\svc.exe', OriginalFileName: 'mimikatz.exe' } });
    expect(matching(load)).toEqual(['image_name_mismatch']);
  });

  it('reads xp_cmdshell being enabled, not disabled, from SQL Server configuration changes in both export shapes', () => {
    const change = (fields: Record<string, unknown>) => event(0, undefined, { fields: { Channel: 'Application', EventID: 15457, Provider: 'MSSQLSERVER', ...fields } });
    const packed = change({ param1: '<string>xp_cmdshell</string>\n<string>0</string>\n<string>1</string>\n' });
    expect(classicValues(packed)).toEqual(['xp_cmdshell', '0', '1']);
    expect(matching(packed)).toEqual(['sql_xp_cmdshell_enabled']);
    expect(matching(change({ param1: 'xp_cmdshell', param2: '0', param3: '1' }))).toEqual(['sql_xp_cmdshell_enabled']);
    expect(matching(change({ param1: 'xp_cmdshell', param2: '1', param3: '0' }))).toEqual([]);
    expect(matching(change({ param1: 'show advanced options', param2: '0', param3: '1' }))).toEqual([]);
  });

  it('flags memory reads of password managers and remote-access clients by programs outside the system folders', () => {
    const access = (source: string, target: string, granted: string) => event(0, undefined, { format: 'sysmon', fields: { Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 10, SourceImage: source, TargetImage: target, GrantedAccess: granted } });
    expect(matching(access('C:\\Users\\bo\\tvd.exe', 'C:\\Program Files\\TeamViewer\\TeamViewer.exe', '0x1fffff'))).toEqual(['credential_store_process_read']);
    expect(matching(access('C:\\Users\\bo\\tvd.exe', 'C:\\Program Files\\TeamViewer\\TeamViewer.exe', '0x1000'))).toEqual([]);
    expect(matching(access('C:\\Program Files\\TeamViewer\\TeamViewer_Service.exe', 'C:\\Program Files\\TeamViewer\\TeamViewer.exe', '0x1fffff'))).toEqual([]);
    expect(matching(access('C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18\\MsMpEng.exe', 'C:\\Program Files\\KeePass Password Safe 2\\KeePass.exe', '0x1410'))).toEqual([]);
  });

  it('flags a process known only by a bare image name (section-based process tampering), not pseudo-processes', () => {
    expect(pathlessImage('payload.exe')).toBe(true);
    expect(pathlessImage('C:\\Users\\bo\\payload.exe')).toBe(false);
    expect(pathlessImage('MemCompression')).toBe(false);
    expect(pathlessImage('System')).toBe(false);
    expect(pathlessImage('/usr/bin/java')).toBe(false);
    const access = event(0, undefined, { format: 'sysmon', fields: { Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 10, SourceImage: 'C:\\Users\\bo\\loader.exe', TargetImage: 'payload.exe', GrantedAccess: '0x1fffff' } });
    expect(matching(access)).toEqual(['pathless_process_image']);
  });

  it('parses zero-padded hex and SQL Server audit records', () => {
    expect(hexValue('0x00000017')).toBe(0x17);
    expect(hexValue('RC4')).toBeUndefined();
    const audit = event(0, undefined, { fields: { EventID: 33205, param1: '<string>audit_schema_version:1\naction_id:APRL\nclass_type:SG\nstatement:ALTER SERVER ROLE [sysadmin] ADD MEMBER [x]</string>' } });
    expect(sqlAudit(audit)).toEqual({ action: 'APRL', classType: 'SG', statement: 'ALTER SERVER ROLE [sysadmin] ADD MEMBER [x]' });
    expect(matching(audit)).toEqual(['sql_role_member_added']);
  });
});

describe('scheduled tasks', () => {
  it('reads a task created on Windows or by a generic endpoint event as the Windows task scheduler, never a Linux cron job', () => {
    const task = (product: string | undefined) => event(0, '2026-02-09T23:10:00Z', { format: 'generic', action: 'task_create', fields: {}, logsource: product ? { product } : {} });
    expect(matching(task('windows'))).toContain('scheduled_task_created');
    expect(matching(task(undefined))).toContain('scheduled_task_created');
    expect(matching(task('linux'))).not.toContain('scheduled_task_created');
  });
});

describe('LSASS access from Security auditing', () => {
  const lsass = '\\Device\\HarddiskVolume2\\Windows\\System32\\lsass.exe';
  const open = (mask: string) => security(0, { EventID: 4656, ObjectName: lsass, ProcessName: 'C:\\Program Files\\Agent\\agent.exe', AccessMask: mask, SubjectUserName: 'svc-agent' });
  it('flags a handle that can read LSASS memory, not one that only queries or signals it', () => {
    expect(matching(open('0x1410'))).toContain('lsass_access');
    expect(matching(open('0x141'))).not.toContain('lsass_access');
    expect(matching(open('0x1000'))).not.toContain('lsass_access');
  });
});
