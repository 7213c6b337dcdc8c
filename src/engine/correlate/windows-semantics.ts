import type { CanonicalEvent } from '../model';
import { userKey } from './entities';
import { eventId, field } from './event-kinds';

/**
 * Windows audit events whose occurrence is itself the behaviour (Microsoft's event documentation,
 * not any sample's labels): a remote service opened through the svcctl pipe, LSASS memory read,
 * a Run key written. They fill gaps where Sigma rules expect rendered text that raw EVTX exports
 * lack (access masks as %%codes, zero-padded hex) or where no rule exists.
 */
export interface EventSemantic {
  id: string;
  /** Only reported when at least this many events match (default 1). */
  minCount?: number;
  /** Event ids the semantic can match (checked first, cheaply); absent: any event. */
  ids?: number[];
  title: string;
  level: 'low' | 'medium' | 'high';
  tags: string[];
  /** Role of the acting account, if the behaviour implies one. */
  actorRole?: string;
  match(e: CanonicalEvent): boolean;
}

/** cron and at jobs are T1053.003 / .002, found by the Linux rules; this heuristic is Windows' task scheduler. */
const UNIX_PRODUCTS = new Set(['linux', 'macos', 'unix', 'freebsd', 'openbsd', 'solaris', 'aix']);
const lower = (e: CanonicalEvent, ...names: string[]): string => field(e, ...names).toLowerCase();
const id = (e: CanonicalEvent): number => eventId(e) ?? -1;
const security = (e: CanonicalEvent): boolean => ['', 'security'].includes(lower(e, 'Channel'));
const system = (e: CanonicalEvent): boolean => lower(e, 'Channel') === 'system';
const sysmon = (e: CanonicalEvent): boolean => e.format === 'sysmon' || lower(e, 'Channel').includes('sysmon');
const byPerson = (e: CanonicalEvent): boolean => {
  const subject = field(e, 'SubjectUserName') || e.entities.user;
  return !!userKey(subject) && !subject?.endsWith('$');
};
const pipe = (e: CanonicalEvent, names: string[]): boolean =>
  id(e) === 5145 && security(e) && lower(e, 'ShareName').endsWith('ipc$') && names.includes(lower(e, 'RelativeTargetName')) && byPerson(e);

/** Hex fields come rendered (0x17) or zero-padded (0x00000017) depending on the export. */
export function hexValue(text: string): number | undefined {
  const m = /^0x([0-9a-f]+)$/i.exec(text.trim());
  return m ? parseInt(m[1], 16) : undefined;
}

const PROCESS_VM_READ = 0x10;
const SYSTEM_LSASS_READERS = /\\(?:lsass|csrss|wininit|services|svchost|msmpeng|mssense|wmiprvse|taskhostw|vmtoolsd|lsaiso|sense\w*)\.exe$/i;
const RUN_KEY = /\\software\\(?:wow6432node\\)?microsoft\\windows\\currentversion\\(?:run|runonce|runservices|policies\\explorer\\run)(?:\\|$)/i;
const WINLOGON = /\\microsoft\\windows nt\\currentversion\\winlogon\\(?:userinit|shell|notify)/i;
const IFEO = /\\image file execution options\\[^\\]+\\(?:debugger|globalflag)$/i;
const BROWSER_STORE = /\\(?:google\\chrome|microsoft\\edge|bravesoftware\\brave-browser|opera software)\\.*\\(?:login data|web data|cookies|local state)$|\\mozilla\\firefox\\profiles\\.*\\(?:logins\.json|key[34]\.db|cookies\.sqlite)$/i;
const SUSPICIOUS_SERVICE_PATH = /cmd(?:\.exe)?\s+\/c|^"?(?:cmd|powershell|pwsh|mshta|rundll32|regsvr32|wscript|cscript)(?:\.exe)?"?(?:\s|$)|powershell|%comspec%|\\admin\$|\\temp\\|\\users\\public\\|\\appdata\\|rundll32|mshta|\\\\127\.0\.0\.1\\|^%systemroot%\\[a-z0-9]{8}\.exe$|^c:\\windows\\[a-z0-9]{6,10}\.exe$/i;

export const EVENT_SEMANTICS: EventSemantic[] = [
  { id: 'smb_svcctl', ids: [5145], title: 'Remote service control over SMB (svcctl named pipe)', level: 'medium', tags: ['attack.lateral-movement', 'attack.t1021.002', 'attack.execution', 'attack.t1569.002'], actorRole: 'compromised_account', match: (e) => pipe(e, ['svcctl']) },
  { id: 'smb_atsvc', ids: [5145], title: 'Remote scheduled task over SMB (atsvc named pipe)', level: 'medium', tags: ['attack.execution', 'attack.t1053.005', 'attack.lateral-movement', 'attack.t1021.002'], actorRole: 'compromised_account', match: (e) => pipe(e, ['atsvc']) },
  { id: 'smb_recon_pipes', ids: [5145], title: 'Remote account or share enumeration over SMB (samr/lsarpc/srvsvc)', level: 'low', tags: ['attack.discovery', 'attack.t1087.002', 'attack.t1135'], match: (e) => pipe(e, ['samr', 'lsarpc', 'srvsvc']) },
  { id: 'smb_admin_share_write', ids: [5145], title: 'File written to an administrative share', level: 'medium', tags: ['attack.lateral-movement', 'attack.t1021.002', 'attack.t1570'], actorRole: 'compromised_account',
    match: (e) => id(e) === 5145 && security(e) && /\\(?:admin|c)\$$/i.test(field(e, 'ShareName')) && /%%4417|writedata/i.test(field(e, 'AccessList', 'Accesses')) && /\.(?:exe|dll|bat|ps1|vbs|sys)$/i.test(field(e, 'RelativeTargetName')) && byPerson(e) },
  { id: 'lsass_access', ids: [4663, 4656, 10], title: 'LSASS process memory opened by a non-system process', level: 'high', tags: ['attack.credential-access', 'attack.t1003.001'], actorRole: 'compromised_account',
    match: (e) => {
      const target = lower(e, 'ObjectName', 'TargetImage');
      if (!target.endsWith('\\lsass.exe')) return false;
      const reader = field(e, 'ProcessName', 'SourceImage');
      if (!reader || SYSTEM_LSASS_READERS.test(reader)) return false;
      if (sysmon(e) && id(e) === 10) {
        const access = hexValue(field(e, 'GrantedAccess')) ?? 0;
        return (access & PROCESS_VM_READ) !== 0;
      }
      if (!((id(e) === 4663 || id(e) === 4656) && security(e))) return false;
      // Agents and the OS open LSASS to query or signal it; dumping its memory needs the read right.
      const mask = hexValue(field(e, 'AccessMask'));
      return mask === undefined || (mask & PROCESS_VM_READ) !== 0;
    } },
  { id: 'service_installed', title: 'Service installed', level: 'low', tags: ['attack.persistence', 'attack.t1543.003'],
    match: (e) => ((id(e) === 7045 && system(e)) || (id(e) === 4697 && security(e)) || e.action === 'service_install') && !SUSPICIOUS_SERVICE_PATH.test(field(e, 'ImagePath', 'ServiceFileName')) },
  { id: 'suspicious_service_installed', title: 'Service installed with a command-line or temporary binary (remote execution pattern)', level: 'high', tags: ['attack.persistence', 'attack.t1543.003', 'attack.execution', 'attack.t1569.002'],
    match: (e) => ((id(e) === 7045 && system(e)) || (id(e) === 4697 && security(e)) || e.action === 'service_install') && SUSPICIOUS_SERVICE_PATH.test(field(e, 'ImagePath', 'ServiceFileName')) },
  { id: 'scheduled_task_created', title: 'Scheduled task created', level: 'low', tags: ['attack.persistence', 'attack.t1053.005'], actorRole: 'compromised_account',
    match: (e) => (id(e) === 4698 && security(e)) || (e.action === 'task_create' && !UNIX_PRODUCTS.has(e.logsource.product ?? '')) },
  { id: 'run_key', title: 'Autostart registry key written (Run/RunOnce)', level: 'medium', tags: ['attack.persistence', 'attack.t1547.001'], match: (e) => RUN_KEY.test(e.entities.registryKey ?? field(e, 'TargetObject', 'ObjectName')) && !/delete/i.test(field(e, 'EventType')) },
  { id: 'winlogon_helper', title: 'Winlogon helper value modified', level: 'high', tags: ['attack.persistence', 'attack.t1547.004'], match: (e) => WINLOGON.test(e.entities.registryKey ?? field(e, 'TargetObject', 'ObjectName')) },
  { id: 'ifeo_debugger', title: 'Image File Execution Options debugger set', level: 'high', tags: ['attack.persistence', 'attack.t1546.012'], match: (e) => IFEO.test(e.entities.registryKey ?? field(e, 'TargetObject')) },
  { id: 'account_renamed', ids: [4781], title: 'User account renamed', level: 'medium', tags: ['attack.persistence', 'attack.t1098'], actorRole: 'compromised_account', match: (e) => id(e) === 4781 && security(e) && byPerson(e) },
  { id: 'account_changed', ids: [4738], title: 'User account attributes changed by another account', level: 'low', tags: ['attack.persistence', 'attack.t1098'],
    match: (e) => id(e) === 4738 && security(e) && byPerson(e) && lower(e, 'SubjectUserName') !== lower(e, 'TargetUserName') },
  { id: 'password_reset', ids: [4724], title: "Another account's password reset", level: 'low', tags: ['attack.persistence', 'attack.t1098'], match: (e) => id(e) === 4724 && security(e) && byPerson(e) },
  { id: 'audit_policy_changed', ids: [4719], title: 'System audit policy changed', level: 'medium', tags: ['attack.defense-impairment', 'attack.t1562.002'], actorRole: 'compromised_account', match: (e) => id(e) === 4719 && security(e) && byPerson(e) },
  { id: 'log_cleared', ids: [1102, 104], title: 'Event log cleared', level: 'high', tags: ['attack.stealth', 'attack.t1070.001'], actorRole: 'compromised_account',
    match: (e) => (id(e) === 1102 && security(e)) || (id(e) === 104 && system(e)) },
  { id: 'domain_trust_created', ids: [4706, 4716, 4865, 4867], title: 'Domain trust created or modified', level: 'medium', tags: ['attack.privilege-escalation', 'attack.t1484.002'], actorRole: 'compromised_account', match: (e) => [4706, 4716, 4865, 4867].includes(id(e)) && security(e) },
  { id: 'ds_permissions_changed', ids: [5136], title: 'Directory object permissions changed (nTSecurityDescriptor)', level: 'medium', tags: ['attack.defense-impairment', 'attack.t1222.001'], actorRole: 'compromised_account',
    match: (e) => id(e) === 5136 && security(e) && lower(e, 'AttributeLDAPDisplayName') === 'ntsecuritydescriptor' },
  { id: 'gpo_modified', ids: [5136], title: 'Group Policy object modified', level: 'medium', tags: ['attack.privilege-escalation', 'attack.t1484.001'], actorRole: 'compromised_account',
    match: (e) => id(e) === 5136 && security(e) && (/grouppolicycontainer/i.test(field(e, 'ObjectClass')) || /^gpc/i.test(field(e, 'AttributeLDAPDisplayName'))) },
  { id: 'spn_set', ids: [5136], title: 'Service principal name added to an account', level: 'medium', tags: ['attack.persistence', 'attack.t1098'], actorRole: 'compromised_account',
    match: (e) => id(e) === 5136 && security(e) && lower(e, 'AttributeLDAPDisplayName') === 'serviceprincipalname' && lower(e, 'OperationType') !== '%%14675' },
  { id: 'asrep_roast', ids: [4768], title: 'Kerberos TGT issued without pre-authentication using RC4 (AS-REP roasting)', level: 'medium', tags: ['attack.credential-access', 'attack.t1558.004'],
    match: (e) => id(e) === 4768 && security(e) && field(e, 'PreAuthType').trim() === '0' && [0x17, 0x18].includes(hexValue(field(e, 'TicketEncryptionType')) ?? 0) },
  { id: 'remote_thread', ids: [8], title: 'Thread created in another process', level: 'medium', tags: ['attack.privilege-escalation', 'attack.t1055'],
    match: (e) => sysmon(e) && id(e) === 8 && !/\\(?:system32|syswow64)\\(?:csrss|wininit|services|svchost|lsass|dwm)\.exe$/i.test(field(e, 'SourceImage')) },
  { id: 'rc4_service_ticket', ids: [4769], title: 'RC4-encrypted Kerberos service ticket for a user service account', level: 'low', tags: ['attack.credential-access', 'attack.t1558.003'], actorRole: 'compromised_account',
    match: (e) => id(e) === 4769 && security(e) && [0x17, 0x18].includes(hexValue(field(e, 'TicketEncryptionType')) ?? 0) && (hexValue(field(e, 'Status')) ?? 0) === 0
      && field(e, 'ServiceName') !== '' && !/\$$|^krbtgt/i.test(field(e, 'ServiceName')) },
  { id: 'share_permissions_changed', ids: [5143], title: 'Network share permissions changed', level: 'medium', tags: ['attack.defense-impairment', 'attack.t1222.001'], actorRole: 'compromised_account', match: (e) => id(e) === 5143 && security(e) && field(e, 'OldSD') !== field(e, 'NewSD') },
  { id: 'filter_driver_unloaded', ids: [1], title: 'File-system filter driver unloaded (security sensor tampering)', level: 'medium', tags: ['attack.defense-impairment', 'attack.t1562.001'],
    match: (e) => id(e) === 1 && system(e) && /filtermanager/i.test(field(e, 'Provider')) && field(e, 'DeviceName') !== '' },
  { id: 'sql_failed_logins', ids: [33205], title: 'Repeated failed SQL Server logins', level: 'medium', minCount: 5, tags: ['attack.credential-access', 'attack.t1110'], match: (e) => sqlAudit(e)?.action === 'LGIF' },
  { id: 'sql_role_member_added', ids: [33205], title: 'Member added to a SQL Server role', level: 'medium', tags: ['attack.persistence', 'attack.t1098'], match: (e) => sqlAudit(e)?.action === 'APRL' },
  { id: 'sql_principal_changed', ids: [33205], title: 'SQL Server login or user created or changed', level: 'low', tags: ['attack.persistence', 'attack.t1098'], match: (e) => { const a = sqlAudit(e); return !!a && ['CR', 'AL'].includes(a.action) && ['SL', 'SU', 'US', 'WU', 'DU'].includes(a.classType); } },
  { id: 'sql_audit_changed', ids: [33205], title: 'SQL Server audit specification altered or dropped', level: 'high', tags: ['attack.defense-impairment', 'attack.t1562.002'], match: (e) => { const a = sqlAudit(e); return !!a && ['AL', 'DR'].includes(a.action) && ['SA', 'DA', 'A'].includes(a.classType); } },
  { id: 'sql_xp_cmdshell', ids: [33205], title: 'SQL Server xp_cmdshell used or enabled', level: 'high', tags: ['attack.persistence', 'attack.t1505.001', 'attack.execution'], match: (e) => /xp_cmdshell/i.test(sqlAudit(e)?.statement ?? '') },
  { id: 'defender_tampering', ids: [5001, 5007, 5010, 5012], title: 'Microsoft Defender protection disabled or exclusion added', level: 'high', tags: ['attack.defense-impairment', 'attack.t1562.001'],
    match: (e) => /windows defender/i.test(field(e, 'Channel')) && ([5001, 5010, 5012].includes(id(e)) || (id(e) === 5007 && /\\exclusions\\|disableantispyware|disablerealtimemonitoring|disablebehaviormonitoring/i.test(`${field(e, 'New Value', 'NewValue')} ${field(e, 'Old Value', 'OldValue')}`))) },
  { id: 'accessibility_binary_replaced', title: 'Accessibility binary replaced (sticky-keys backdoor)', level: 'high', tags: ['attack.persistence', 'attack.t1546.008'],
    match: (e) => /\\system32\\(?:sethc|utilman|osk|magnify|narrator|displayswitch|atbroker)\.exe$/i.test(e.entities.file ?? field(e, 'TargetFilename')) && !/trustedinstaller|tiworker|msiexec/i.test(e.entities.process ?? field(e, 'Image')) },
  { id: 'browser_credentials_accessed', ids: [5145, 4663], title: 'Browser credential store read by another process or over the network', level: 'medium', tags: ['attack.credential-access', 'attack.t1555.003'], actorRole: 'compromised_account',
    match: (e) => [5145, 4663].includes(id(e)) && BROWSER_STORE.test(field(e, 'RelativeTargetName', 'ObjectName')) && byPerson(e) },
  { id: 'windows_credentials_accessed', ids: [5145], title: 'Windows Credential Manager or DPAPI store read over the network', level: 'medium', tags: ['attack.credential-access', 'attack.t1555.004'], actorRole: 'compromised_account',
    match: (e) => id(e) === 5145 && /\\microsoft\\(?:credentials|protect|vault)\\/i.test(field(e, 'RelativeTargetName')) && byPerson(e) },
  { id: 'wdigest_enabled', title: 'WDigest cleartext credential caching enabled', level: 'high', tags: ['attack.credential-access', 'attack.t1003', 'attack.t1112'],
    match: (e) => /\\control\\securityproviders\\wdigest\\uselogoncredential$/i.test(e.entities.registryKey ?? field(e, 'TargetObject')) && !/0x0*0\b|^0$/i.test(field(e, 'Details')) },
  { id: 'winrm_session', ids: [91, 169], title: 'Inbound WinRM / PowerShell remoting session', level: 'low', tags: ['attack.lateral-movement', 'attack.t1021.006'],
    match: (e) => /winrm/i.test(field(e, 'Channel')) && !/\$$/.test(field(e, 'username', 'User')) },
  { id: 'dcom_lateral_denied', ids: [10016], title: 'Remote launch of a lateral-movement DCOM object (MMC20, ShellWindows, ShellBrowserWindow)', level: 'medium', tags: ['attack.lateral-movement', 'attack.t1021.003'],
    match: (e) => system(e) && /\{?(?:49B2791A-B1AE-4C90-9B8E-E860BA07F889|9BA05972-F6A8-11CF-A442-00A0C90A8F39|C08AFD90-F2A1-11D1-8455-00A0C91F3880)\}?/i.test(['param4', 'param5', 'param2', 'param3'].map((n) => field(e, n)).join(' ')) },
  { id: 'sql_xp_cmdshell_blocked', ids: [15281], title: 'SQL Server xp_cmdshell execution attempted', level: 'medium', tags: ['attack.persistence', 'attack.t1505.001'],
    match: (e) => id(e) === 15281 && /xp_cmdshell/i.test(field(e, 'param1', 'Data')) },
  { id: 'image_name_mismatch', ids: [7], title: 'Program runs under a file name other than the one built into its image (renamed tool or replaced image)', level: 'medium', tags: ['attack.stealth', 'attack.t1036'],
    match: (e) => sysmon(e) && id(e) === 7 && imageNameMismatch(field(e, 'Image'), field(e, 'ImageLoaded'), field(e, 'OriginalFileName')) },
  { id: 'sql_xp_cmdshell_enabled', ids: [15457], title: 'SQL Server xp_cmdshell enabled (configuration option changed from 0 to 1)', level: 'high', tags: ['attack.persistence', 'attack.t1505.001', 'attack.execution'],
    match: (e) => { const [option, from, to] = classicValues(e); return id(e) === 15457 && option?.toLowerCase() === 'xp_cmdshell' && from === '0' && to === '1'; } },
  { id: 'credential_store_process_read', ids: [10], title: 'Password manager or remote-access client memory read by another program', level: 'high', tags: ['attack.credential-access', 'attack.t1555'],
    match: (e) => sysmon(e) && id(e) === 10 && CREDENTIAL_PROCESSES.test(field(e, 'TargetImage')) && ((hexValue(field(e, 'GrantedAccess')) ?? 0) & 0x10) !== 0
      && !SYSTEM_FOLDERS.test(field(e, 'SourceImage')) && !SYSTEM_LSASS_READERS.test(field(e, 'SourceImage')) },
  { id: 'pathless_process_image', ids: [1, 3, 7, 8, 10, 11, 12, 13, 17, 18, 22, 23], title: 'Process known only by a bare image name without a path (created from a tampered file section: herpaderping, doppelganging, ghosting)', level: 'medium', tags: ['attack.stealth', 'attack.t1055'],
    match: (e) => sysmon(e) && !lower(e, 'Channel').startsWith('linux') && [field(e, 'Image'), field(e, 'TargetImage')].some(pathlessImage) },
  { id: 'wmi_subscription', ids: [19, 20, 21], title: 'WMI event subscription created', level: 'medium', tags: ['attack.persistence', 'attack.t1546.003'], match: (e) => sysmon(e) && [19, 20, 21].includes(id(e)) },
];

/**
 * Windows fills a process's image path from the file it was created from; a bare `name.exe` is an image path
 * the creator supplied itself to NtCreateProcessEx over a section, the way section-based process tampering
 * (herpaderping, doppelganging, ghosting) starts its process. Pseudo-processes (System, Registry,
 * MemCompression, `<unknown process>`) carry no `.exe`.
 */
export function pathlessImage(image: string): boolean {
  return /\.exe$/i.test(image) && !/[\\/]/.test(image);
}

/** Processes that hold master passwords or saved remote-access credentials in memory while they run. */
const CREDENTIAL_PROCESSES = /\\(?:keepass(?:xc)?|teamviewer|1password|bitwarden|mremoteng|winscp|putty|filezilla|anydesk)\.exe$/i;
const SYSTEM_FOLDERS = /^[a-z]:\\(?:windows|program files(?: \(x86\))?)\\/i;
/** File name without folder, extension, resource suffix (.mui) and bitness suffix, for name comparison. */
const baseName = (path: string): string => (path.split('\\').pop() ?? '').toLowerCase().replace(/\.mui$/, '').replace(/\.[a-z0-9]+$/, '').replace(/[_-]?(?:x?64|x86|32)$/, '');

/**
 * Sysmon 7 for a process's own executable carries the OriginalFileName compiled into the mapped image: when it
 * names another program, the file was renamed (a tool dropped under a harmless name) or its content was replaced
 * after the process started (herpaderping, doppelganging). Only outside the Windows and Program Files folders,
 * where Microsoft's own binaries carry differing internal names.
 */
export function imageNameMismatch(image: string, loaded: string, originalName: string): boolean {
  if (!image || image.toLowerCase() !== loaded.toLowerCase() || SYSTEM_FOLDERS.test(image)) return false;
  const original = baseName(originalName);
  return original !== '' && original !== '?' && original !== '-' && original !== baseName(image);
}

/**
 * Unnamed EventData values of a classic provider in order: `param1..N`, or the `<string>` items some EVTX
 * exporters pack into param1 (`<string>xp_cmdshell</string>\n<string>0</string>...`).
 */
export function classicValues(e: CanonicalEvent): string[] {
  const first = field(e, 'param1');
  if (first.includes('<string>')) return [...first.matchAll(/<string>([\s\S]*?)<\/string>/g)].map((m) => m[1].trim());
  const values: string[] = [];
  for (let i = 1; field(e, `param${i}`) !== ''; i++) values.push(field(e, `param${i}`).trim());
  return values;
}

interface SqlAudit {
  action: string;
  classType: string;
  statement: string;
}

/** SQL Server audit records (Application event 33205) carry `key:value` lines in their first parameter. */
export function sqlAudit(e: CanonicalEvent): SqlAudit | undefined {
  if (id(e) !== 33205) return undefined;
  const text = field(e, 'param1', 'Data', 'data');
  if (!text.includes('action_id:')) return undefined;
  const get = (key: string): string => new RegExp(`(?:^|\\n|>)${key}:([^\\n<]*)`).exec(text)?.[1]?.trim() ?? '';
  return { action: get('action_id').toUpperCase(), classType: get('class_type').toUpperCase(), statement: get('statement') };
}
