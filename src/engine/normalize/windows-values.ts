/**
 * Windows event values as Windows itself renders them, so Sigma rules written against rendered events match
 * exports that keep the raw EVTX encoding (python-evtx, evtx_dump, EVTX-to-JSON converters):
 * - HexInt32/HexInt64 fields come zero-padded (`0x00000017`, `0x00000000000003e7`) where Windows writes `0x17`,
 *   `0x3e7`: SigmaHQ compares `Status: '0x0'`, `TicketEncryptionType: '0x17'`, `SubjectLogonId: '0x3e7'`.
 * - Access lists come as message-table codes (`%%4417`) where the rendered event says `WriteData (or AddFile)`:
 *   SigmaHQ uses both forms (`AccessList|contains: 'WriteData'` and `'%%4417'`), so the rendered names are
 *   appended and the codes kept.
 * - Command lines keep the trailing blank cmd.exe leaves when it starts a program (`x.exe url.zip `), which
 *   defeats every `CommandLine|endswith` rule; the blank carries no argument, so it is dropped.
 * - Microsoft Defender names its EventData with spaces (`New Value`, `Process Name`, `Threat Name`); SigmaHQ's
 *   windefend rules use them without (`NewValue`, `ProcessName`) or with an underscore (`Feature_Name`).
 * - Security 4688 names the creator (Subject) and, since Windows 10, the new process's account (Target); SYSTEM
 *   and the service accounts appear as the machine account (`HOST$`). Sigma's process_creation `User` is the new
 *   process's account as Sysmon renders it (`NT AUTHORITY\SYSTEM`), so it is set from the Target when present and
 *   from the well-known SIDs.
 * - Classic providers write unnamed EventData (`param1..N`); Sigma's `Data` is that container as a whole
 *   (MSSQL audit 33205, Windows PowerShell 400/600/800, MsiInstaller rules).
 */

const PADDED_HEX = /^0x0[0-9a-f]*$/i;

/** `0x00000017` -> `0x17`; only the fixed widths of HexInt32/HexInt64 renderings. */
export function unpadHex(value: string): string {
  if (!PADDED_HEX.test(value) || (value.length !== 10 && value.length !== 18)) return value;
  return `0x${value.slice(2).replace(/^0+/, '') || '0'}`;
}

/**
 * Access rights (msobjs.dll) as the Security log renders them: the generic ones, those of file, pipe and share
 * objects, and those of process objects (`%%4484` is what SigmaHQ's LSASS-access rules look for). Each code has
 * its own text; the process table's unused and undefined bits are left out (their texts are shared).
 */
const ACCESS_RIGHTS: Readonly<Record<string, string>> = {
  '1537': 'DELETE',
  '1538': 'READ_CONTROL',
  '1539': 'WRITE_DAC',
  '1540': 'WRITE_OWNER',
  '1541': 'SYNCHRONIZE',
  '1542': 'ACCESS_SYS_SEC',
  '4416': 'ReadData (or ListDirectory)',
  '4417': 'WriteData (or AddFile)',
  '4418': 'AppendData (or AddSubdirectory or CreatePipeInstance)',
  '4419': 'ReadEA',
  '4420': 'WriteEA',
  '4421': 'Execute/Traverse',
  '4422': 'DeleteChild',
  '4423': 'ReadAttributes',
  '4424': 'WriteAttributes',
  '4480': 'Force process termination',
  '4481': 'Create new thread in process',
  '4483': 'Perform virtual memory operation',
  '4484': 'Read from process memory',
  '4485': 'Write to process memory',
  '4486': 'Duplicate handle into or out of process',
  '4487': 'Create a subprocess of process',
  '4488': 'Set process quotas',
  '4489': 'Set process information',
  '4490': 'Query process information',
  '4491': 'Set process termination port',
};

/** Rendered access names back to their codes, for exports that keep only the rendered message. */
const ACCESS_CODES = new Map(Object.entries(ACCESS_RIGHTS).map(([code, name]) => [name, `%%${code}`]));

/** `READ_CONTROL` -> `%%1538`; undefined for a name outside the table. */
export function accessCodeOf(name: string): string | undefined {
  return ACCESS_CODES.get(name);
}

const ACCESS_FIELDS = ['AccessList', 'Accesses'];

/** Access lists repeat across a log (a handful of distinct lists): each is rendered once. */
const renderedAccessLists = new Map<string, string>();
const RENDERED_MAX = 1024;

/** `%%4416 %%4417` -> `%%4416 %%4417 ReadData (or ListDirectory) WriteData (or AddFile)`. */
export function renderAccessList(value: string): string {
  if (!value.includes('%%')) return value;
  let rendered = renderedAccessLists.get(value);
  if (rendered === undefined) {
    rendered = renderCodes(value);
    if (renderedAccessLists.size >= RENDERED_MAX) renderedAccessLists.clear();
    renderedAccessLists.set(value, rendered);
  }
  return rendered;
}

function renderCodes(value: string): string {
  const names: string[] = [];
  for (const m of value.matchAll(/%%(\d+)/g)) {
    const name = ACCESS_RIGHTS[m[1]];
    if (name && !value.includes(name)) names.push(name);
  }
  return names.length === 0 ? value : `${value.trimEnd()} ${names.join(' ')}`;
}

const PARAM = /^param(\d+)$/;

const COMMAND_LINES = ['CommandLine', 'ParentCommandLine'];

function trailingBlank(v: string): boolean {
  const c = v.charCodeAt(v.length - 1);
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Unnamed EventData values (`param1..N`) joined in order, or undefined when the event has none. */
export function unnamedEventData(fields: Record<string, unknown>): string | undefined {
  // Unnamed values are numbered from 1: without param1 there are none (saves a scan of every record).
  if (fields.param1 === undefined) return undefined;
  const params: Array<[number, string]> = [];
  for (const [k, v] of Object.entries(fields)) {
    const m = PARAM.exec(k);
    if (m && (typeof v === 'string' || typeof v === 'number')) params.push([Number(m[1]), String(v)]);
  }
  if (params.length === 0) return undefined;
  return params.sort((a, b) => a[0] - b[0]).map(([, v]) => v).join('\n');
}

/** Security-channel events written by the event log service itself: the only ones Sigma tells apart by provider. */
const PROVIDER_KEYED_SECURITY = new Set([517, 1100, 1102, 1104, 1105, 1108]);

/**
 * Whether rules may ask for Provider_Name: every channel but Sysmon and Security (System and Application rules
 * name the provider: Service Control Manager, MSSQL...), plus the event log service's own Security events.
 */
export function providerNamed(service: string | undefined, eventId: number | undefined): boolean {
  if (service === 'sysmon') return false;
  if (service === 'security') return eventId !== undefined && PROVIDER_KEYED_SECURITY.has(eventId);
  return true;
}

/**
 * True when renderWindowsValues or the provider alias would change the record: the flat-export fast path
 * uses a record as its own field view only when nothing is added or rewritten (the raw event stays untouched).
 */
export function windowsRenderingNeeded(fields: Record<string, unknown>, service: string | undefined, eventId: number | undefined): boolean {
  if (providerNamed(service, eventId) && fields.Provider_Name === undefined) return true;
  if (service === 'windefend' && hasSpacedName(fields)) return true;
  if (service === 'security' && eventId === 4688 && fields.User === undefined && processCreationUser(fields) !== undefined) return true;
  let params = false;
  for (const k in fields) {
    const v = fields[k];
    if (typeof v !== 'string') continue;
    if (v.length >= 10 && v.charCodeAt(0) === 48 && unpadHex(v) !== v) return true;
    if ((k === 'AccessList' || k === 'Accesses') && v.includes('%%')) return true;
    if ((k === 'CommandLine' || k === 'ParentCommandLine') && trailingBlank(v)) return true;
    if (!params && k.charCodeAt(0) === 112 /* p */ && PARAM.test(k)) params = true;
  }
  return params && (fields.Data === undefined || fields.Data === null || fields.Data === '');
}

/** Defender's spaced EventData names, also under the joined and underscored names Sigma rules use. */
function defenderNames(fields: Record<string, unknown>): void {
  for (const k of Object.keys(fields)) {
    if (!k.includes(' ')) continue;
    for (const alias of [k.replace(/ /g, ''), k.replace(/ /g, '_')]) if (fields[alias] === undefined) fields[alias] = fields[k];
  }
}

function hasSpacedName(fields: Record<string, unknown>): boolean {
  for (const k in fields) if (k.includes(' ')) return true;
  return false;
}

const WELL_KNOWN_ACCOUNTS: Readonly<Record<string, string>> = {
  'S-1-5-18': 'NT AUTHORITY\\SYSTEM',
  'S-1-5-19': 'NT AUTHORITY\\LOCAL SERVICE',
  'S-1-5-20': 'NT AUTHORITY\\NETWORK SERVICE',
};

const named = (v: unknown): v is string => typeof v === 'string' && v !== '' && v !== '-';

/** The account a 4688 process runs as, as Sysmon names it; undefined leaves the Subject alias in charge. */
export function processCreationUser(fields: Record<string, unknown>): string | undefined {
  const targetSid = fields.TargetUserSid;
  const hasTarget = named(targetSid) && targetSid !== 'S-1-0-0' && named(fields.TargetUserName);
  const sid = hasTarget ? targetSid : fields.SubjectUserSid;
  if (typeof sid === 'string' && WELL_KNOWN_ACCOUNTS[sid]) return WELL_KNOWN_ACCOUNTS[sid];
  if (!hasTarget) return undefined;
  return named(fields.TargetDomainName) ? `${fields.TargetDomainName}\\${fields.TargetUserName as string}` : (fields.TargetUserName as string);
}

/** Applies the renderings above to a flattened Windows record, in place. */
export function renderWindowsValues(fields: Record<string, unknown>, service?: string, eventId?: number): void {
  if (service === 'windefend') defenderNames(fields);
  if (service === 'security' && eventId === 4688 && fields.User === undefined) {
    const user = processCreationUser(fields);
    if (user !== undefined) fields.User = user;
  }
  for (const k in fields) {
    const v = fields[k];
    if (typeof v === 'string' && v.length >= 10 && v.charCodeAt(0) === 48) {
      const u = unpadHex(v);
      if (u !== v) fields[k] = u;
    }
  }
  for (const k of ACCESS_FIELDS) {
    const v = fields[k];
    if (typeof v === 'string') fields[k] = renderAccessList(v);
  }
  for (const k of COMMAND_LINES) {
    const v = fields[k];
    if (typeof v === 'string' && v.length > 0 && trailingBlank(v)) fields[k] = v.trimEnd();
  }
  if (fields.Data === undefined || fields.Data === null || fields.Data === '') {
    const data = unnamedEventData(fields);
    if (data !== undefined) fields.Data = data;
  }
}
