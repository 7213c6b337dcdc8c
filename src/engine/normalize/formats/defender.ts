import type { EventEntities, LogSource, Outcome } from '../../model';
import { applyAliases, entitiesFromFields } from '../aliases';
import { splitHashes } from '../hashes';
import { str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';
import { joinDomainUser } from '../users';

/**
 * Microsoft 365 Defender / Defender for Endpoint advanced hunting rows (DeviceProcessEvents, DeviceNetworkEvents,
 * DeviceFileEvents, DeviceRegistryEvents, DeviceImageLoadEvents, DeviceLogonEvents, DeviceEvents): presented with
 * the Sysmon names the Sigma taxonomy uses, and the Sysmon-equivalent category.
 */
export const defenderFormat: ObjectFormat = {
  id: 'm365_defender',
  detect: (raw) => typeof raw.ActionType === 'string' && (raw.DeviceName !== undefined || raw.DeviceId !== undefined) && (raw.Timestamp !== undefined || raw.ReportId !== undefined),
  normalize: (raw) => normalizeDefender(raw),
};

/** ActionType -> [canonical action, Sigma category, outcome]. */
const ACTION_TYPES: Readonly<Record<string, readonly [string, string | undefined, Outcome]>> = {
  ProcessCreated: ['process_create', 'process_creation', 'success'],
  ConnectionSuccess: ['network_connection', 'network_connection', 'success'],
  ConnectionAttempt: ['network_connection', 'network_connection', 'unknown'],
  ConnectionFailed: ['network_connection', 'network_connection', 'failure'],
  ConnectionRequest: ['network_connection', 'network_connection', 'unknown'],
  InboundConnectionAccepted: ['network_connection', 'network_connection', 'success'],
  ListeningConnectionCreated: ['network_listen', undefined, 'success'],
  FileCreated: ['file_create', 'file_event', 'success'],
  FileModified: ['file_modify', 'file_change', 'success'],
  FileRenamed: ['file_modify', 'file_rename', 'success'],
  FileDeleted: ['file_delete', 'file_delete', 'success'],
  RegistryValueSet: ['registry_set', 'registry_set', 'success'],
  RegistryKeyCreated: ['registry_create_delete', 'registry_add', 'success'],
  RegistryKeyDeleted: ['registry_create_delete', 'registry_delete', 'success'],
  RegistryValueDeleted: ['registry_create_delete', 'registry_delete', 'success'],
  ImageLoaded: ['image_load', 'image_load', 'success'],
  LogonSuccess: ['logon', undefined, 'success'],
  LogonFailed: ['logon_failed', undefined, 'failure'],
  LogonAttempted: ['logon', undefined, 'unknown'],
  DnsQueryResponse: ['dns_query', 'dns_query', 'success'],
  PowerShellCommand: ['script_execute', undefined, 'success'],
  ScheduledTaskCreated: ['task_create', undefined, 'success'],
  ServiceInstalled: ['service_install', undefined, 'success'],
  UserAccountCreated: ['account_created', undefined, 'success'],
  UserAccountAddedToLocalGroup: ['group_member_added', undefined, 'success'],
  NamedPipeEvent: ['pipe_create', 'pipe_created', 'success'],
  CreateRemoteThreadApiCall: ['remote_thread_create', 'create_remote_thread', 'success'],
  OpenProcessApiCall: ['process_access', 'process_access', 'success'],
  AntivirusDetection: ['alert', 'antivirus', 'unknown'],
};

const HIVES: ReadonlyArray<readonly [string, string]> = [
  ['HKEY_LOCAL_MACHINE\\', 'HKLM\\'],
  ['HKEY_USERS\\', 'HKU\\'],
  ['HKEY_CURRENT_USER\\', 'HKCU\\'],
  ['HKEY_CLASSES_ROOT\\', 'HKCR\\'],
];

/** Registry keys as Sysmon writes them (`HKLM\...`), which is what SigmaHQ registry rules are written against. */
function sysmonHive(key: string): string {
  for (const [long, short] of HIVES) if (key.toUpperCase().startsWith(long)) return short + key.slice(long.length);
  return key;
}

/** `FolderPath` is the full path in process and file rows; older exports give the folder only. */
function fullPath(folder: unknown, file: unknown): string | undefined {
  const dir = str(folder);
  const name = str(file);
  if (!dir) return name;
  if (!name || dir.toLowerCase().endsWith(name.toLowerCase())) return dir;
  return `${dir.replace(/[\\/]$/, '')}\\${name}`;
}

function normalizeDefender(raw: RawObject): NormalizedParts {
  const type = raw.ActionType as string;
  const fields: Record<string, unknown> = { ...raw };
  const [action, category, outcome] = ACTION_TYPES[type] ?? [type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase(), undefined, 'unknown'];
  const isProcess = type === 'ProcessCreated';
  const path = fullPath(raw.FolderPath, raw.FileName);
  if (isProcess) {
    if (path) fields.Image ??= path;
    fields.CommandLine ??= raw.ProcessCommandLine;
    fields.ParentImage ??= fullPath(raw.InitiatingProcessFolderPath, raw.InitiatingProcessFileName);
    fields.ParentCommandLine ??= raw.InitiatingProcessCommandLine;
    fields.OriginalFileName ??= raw.ProcessVersionInfoOriginalFileName;
    fields.User ??= joinDomainUser(raw.AccountDomain, raw.AccountName);
    fields.ParentProcessId ??= raw.InitiatingProcessId;
  } else {
    fields.ProcessId ??= raw.InitiatingProcessId;
    fields.ParentProcessId ??= raw.InitiatingProcessParentId;
    fields.Image ??= fullPath(raw.InitiatingProcessFolderPath, raw.InitiatingProcessFileName);
    fields.CommandLine ??= raw.InitiatingProcessCommandLine;
    fields.User ??= joinDomainUser(raw.InitiatingProcessAccountDomain, raw.InitiatingProcessAccountName) ?? joinDomainUser(raw.AccountDomain, raw.AccountName);
    if (path && (type.startsWith('File') || type === 'ImageLoaded')) fields[type === 'ImageLoaded' ? 'ImageLoaded' : 'TargetFilename'] ??= path;
  }
  applyAliases(fields, 'm365_defender');
  if (typeof fields.TargetObject === 'string') fields.TargetObject = sysmonHive(fields.TargetObject);
  for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k];
  const ls: LogSource = { product: 'windows' };
  if (category) ls.category = category;
  return {
    format: 'm365_defender',
    fields,
    logsource: ls,
    time: timeFrom(raw, ['Timestamp', 'TimeGenerated']),
    action,
    outcome: outcome === 'unknown' && type.startsWith('Logon') ? 'unknown' : outcome,
    entities: () => defenderEntities(raw, fields, action),
    message: `${type}${str(raw.DeviceName) ? ` on ${str(raw.DeviceName)}` : ''}`,
  };
}

function defenderEntities(raw: RawObject, fields: Record<string, unknown>, action: string): EventEntities {
  const e: EventEntities = {};
  const account = joinDomainUser(raw.AccountDomain, raw.AccountName);
  if (action === 'logon' || action === 'logon_failed') {
    if (account) e.user = e.targetUser = account;
  } else if (action === 'account_created' || action === 'group_member_added') {
    const actor = str(fields.User);
    if (actor) e.user = actor;
    if (account) e.targetUser = account;
  }
  const actor = str(fields.User);
  if (actor && e.user === undefined) e.user = actor;
  const hashes = ['SHA256', 'SHA1', 'MD5'].flatMap((k) => splitHashes(raw[k]));
  if (hashes.length) e.hashes = [...new Set(hashes)];
  const url = str(raw.RemoteUrl);
  if (url) {
    if (url.includes('://')) e.url = url;
    else e.domain = url;
  }
  return entitiesFromFields(fields, e);
}
