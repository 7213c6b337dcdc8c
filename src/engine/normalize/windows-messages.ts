/**
 * EventData fields read back from a Windows event's rendered message, for exports that keep only the
 * message (PowerShell `Get-WinEvent | ConvertTo-Json` writes `Message` and positional `Properties`, no
 * field names). Two message styles:
 * - Sysmon: one `Name: value` line per EventData field, in Sysmon's own names;
 * - Security and System: `Label:<tabs>value` lines under section headers (`Subject:`, `New Logon:`,
 *   `Process Information:`...), mapped here to the EventData names rules use (`TargetUserName`, `LogonType`,
 *   `IpAddress`, `NewProcessName`, `CommandLine`...). The same label means the subject or the target account
 *   depending on its section.
 * Values spread over several lines (privilege and access lists, a scheduled task's XML) are read whole, their
 * lines joined as the EventData value holds them; an access list also gets the message-table codes of the
 * access names Windows renders (`READ_CONTROL` -> `%%1538`), which rules use as often as the names. Fields
 * already present win.
 */
import { setIfMissing } from './paths';
import { accessCodeOf } from './windows-values';

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

/**
 * Labels whose value may go on over the lines below (more names, or the task's XML), and the field each makes.
 * A list ends at a blank line or the next labelled line; a task's XML, whose lines may hold colons, only at a
 * blank line.
 */
const MULTILINE: Readonly<Record<string, string>> = {
  Privileges: 'PrivilegeList',
  'Enabled Privileges': 'EnabledPrivilegeList',
  'Disabled Privileges': 'DisabledPrivilegeList',
  Accesses: 'AccessList',
  'Task Content': 'TaskContent',
  'Task New Content': 'TaskContentNew',
};
const XML_VALUES = new Set(['TaskContent', 'TaskContentNew']);

/** The separator Windows puts between the items of a list in EventData (a line break and the message's indent). */
const LIST_SEPARATOR = '\r\n\t\t\t';

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
  /** The multi-line value being read: its field and its lines so far. */
  let open: { name: string; lines: string[] } | undefined;
  const close = (): void => {
    if (open !== undefined) {
      const lines = trimBlank(open.lines);
      if (lines.length > 0) setIfMissing(into, open.name, multilineValue(open.name, lines));
    }
    open = undefined;
  };
  for (const raw of message.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const m = LABELLED.exec(line);
    if (open !== undefined) {
      if (!endsValue(open, line, m)) {
        // List items lose the message's indent; XML keeps its own.
        open.lines.push(XML_VALUES.has(open.name) ? line : line.trim());
        if (XML_VALUES.has(open.name) && XML_END.test(line)) close();
        continue;
      }
      close();
    }
    if (!m) continue;
    const [, indent, label, value] = m;
    const multiline = MULTILINE[label];
    if (multiline !== undefined) {
      // The value may start on the label's line or on the lines below it (4703's privilege lists).
      open = { name: multiline, lines: value === '' ? [] : [value] };
      continue;
    }
    if (value === '') {
      // A header (unindented), or a label whose value continues on the lines below: neither is a field.
      if (indent === '') section = label;
      continue;
    }
    const name = fieldName(section, label, eventId);
    if (name !== undefined) setIfMissing(into, name, value);
  }
  close();
}

/** The line closing a task's XML. */
const XML_END = /<\/Task>\s*$/;

/**
 * Whether `line` is past a multi-line value: a list ends at a blank line or the next labelled line; a task's XML
 * (which may hold blank lines and colons) at a section header, an unindented label alone on its line.
 */
function endsValue(open: { name: string }, line: string, m: RegExpExecArray | null): boolean {
  if (XML_VALUES.has(open.name)) return m !== null && m[1] === '' && m[3] === '';
  return line.trim() === '' || m !== null;
}

/** The lines without blank ones at either end. */
function trimBlank(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  return lines.slice(start, end);
}

/** A multi-line value as EventData holds it: list items on lines of their own (access names with their codes), XML as written. */
function multilineValue(name: string, lines: string[]): string {
  if (XML_VALUES.has(name)) return lines.join('\r\n');
  if (name !== 'AccessList') return lines.join(LIST_SEPARATOR);
  const codes = lines.map(accessCodeOf).filter((code): code is string => code !== undefined);
  return [...codes, ...lines].join(LIST_SEPARATOR);
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
