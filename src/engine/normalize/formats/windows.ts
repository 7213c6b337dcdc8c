import type { EventEntities, LogSource, Outcome } from '../../model';
import { applyAliases, applyWindowsAliases, entitiesFromFields, hasWindowsAliases } from '../aliases';
import { splitHashes } from '../hashes';
import { int, isObject, setIfMissing, str, tryJson } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';
import { isEmptyUser, joinDomainUser } from '../users';
import { WINDOWS_EVENT_MEANINGS } from '../windows-events';
import { labelledMessageFields, sysmonMessageFields } from '../windows-messages';
import { providerNamed, renderWindowsValues, windowsRenderingNeeded } from '../windows-values';
import {
  LINUX_CHANNELS,
  SYSMON_REGISTRY_EVENT_TYPES,
  WINDOWS_CHANNEL_SERVICES,
  WINDOWS_EVENT_CATEGORIES,
  WINDOWS_PROVIDER_SERVICES,
} from '../windows-logsource';

/**
 * Windows event log records (Security, System, Sysmon, PowerShell, ...) in three shapes:
 * flat (EventData fields at the top, as many SIEM exports), nested evtx dumps (`Event.System` / `Event.EventData`)
 * and Winlogbeat (`winlog.event_data`). All three are flattened into one field view with the EventData names.
 */
export const windowsFormat: ObjectFormat = {
  id: 'windows',
  detect: (raw) => isFlatWindows(raw) || isEvtx(raw) || isWinlogbeat(raw) || isRenamedFlat(raw),
  normalize: (raw) => {
    const fields = flattenWindows(raw);
    // A record used as its own field view was checked to need no rendering (flatNeedsCopy).
    return normalizeWindowsFields(fields, raw, fields !== raw);
  },
};

/**
 * A flat record that no alias table extends is used as the field view as it is: copying every Sysmon/Security
 * record only to add nothing was the largest allocation of a hunt. The field view is read-only for every stage.
 */
function flatNeedsCopy(raw: RawObject): boolean {
  const id = int(raw.EventID ?? raw.EventId);
  if (id === undefined) return true;
  const { service } = windowsService(raw);
  return service === undefined || hasWindowsAliases(service, id) || windowsRenderingNeeded(raw, service, id);
}

/** EventData names that only Windows events carry: with a numeric EventID they identify a flat export without Channel. */
const WINDOWS_FIELD_HINTS = ['TargetUserName', 'SubjectUserName', 'LogonType', 'ProcessGuid', 'UtcTime', 'NewProcessName', 'ScriptBlockText', 'TargetLogonId', 'WorkstationName', 'ServiceFileName'];
const WINDOWS_SOURCES = new Set(['windows', 'sysmon', 'wineventlog', 'eventlog', 'winevtlog', 'security']);

function isFlatWindows(raw: RawObject): boolean {
  const id = raw.EventID ?? raw.EventId;
  if (id === undefined) return false;
  if (raw.Channel !== undefined || raw.Provider !== undefined || raw.Computer !== undefined || raw.ProviderName !== undefined) return true;
  if (int(id) === undefined) return false;
  const source = typeof raw.source === 'string' ? raw.source.toLowerCase() : undefined;
  if (source && WINDOWS_SOURCES.has(source)) return true;
  return WINDOWS_FIELD_HINTS.some((k) => raw[k] !== undefined);
}

function isEvtx(raw: RawObject): boolean {
  const ev = raw.Event;
  return isObject(ev) && isObject(ev.System);
}

function isWinlogbeat(raw: RawObject): boolean {
  const w = raw.winlog;
  return isObject(w) && (w.event_id !== undefined || w.channel !== undefined);
}

/** The text of an XML-to-JSON node: `{"#text": v}`, `{"#attributes": ...}` or a plain scalar. */
function xmlText(v: unknown): unknown {
  if (!isObject(v)) return v;
  if (v['#text'] !== undefined) return v['#text'];
  if (v._ !== undefined) return v._;
  if (v.value !== undefined) return v.value;
  return undefined;
}

function xmlAttr(v: unknown, name: string): unknown {
  if (!isObject(v)) return undefined;
  const attrs = v['#attributes'] ?? v.$ ?? v._attributes;
  if (isObject(attrs) && attrs[name] !== undefined) return attrs[name];
  return v[`@${name}`] ?? v[name];
}

/** EventData as `{Name: value}` or as `Data: [{#attributes: {Name}, #text}]` (also `@Name`). */
function eventDataFields(data: unknown, into: Record<string, unknown>): void {
  if (!isObject(data)) return;
  const list = data.Data;
  if (list !== undefined) {
    const items = Array.isArray(list) ? list : [list];
    let unnamed = 0;
    for (const item of items) {
      const name = xmlAttr(item, 'Name');
      const value = xmlText(item);
      if (typeof name === 'string') into[name] = value ?? '';
      else if (value !== undefined) into[`param${++unnamed}`] = value;
    }
  }
  for (const [k, v] of Object.entries(data)) {
    if (k === 'Data' || k.startsWith('#') || k.startsWith('@') || k === '$') continue;
    into[k] = isObject(v) ? (xmlText(v) ?? v) : v;
  }
}

/** UserData holds one element whose children are the fields. */
function userDataFields(data: unknown, into: Record<string, unknown>): void {
  if (!isObject(data)) return;
  for (const inner of Object.values(data)) {
    if (!isObject(inner)) continue;
    for (const [k, v] of Object.entries(inner)) {
      if (k.startsWith('#') || k.startsWith('@') || k === '$') continue;
      into[k] = isObject(v) ? (xmlText(v) ?? v) : v;
    }
  }
}

/**
 * Flat exports that name the header fields their own way (Splunk `EventCode`/`LogName`/`ComputerName`,
 * lower-case `event_id`/`channel`, PowerShell's `Get-WinEvent | ConvertTo-Json` `Id`/`LogName`/`MachineName`/
 * `ProviderName`): a numeric event id plus a channel name that is a Windows log.
 */
const RENAMED_HEADER: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['EventID', ['EventCode', 'event_id', 'eventid', 'event_code', 'Id']],
  ['Channel', ['LogName', 'log_name', 'channel', 'logname']],
  ['Computer', ['ComputerName', 'computer_name', 'computername', 'MachineName']],
  ['Provider', ['SourceName', 'provider_name', 'source_name', 'ProviderName']],
];

function firstOf(raw: RawObject, keys: readonly string[]): unknown {
  for (const k of keys) if (raw[k] !== undefined) return raw[k];
  return undefined;
}

function isRenamedFlat(raw: RawObject): boolean {
  const id = int(firstOf(raw, RENAMED_HEADER[0][1]));
  const channel = firstOf(raw, RENAMED_HEADER[1][1]);
  return id !== undefined && typeof channel === 'string' && serviceOfChannel(channel) !== null;
}

/**
 * EvtxECmd's CSV (and its JSON) keeps the event's EventData or UserData as a JSON text in `Payload`:
 * `{"EventData": {"Data": [{"@Name": "SubjectUserSid", "#text": "S-1-5-18"}, ...]}}`.
 */
function payloadOf(raw: RawObject): RawObject | undefined {
  const payload = raw.Payload;
  if (typeof payload !== 'string' || !payload.startsWith('{')) return undefined;
  const parsed = tryJson(payload);
  return isObject(parsed) && (parsed.EventData !== undefined || parsed.UserData !== undefined) ? parsed : undefined;
}

function flattenWindows(raw: RawObject): Record<string, unknown> {
  if (isFlatWindows(raw)) {
    const payload = payloadOf(raw);
    if (payload === undefined) return flatNeedsCopy(raw) ? { ...raw } : raw;
    const fields: Record<string, unknown> = { ...raw };
    eventDataFields(payload.EventData, fields);
    userDataFields(payload.UserData, fields);
    return fields;
  }
  if (isRenamedFlat(raw)) {
    const fields: Record<string, unknown> = { ...raw };
    for (const [name, synonyms] of RENAMED_HEADER) {
      const v = firstOf(raw, synonyms);
      if (v !== undefined) setIfMissing(fields, name, name === 'EventID' ? (int(v) ?? v) : v);
    }
    if (typeof raw.Message === 'string') messageFields(raw.Message, fields);
    return fields;
  }
  const fields: Record<string, unknown> = { ...raw };
  if (isWinlogbeat(raw)) {
    const w = raw.winlog as RawObject;
    eventDataFields(w.event_data, fields);
    userDataFields(w.user_data, fields);
    setIfMissing(fields, 'EventID', int(w.event_id) ?? w.event_id);
    setIfMissing(fields, 'Channel', w.channel);
    setIfMissing(fields, 'Computer', w.computer_name);
    setIfMissing(fields, 'Provider', w.provider_name);
    setIfMissing(fields, 'EventRecordID', w.record_id);
    return fields;
  }
  const ev = raw.Event as RawObject;
  const sys = ev.System as RawObject;
  eventDataFields(ev.EventData, fields);
  userDataFields(ev.UserData, fields);
  const id = xmlText(sys.EventID);
  setIfMissing(fields, 'EventID', int(id) ?? id);
  setIfMissing(fields, 'Channel', xmlText(sys.Channel));
  setIfMissing(fields, 'Computer', xmlText(sys.Computer));
  setIfMissing(fields, 'Provider', xmlAttr(sys.Provider, 'Name') ?? xmlText(sys.Provider));
  setIfMissing(fields, 'EventRecordID', xmlText(sys.EventRecordID));
  setIfMissing(fields, 'Level', xmlText(sys.Level));
  setIfMissing(fields, 'Keywords', xmlText(sys.Keywords));
  setIfMissing(fields, 'SystemTime', xmlAttr(sys.TimeCreated, 'SystemTime'));
  setIfMissing(fields, 'UserID', xmlAttr(sys.Security, 'UserID'));
  return fields;
}

/**
 * An export that kept only the rendered message (PowerShell Get-WinEvent: `Message`, no EventData names):
 * the fields read back from it, for Sysmon and for the Security and System logs whose messages label them.
 */
function messageFields(message: string, fields: Record<string, unknown>): void {
  const service = typeof fields.Channel === 'string' ? serviceOfChannel(fields.Channel)?.service : undefined;
  if (service === 'sysmon') sysmonMessageFields(message, fields);
  else if (service === 'security' || service === 'system') labelledMessageFields(message, int(fields.EventID), fields);
}

/** Service from the channel, else from the provider, else from an exporter's `source: sysmon` hint. */
interface ServiceOf {
  service?: string;
  linux: boolean;
}

/** Channel strings repeat across a batch: resolve each distinct spelling once. */
const channelCache = new Map<string, ServiceOf | null>();

function serviceOfChannel(raw: string): ServiceOf | null {
  let hit = channelCache.get(raw);
  if (hit !== undefined) return hit;
  const channel = raw.toLowerCase().replace(/^wineventlog:/, '');
  const service = WINDOWS_CHANNEL_SERVICES[channel];
  hit = service ? { service, linux: LINUX_CHANNELS.has(channel) } : null;
  if (channelCache.size < 1024) channelCache.set(raw, hit);
  return hit;
}

export function windowsService(fields: Record<string, unknown>): ServiceOf {
  if (typeof fields.Channel === 'string') {
    const known = serviceOfChannel(fields.Channel);
    if (known) return known;
  }
  const channel = typeof fields.Channel === 'string' ? fields.Channel.toLowerCase().replace(/^wineventlog:/, '') : '';
  const provider = str(fields.Provider ?? fields.ProviderName)?.toLowerCase();
  if (provider && WINDOWS_PROVIDER_SERVICES[provider]) {
    return { service: WINDOWS_PROVIDER_SERVICES[provider], linux: provider === 'linux-sysmon' };
  }
  if (str(fields.source)?.toLowerCase() === 'sysmon') return { service: 'sysmon', linux: false };
  // A channel outside the Sigma taxonomy names no service a rule could ask for.
  if (channel) return { linux: false };
  return { service: serviceFromEventId(fields), linux: false };
}

/** Exports without Channel or Provider: the EventID range and Sysmon's own fields still say where it came from. */
function serviceFromEventId(fields: Record<string, unknown>): string | undefined {
  const id = int(fields.EventID ?? fields.EventId);
  if (id === undefined) return undefined;
  if ((id <= 29 || id === 255) && (fields.UtcTime !== undefined || fields.ProcessGuid !== undefined || fields.RuleName !== undefined)) return 'sysmon';
  if ((id >= 4608 && id <= 6424) || (id >= 1100 && id <= 1108)) return 'security';
  if (id >= 4100 && id <= 4106) return 'powershell';
  if (id >= 7000 && id <= 7045) return 'system';
  return undefined;
}

export function windowsLogsource(service: string | undefined, eventId: number | undefined, fields: Record<string, unknown>, linux: boolean): LogSource {
  if (service === undefined || eventId === undefined) return internLogsource(linux, service, undefined);
  let category = WINDOWS_EVENT_CATEGORIES[service]?.[eventId];
  if (service === 'sysmon' && eventId === 12) {
    const t = str(fields.EventType)?.toLowerCase();
    category = (t && SYSMON_REGISTRY_EVENT_TYPES[t]) || category;
  }
  return internLogsource(linux, service, category || undefined);
}

/**
 * One frozen logsource object per (product, service, category): no allocation per event, and the
 * Sigma engine routes a frozen logsource by identity instead of rebuilding its key.
 */
const interned = [new Map<string, Map<string, LogSource>>(), new Map<string, Map<string, LogSource>>()];
const INTERN_MAX = 4096;

function internLogsource(linux: boolean, service: string | undefined, category: string | undefined): LogSource {
  const byService = interned[linux ? 1 : 0];
  // '\u0000' stands for "absent": service names and categories never contain NUL.
  const sk = service ?? '\u0000';
  let byCategory = byService.get(sk);
  if (byCategory === undefined) {
    if (byService.size >= INTERN_MAX) byService.clear();
    byCategory = new Map();
    byService.set(sk, byCategory);
  }
  const ck = category ?? '\u0000';
  let ls = byCategory.get(ck);
  if (ls === undefined) {
    const built: LogSource = { product: linux ? 'linux' : 'windows' };
    if (service) built.service = service;
    if (category) built.category = category;
    ls = Object.freeze(built);
    if (byCategory.size >= INTERN_MAX) byCategory.clear();
    byCategory.set(ck, ls);
  }
  return ls;
}

/** Renderings and aliases of a flattened record, in place (the record's own object only when nothing changes). */
function completeWindowsFields(fields: Record<string, unknown>, render: boolean, service: string | undefined, eventId: number | undefined): void {
  if (render) renderWindowsValues(fields, service, eventId);
  if (providerNamed(service, eventId)) applyAliases(fields, 'windows');
  if (service) applyWindowsAliases(fields, service, eventId);
}

const WINDOWS_TIME_FIELDS = ['timestamp', '@timestamp', 'UtcTime', 'SystemTime', 'TimeCreated'];

/** The time of a normalised Windows record (`fields`) read from `raw` as given. */
export function windowsTime(fields: Record<string, unknown>, raw: RawObject): number | undefined {
  return timeFrom(fields, WINDOWS_TIME_FIELDS) ?? timeFrom(raw);
}

/**
 * What rule matching reads of a Windows record (the hunt's hot path): the same field view and logsource as
 * windowsFormat.normalize, without action, outcome, message or entities; the time is left to windowsTime.
 * A flat `raw` is the caller's (parsed for matching alone): it is completed in place.
 */
export function windowsMatchView(raw: RawObject): { fields: Record<string, unknown>; logsource: LogSource } {
  if (isFlatWindows(raw) && raw.Payload === undefined) return flatMatchView(raw);
  const fields = flattenWindows(raw);
  const eventId = int(fields.EventID ?? fields.EventId);
  const { service, linux } = windowsService(fields);
  const logsource = windowsLogsource(service, eventId, fields, linux);
  completeWindowsFields(fields, fields !== raw, service, eventId);
  return { fields, logsource };
}

/**
 * A flat record's match view: the record itself, completed in place as windowsFormat.normalize completes
 * its copy when anything would be added or rewritten (flatNeedsCopy with the EventID and service read
 * once). The check costs a third of a rendering, and most records need none.
 */
function flatMatchView(raw: RawObject): { fields: Record<string, unknown>; logsource: LogSource } {
  const eventId = int(raw.EventID ?? raw.EventId);
  const { service, linux } = windowsService(raw);
  const logsource = windowsLogsource(service, eventId, raw, linux);
  if (eventId !== undefined && service !== undefined && !hasWindowsAliases(service, eventId) && !windowsRenderingNeeded(raw, service, eventId)) {
    return { fields: raw, logsource };
  }
  completeWindowsFields(raw, true, service, eventId);
  return { fields: raw, logsource };
}

/** Normalises an already flattened Windows record (EventData names at the top, plus EventID/Channel/Computer). */
export function normalizeWindowsFields(fields: Record<string, unknown>, raw: RawObject = fields, render = true): NormalizedParts {
  const eventId = int(fields.EventID ?? fields.EventId);
  const { service, linux } = windowsService(fields);
  const logsource = windowsLogsource(service, eventId, fields, linux);
  completeWindowsFields(fields, render, service, eventId);
  const meaning = service && eventId !== undefined ? WINDOWS_EVENT_MEANINGS[service]?.[eventId] : undefined;
  const message = str(fields.Message) ?? str(fields.message);
  return {
    format: service === 'sysmon' ? 'sysmon' : 'windows',
    fields,
    logsource,
    time: windowsTime(fields, raw),
    action: meaning?.action,
    outcome: windowsOutcome(fields, eventId, meaning?.outcome),
    entities: () => entitiesFromFields(fields, windowsEntities(fields, service, eventId)),
    message,
  };
}

const STATUS_DECIDES = new Set([4768, 4769, 4776, 4771, 4625, 4624]);

function windowsOutcome(fields: Record<string, unknown>, eventId: number | undefined, known: Outcome | undefined): Outcome {
  if (eventId !== undefined && STATUS_DECIDES.has(eventId)) {
    const status = str(fields.Status ?? fields.ResultCode)?.toLowerCase();
    if (status !== undefined && known === undefined) return status === '0x0' || status === '0' ? 'success' : 'failure';
  }
  if (known) return known;
  if (eventId === 22 && fields.QueryStatus !== undefined) return str(fields.QueryStatus) === '0' ? 'success' : 'failure';
  const kw = str(fields.Keywords)?.toLowerCase();
  if (kw === '0x8010000000000000' || kw?.includes('audit failure')) return 'failure';
  if (kw === '0x8020000000000000' || kw?.includes('audit success')) return 'success';
  return 'unknown';
}

/** Windows events the acting account is the account authenticating (TargetUserName), not the subject. */
const TARGET_ACTS = new Set([4624, 4625, 4634, 4647, 4768, 4769, 4770, 4771, 4776, 4778, 4779]);
const MEMBER_TARGET = new Set([4728, 4729, 4732, 4733, 4756, 4757]);

function windowsEntities(fields: Record<string, unknown>, service: string | undefined, eventId: number | undefined): EventEntities {
  const e: EventEntities = {};
  const subject = joinDomainUser(fields.SubjectDomainName, fields.SubjectUserName);
  const target = joinDomainUser(fields.TargetDomainName, fields.TargetUserName);
  if (service === 'security' && eventId === 4688) {
    // 4688 names the creator as Subject and the new process's account as Target (when the audit policy logs it).
    e.user = target ?? subject;
    e.processId = str(fields.NewProcessId);
    e.parentProcessId = str(fields.ProcessId);
  } else if (service === 'security' && eventId !== undefined) {
    if (TARGET_ACTS.has(eventId)) {
      e.user = target ?? subject;
      e.targetUser = target;
    } else if (MEMBER_TARGET.has(eventId)) {
      e.user = subject;
      e.targetUser = str(fields.MemberName) ?? str(fields.MemberSid);
    } else {
      e.user = subject;
      if (target && target !== subject) e.targetUser = target;
    }
  } else {
    const u = fields.User ?? fields.UserName ?? fields.AccountName;
    e.user = isEmptyUser(u) ? subject : (u as string).trim();
    if (target) e.targetUser = target;
  }
  if (service === 'sysmon' && (eventId === 8 || eventId === 10)) {
    e.process = str(fields.SourceImage);
    e.processId = str(fields.SourceProcessId);
  }
  const protocol = IANA_PROTOCOLS[str(fields.Protocol) ?? ''];
  if (protocol && service === 'security') e.protocol = protocol;
  if (service === 'security') objectEntities(fields, eventId, e);
  if (service === 'powershell-classic' || service === 'powershell') {
    const host = hostApplication(str(fields.Data) ?? str(fields.ContextInfo) ?? str(fields.Message));
    if (host) e.commandLine = host;
  }
  const file = str(fields.ServiceFileName) ?? str(fields.ImagePath);
  if (file && (eventId === 4697 || eventId === 7045)) e.file = file;
  const hashes = splitHashes(fields.Hashes ?? fields.Hash);
  if (hashes.length) e.hashes = hashes;
  if (e.user === undefined) delete e.user;
  if (e.targetUser === undefined) delete e.targetUser;
  if (e.process === undefined) delete e.process;
  if (e.processId === undefined) delete e.processId;
  if (e.parentProcessId === undefined) delete e.parentProcessId;
  return e;
}

/** Security object-access events name a file or a registry key in ObjectName; 4698/4702 carry the task's XML. */
function objectEntities(fields: Record<string, unknown>, eventId: number | undefined, e: EventEntities): void {
  const name = str(fields.ObjectName);
  const type = str(fields.ObjectType)?.toLowerCase();
  if (name && (eventId === 4656 || eventId === 4663 || eventId === 4657 || eventId === 4660)) {
    if (type === 'key' || eventId === 4657) {
      const value = str(fields.ObjectValueName);
      e.registryKey = registryPath(name) + (value && value !== '-' ? `\\${value}` : '');
    } else if (type === 'file') e.file = name;
  }
  if (eventId === 4698 || eventId === 4702) {
    const xml = str(fields.TaskContent) ?? str(fields.TaskContentNew);
    const command = xml ? /<Command>([^<]*)<\/Command>/.exec(xml)?.[1] : undefined;
    if (command) {
      const args = /<Arguments>([^<]*)<\/Arguments>/.exec(xml as string)?.[1];
      e.commandLine = unescapeXmlText(args ? `${command} ${args}` : command);
    }
  }
}

const REGISTRY_ROOTS: ReadonlyArray<readonly [string, string]> = [
  ['\\REGISTRY\\MACHINE\\', 'HKLM\\'],
  ['\\REGISTRY\\USER\\', 'HKU\\'],
];

/** Kernel registry paths (`\REGISTRY\MACHINE\...`) as Sysmon and Sigma rules write them (`HKLM\...`). */
function registryPath(name: string): string {
  const upper = name.toUpperCase();
  for (const [kernel, hive] of REGISTRY_ROOTS) if (upper.startsWith(kernel)) return hive + name.slice(kernel.length);
  return name;
}

function unescapeXmlText(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const HOST_APPLICATION_RE = /Host ?Application ?= ?([^\r\n]+)/;

/** The command line of the PowerShell host, from the context block of PowerShell events. */
function hostApplication(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const m = HOST_APPLICATION_RE.exec(text);
  return m ? m[1].trim() : undefined;
}

/** The Windows Filtering Platform events (5152-5159) give the IP protocol number. */
const IANA_PROTOCOLS: Readonly<Record<string, string>> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };
