/**
 * EventData fields read back from a Windows event's rendered message, for exports that keep only the
 * message (PowerShell `Get-WinEvent | ConvertTo-Json` writes `Message` and positional `Properties`, no
 * field names). Two message styles:
 * - Sysmon: one `Name: value` line per EventData field, in Sysmon's own names;
 * - Security and System: `Label:<tabs>value` lines under section headers (`Subject:`, `New Logon:`,
 *   `Process Information:`...), mapped here to the EventData names rules use (`TargetUserName`, `LogonType`,
 *   `IpAddress`, `NewProcessName`, `CommandLine`...). The same label means the subject or the target account
 *   depending on its section.
 * Values spread over several lines (privilege lists, task XML) are left out. Fields already present win.
 */
import { setIfMissing } from './paths';

/** Sections whose account labels name the subject (who acted). */
const SUBJECT_SECTIONS = new Set(['Subject', 'Creator Subject']);
/** Sections whose account labels name the target (who logged on, was created, was asked a ticket for...). */
const TARGET_SECTIONS = new Set([
  'New Logon',
  'Account For Which Logon Failed',
  'Target Subject',
  'Target Account',
  'Account Information',
  'Account Whose Credentials Were Used',
  'New Account',
  'Logon Account',
]);

const ACCOUNT_LABELS: Readonly<Record<string, string>> = {
  'Security ID': 'UserSid',
  'Account Name': 'UserName',
  'Account Domain': 'DomainName',
  'Logon ID': 'LogonId',
};

/** Labels with one meaning wherever they appear. */
const LABELS: Readonly<Record<string, string>> = {
  'Logon Type': 'LogonType',
  'Elevated Token': 'ElevatedToken',
  'Restricted Admin Mode': 'RestrictedAdminMode',
  'Virtual Account': 'VirtualAccount',
  'Workstation Name': 'WorkstationName',
  'Source Workstation': 'Workstation',
  'Source Network Address': 'IpAddress',
  'Source Port': 'IpPort',
  'Client Address': 'IpAddress',
  'Client Port': 'IpPort',
  'Network Address': 'IpAddress',
  'Logon Process': 'LogonProcessName',
  'Authentication Package': 'AuthenticationPackageName',
  'Package Name (NTLM only)': 'LmPackageName',
  'Key Length': 'KeyLength',
  'Failure Reason': 'FailureReason',
  Status: 'Status',
  'Sub Status': 'SubStatus',
  'New Process ID': 'NewProcessId',
  'New Process Name': 'NewProcessName',
  'Creator Process ID': 'ProcessId',
  'Creator Process Name': 'ParentProcessName',
  'Process Command Line': 'CommandLine',
  'Token Elevation Type': 'TokenElevationType',
  'Mandatory Label': 'MandatoryLabel',
  'Process ID': 'ProcessId',
  'Process Name': 'ProcessName',
  'Service Name': 'ServiceName',
  'Service ID': 'ServiceSid',
  'Service File Name': 'ServiceFileName',
  'Service Type': 'ServiceType',
  'Service Start Type': 'ServiceStartType',
  'Service Account': 'ServiceAccount',
  'Ticket Options': 'TicketOptions',
  'Ticket Encryption Type': 'TicketEncryptionType',
  'Failure Code': 'Status',
  'Result Code': 'Status',
  'Pre-Authentication Type': 'PreAuthType',
  'Supplied Realm Name': 'TargetDomainName',
  'Share Name': 'ShareName',
  'Share Path': 'ShareLocalPath',
  'Relative Target Name': 'RelativeTargetName',
  'Object Server': 'ObjectServer',
  'Object Type': 'ObjectType',
  'Object Name': 'ObjectName',
  'Handle ID': 'HandleId',
  'Access Mask': 'AccessMask',
  'Task Name': 'TaskName',
  'Group Name': 'TargetUserName',
  'Group Domain': 'TargetDomainName',
  'Target Server Name': 'TargetServerName',
  'Additional Information': 'TargetInfo',
};

/** System 7045 names the service's fields as the Service Control Manager writes them. */
const SERVICE_INSTALLED: Readonly<Record<string, string>> = {
  'Service Name': 'ServiceName',
  'Service File Name': 'ImagePath',
  'Service Type': 'ServiceType',
  'Service Start Type': 'StartType',
  'Service Account': 'AccountName',
};

/** `Label:<spaces or tabs>value`, optionally indented; a header is a label alone. */
const LABELLED = /^(\s*)([A-Za-z][A-Za-z0-9 ()/'-]*?):\s*(.*)$/;

/** A Sysmon message line: `Name: value`. */
const SYSMON_LINE = /^([A-Za-z][A-Za-z0-9]*): ?(.*)$/;

/** Sysmon's rendered message: `Name: value` lines in Sysmon's EventData names. */
export function sysmonMessageFields(message: string, into: Record<string, unknown>): void {
  for (const line of message.split(/\r?\n/)) {
    const m = SYSMON_LINE.exec(line);
    if (m) setIfMissing(into, m[1], m[2]);
  }
}

/** A Security or System event's rendered message: labelled lines under section headers. */
export function labelledMessageFields(message: string, eventId: number | undefined, into: Record<string, unknown>): void {
  let section = '';
  for (const raw of message.split(/\r?\n/)) {
    const m = LABELLED.exec(raw.trimEnd());
    if (!m) continue;
    const [, indent, label, value] = m;
    if (value === '') {
      // A header (unindented), or a label whose value continues on the lines below: neither is a field.
      if (indent === '') section = label;
      continue;
    }
    const name = fieldName(section, label, eventId);
    if (name !== undefined) setIfMissing(into, name, value);
  }
}

function fieldName(section: string, label: string, eventId: number | undefined): string | undefined {
  if (eventId === 7045 && SERVICE_INSTALLED[label]) return SERVICE_INSTALLED[label];
  const account = ACCOUNT_LABELS[label];
  if (account !== undefined) {
    if (SUBJECT_SECTIONS.has(section)) return `Subject${account}`;
    if (TARGET_SECTIONS.has(section)) return `Target${account}`;
    if (section === 'Member') return label === 'Security ID' ? 'MemberSid' : label === 'Account Name' ? 'MemberName' : undefined;
    if (section === 'Group' && label === 'Security ID') return 'TargetSid';
    return undefined;
  }
  return LABELS[label];
}
