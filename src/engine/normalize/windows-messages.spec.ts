import { normalizeEvent } from './normalize';
import { labelledMessageFields, sysmonMessageFields } from './windows-messages';
import { renderAccessList } from './windows-values';

const PROCESS_CREATED = [
  'A new process has been created.',
  '',
  'Creator Subject:',
  '\tSecurity ID:\t\tS-1-5-21-1-2-3-1104',
  '\tAccount Name:\t\talice',
  '\tAccount Domain:\t\tCORP',
  '\tLogon ID:\t\t0x3E7A1',
  '',
  'Target Subject:',
  '\tSecurity ID:\t\tS-1-0-0',
  '\tAccount Name:\t\t-',
  '\tAccount Domain:\t\t-',
  '\tLogon ID:\t\t0x0',
  '',
  'Process Information:',
  '\tNew Process ID:\t\t0x1a2b',
  '\tNew Process Name:\tC:\\Windows\\System32\\whoami.exe',
  '\tToken Elevation Type:\t%%1936',
  '\tMandatory Label:\t\tS-1-16-12288',
  '\tCreator Process ID:\t0x1234',
  '\tCreator Process Name:\tC:\\Windows\\System32\\cmd.exe',
  '\tProcess Command Line:\twhoami /all',
  '',
  'Token Elevation Type indicates the type of token that was assigned to the new process in accordance with User Account Control policy.',
].join('\r\n');

const LOGON_FAILED = [
  'An account failed to log on.',
  '',
  'Subject:',
  '\tSecurity ID:\t\tS-1-0-0',
  '\tAccount Name:\t\t-',
  '',
  'Logon Type:\t\t\t3',
  '',
  'Account For Which Logon Failed:',
  '\tSecurity ID:\t\tS-1-0-0',
  '\tAccount Name:\t\tadministrator',
  '\tAccount Domain:\t\t',
  '',
  'Failure Information:',
  '\tFailure Reason:\t\tUnknown user name or bad password.',
  '\tStatus:\t\t\t0xC000006D',
  '\tSub Status:\t\t0xC000006A',
  '',
  'Network Information:',
  '\tWorkstation Name:\tKALI',
  '\tSource Network Address:\t185.220.101.42',
  '\tSource Port:\t\t0',
  '',
  'Detailed Authentication Information:',
  '\tLogon Process:\t\tNtLmSsp ',
  '\tAuthentication Package:\tNTLM',
].join('\r\n');

describe('EventData read back from rendered Windows messages', () => {
  it('reads a 4688 message: subject and target accounts by section, the process fields by label', () => {
    const fields: Record<string, unknown> = {};
    labelledMessageFields(PROCESS_CREATED, 4688, fields);
    expect(fields).toEqual({
      SubjectUserSid: 'S-1-5-21-1-2-3-1104',
      SubjectUserName: 'alice',
      SubjectDomainName: 'CORP',
      SubjectLogonId: '0x3E7A1',
      TargetUserSid: 'S-1-0-0',
      TargetUserName: '-',
      TargetDomainName: '-',
      TargetLogonId: '0x0',
      NewProcessId: '0x1a2b',
      NewProcessName: 'C:\\Windows\\System32\\whoami.exe',
      TokenElevationType: '%%1936',
      MandatoryLabel: 'S-1-16-12288',
      ProcessId: '0x1234',
      ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'whoami /all',
    });
  });

  it('reads a 4625 message: the failed account, logon type, failure codes and network source; empty values stay absent', () => {
    const fields: Record<string, unknown> = { TargetUserName: 'kept' };
    labelledMessageFields(LOGON_FAILED, 4625, fields);
    expect(fields).toMatchObject({ TargetUserName: 'kept', LogonType: '3', Status: '0xC000006D', SubStatus: '0xC000006A', WorkstationName: 'KALI', IpAddress: '185.220.101.42', IpPort: '0', LogonProcessName: 'NtLmSsp', AuthenticationPackageName: 'NTLM', SubjectUserName: '-' });
    expect(fields).not.toHaveProperty('TargetDomainName');
  });

  it('names the fields of a 7045 service installation as the Service Control Manager does, and group members by section', () => {
    const service: Record<string, unknown> = {};
    labelledMessageFields('A service was installed in the system.\r\n\r\nService Name:  PSEXESVC\r\nService File Name:  %SystemRoot%\\PSEXESVC.exe\r\nService Type:  user mode service\r\nService Start Type:  demand start\r\nService Account:  LocalSystem', 7045, service);
    expect(service).toEqual({ ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe', ServiceType: 'user mode service', StartType: 'demand start', AccountName: 'LocalSystem' });
    const member: Record<string, unknown> = {};
    labelledMessageFields('A member was added to a security-enabled local group.\r\n\r\nSubject:\r\n\tAccount Name:\t\tadmin\r\n\r\nMember:\r\n\tSecurity ID:\t\tS-1-5-21-1-2-3-1105\r\n\tAccount Name:\t\t-\r\n\r\nGroup:\r\n\tSecurity ID:\t\tS-1-5-32-544\r\n\tGroup Name:\t\tAdministrators\r\n\tGroup Domain:\t\tBuiltin', 4732, member);
    expect(member).toEqual({ SubjectUserName: 'admin', MemberSid: 'S-1-5-21-1-2-3-1105', MemberName: '-', TargetSid: 'S-1-5-32-544', TargetUserName: 'Administrators', TargetDomainName: 'Builtin' });
  });

  it('reads values spread over several lines: privilege and access lists, a scheduled task\'s XML', () => {
    const privileges: Record<string, unknown> = {};
    labelledMessageFields('Special privileges assigned to new logon.\r\n\r\nSubject:\r\n\tSecurity ID:\t\tS-1-5-18\r\n\tAccount Name:\t\tSYSTEM\r\n\r\nPrivileges:\t\tSeAssignPrimaryTokenPrivilege\r\n\t\t\tSeTcbPrivilege\r\n\t\t\tSeDebugPrivilege', 4672, privileges);
    expect(privileges).toEqual({ SubjectUserSid: 'S-1-5-18', SubjectUserName: 'SYSTEM', PrivilegeList: 'SeAssignPrimaryTokenPrivilege\r\n\t\t\tSeTcbPrivilege\r\n\t\t\tSeDebugPrivilege' });
    const access: Record<string, unknown> = {};
    labelledMessageFields(
      'An attempt was made to access an object.\r\n\r\nObject:\r\n\tObject Name:\t\tC:\\secret.txt\r\n\r\nAccess Request Information:\r\n\tAccesses:\t\tREAD_CONTROL\r\n\t\t\t\tWriteData (or AddFile)\r\n\t\t\t\tSome Right Without A Code\r\n\t\t\t\t\r\n\tAccess Mask:\t\t0x20002',
      4663,
      access,
    );
    expect(access).toEqual({ ObjectName: 'C:\\secret.txt', AccessList: '%%1538\r\n\t\t\t%%4417\r\n\t\t\tREAD_CONTROL\r\n\t\t\tWriteData (or AddFile)\r\n\t\t\tSome Right Without A Code', AccessMask: '0x20002' });
    const task: Record<string, unknown> = {};
    const xml = ['<?xml version="1.0" encoding="UTF-16"?>', '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">', '  <Actions Context="Author">', '    <Exec>', '      <Command>C:\\Users\\Public\\upd.exe</Command>', '    </Exec>', '  </Actions>', '</Task>'];
    labelledMessageFields(`A scheduled task was created.\r\n\r\nTask Information:\r\n\tTask Name: \t\t\\Updater\r\n\tTask Content: \t\t${xml.join('\r\n')}\r\n\r\nOther Information:\r\n\tProcessCreationTime: \t\t844424930132069`, 4698, task);
    expect(task).toEqual({ TaskName: '\\Updater', TaskContent: xml.join('\r\n') });
    // A blank line inside the XML (a description's paragraphs) does not end it: the closing tag does.
    const described = [...xml.slice(0, 2), '  <RegistrationInfo>', '    <Description>Keeps it current.', '', 'See vendor docs.</Description>', '  </RegistrationInfo>', ...xml.slice(2)];
    const task2: Record<string, unknown> = {};
    labelledMessageFields(`A scheduled task was created.\r\n\r\nTask Information:\r\n\tTask Content: \t\t${described.join('\r\n')}\r\n\r\nOther Information:\r\n\tProcessCreationTime: \t\t1`, 4698, task2);
    expect(task2).toEqual({ TaskContent: described.join('\r\n') });
  });

  it('gives process access rights their codes, as SigmaHQ\'s LSASS rules look for them (4656, message only)', () => {
    const fields: Record<string, unknown> = {};
    labelledMessageFields(
      'A handle to an object was requested.\r\n\r\nSubject:\r\n\tAccount Name:\t\tadmin\r\n\r\nObject:\r\n\tObject Server:\t\tSecurity\r\n\tObject Type:\t\tProcess\r\n\tObject Name:\t\t\\Device\\HarddiskVolume3\\Windows\\System32\\lsass.exe\r\n\r\nProcess Information:\r\n\tProcess ID:\t\t0x1a2c\r\n\tProcess Name:\t\tC:\\Users\\x\\dump.exe\r\n\r\nAccess Request Information:\r\n\tAccesses:\t\tRead from process memory\r\n\t\t\t\tQuery process information\r\n\t\t\t\t\r\n\tAccess Mask:\t\t0x1410',
      4656,
      fields,
    );
    expect(fields).toMatchObject({ ObjectType: 'Process', ProcessName: 'C:\\Users\\x\\dump.exe', AccessMask: '0x1410' });
    expect(String(fields.AccessList).split(/\s*\r\n\t*/)).toEqual(['%%4484', '%%4490', 'Read from process memory', 'Query process information']);
    // And the other way: an export with the codes gets the names, as Windows renders them.
    expect(renderAccessList('%%4484\r\n\t\t\t\t')).toBe('%%4484 Read from process memory');
  });

  it('reads a list that starts on the line below its label (4703 token rights adjusted)', () => {
    const fields: Record<string, unknown> = {};
    labelledMessageFields(
      'A token right was adjusted.\r\n\r\nEnabled Privileges:\r\n\t\t\tSeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\r\nDisabled Privileges:\r\n\t\t\t-\r\n\r\nProcess Information:\r\n\tProcess ID:\t\t0x1f4\r\n\tProcess Name:\t\tC:\\Windows\\System32\\svchost.exe',
      4703,
      fields,
    );
    expect(fields).toEqual({ EnabledPrivilegeList: 'SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege', DisabledPrivilegeList: '-', ProcessId: '0x1f4', ProcessName: 'C:\\Windows\\System32\\svchost.exe' });
  });

  it("reads Sysmon's Name: value lines as they are", () => {
    const fields: Record<string, unknown> = {};
    sysmonMessageFields('Process Create:\r\nRuleName: -\r\nImage: C:\\Windows\\System32\\whoami.exe\r\nCommandLine: whoami /all', fields);
    expect(fields).toEqual({ RuleName: '-', Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all' });
  });

  it('gives a Get-WinEvent Security export the Sigma fields rules read (4688 process creation)', () => {
    const ev = normalizeEvent({ Message: PROCESS_CREATED, Id: 4688, ProviderName: 'Microsoft-Windows-Security-Auditing', LogName: 'Security', MachineName: 'ws1', TimeCreated: '/Date(1709287200000)/' }, 0, 'x');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'security', category: 'process_creation' });
    expect(ev.fields).toMatchObject({ Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all', ParentImage: 'C:\\Windows\\System32\\cmd.exe' });
  });
});
