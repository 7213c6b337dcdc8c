import type { CanonicalEvent, Outcome } from '../model';

/**
 * Event-kind predicates over canonical events. They accept the normaliser's canonical verbs and
 * the well-known raw markers (Windows EventIDs, Okta/Entra event types) so heuristics keep working
 * whatever source the batch came from.
 */

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

export function field(e: CanonicalEvent, ...names: string[]): string {
  for (const name of names) {
    const v = text(e.fields[name]);
    if (v) return v;
  }
  return '';
}

const eventIds = new WeakMap<CanonicalEvent, number | null>();

/** The numeric event id (Windows EventID), memoised: every heuristic asks for it. */
export function eventId(e: CanonicalEvent): number | undefined {
  const cached = eventIds.get(e);
  if (cached !== undefined) return cached ?? undefined;
  const v = e.fields.EventID ?? e.fields.event_id ?? e.fields.EventId;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  const id = Number.isFinite(n) ? n : undefined;
  eventIds.set(e, id ?? null);
  return id;
}

const verbCache = new WeakMap<CanonicalEvent, string>();

/** The action words of an event: canonical verb, raw action, vendor event type (memoised). */
export function verbs(e: CanonicalEvent): string {
  const cached = verbCache.get(e);
  if (cached !== undefined) return cached;
  const v = [e.action, field(e, 'action', 'eventType', 'eventName', 'operationName', 'activityDisplayName', 'event_type')]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  verbCache.set(e, v);
  return v;
}

const WINDOWS_LOGON_IDS = new Set([4624, 4625, 4768, 4771, 4776]);

export function isLogon(e: CanonicalEvent): boolean {
  const id = eventId(e);
  if (id !== undefined && WINDOWS_LOGON_IDS.has(id) && isWindowsSecurity(e)) return true;
  const v = verbs(e);
  if (/mfa|factor|verify|password_reset|session\.end|logoff|logout/.test(v)) return /auth_via_mfa|sso/.test(v);
  return /\b(?:logon|login|log_in|sign_?in|signin|authentication|auth_success|auth_failure|authenticate|session\.start|consolelogin|ssh_login|user_login)\b|^logon|login_|logon_|authentication_/.test(v);
}

function isWindowsSecurity(e: CanonicalEvent): boolean {
  const channel = field(e, 'Channel').toLowerCase();
  return channel === '' || channel === 'security' || e.logsource.service === 'security';
}

export function outcomeOf(e: CanonicalEvent): Outcome {
  if (e.outcome !== 'unknown') return e.outcome;
  const id = eventId(e);
  if (id === 4624) return 'success';
  if (id === 4625 || id === 4771) return 'failure';
  // Kerberos TGT requests: Status 0x6 (unknown user), 0x12 (revoked), 0x18 (bad password) are failed logons.
  if (id === 4768) return /^0x0*(?:6|12|18)$/i.test(field(e, 'Status').trim()) ? 'failure' : /^0x0+$/i.test(field(e, 'Status').trim()) ? 'success' : 'unknown';
  const v = verbs(e);
  if (/fail|denied|deny|reject|invalid|error/.test(v)) return 'failure';
  if (/success|accepted|allow/.test(v)) return 'success';
  return 'unknown';
}

/** Entra ID sign-in results that mean the second factor was refused or failed (the password was right). */
const ENTRA_MFA_FAILURES = new Set(['500121', '50088', '50097']);

export function isMfaDenial(e: CanonicalEvent): boolean {
  if (e.format === 'entra_id' && ENTRA_MFA_FAILURES.has(field(e, 'ResultType', 'resultType', 'errorCode'))) return true;
  const v = `${verbs(e)} ${field(e, 'message').toLowerCase()}`;
  return /mfa|push|verify|factor/.test(v) && (/deny|denied|reject/.test(v) || (/mfa|push/.test(v) && outcomeOf(e) === 'failure'));
}

export function isMfaRegistration(e: CanonicalEvent): boolean {
  const v = verbs(e);
  return /factor\.activate|mfa\.factor\.(?:enroll|update)|register(?:ed)? security info|device registration|add registered|authenticator.*(?:add|register)/.test(v);
}

export function isAccountCreation(e: CanonicalEvent): boolean {
  if (eventId(e) === 4720) return true;
  return /\b(?:user_created|account_created|create_user|createuser|useradd|user\.lifecycle\.create|add user)\b/.test(verbs(e));
}

const GROUP_ADD_IDS = new Set([4728, 4732, 4756]);

export function isGroupMembershipAdd(e: CanonicalEvent): boolean {
  if (GROUP_ADD_IDS.has(eventId(e) ?? 0)) return true;
  return /\b(?:group_member_added|member_added|addusertogroup|add member to group|group\.user_membership\.add|usermod)\b/.test(verbs(e));
}

export function isKerberosServiceTicket(e: CanonicalEvent): boolean {
  return eventId(e) === 4769 && isWindowsSecurity(e);
}

export function isDnsQuery(e: CanonicalEvent): boolean {
  if (e.action === 'dns_query' || e.logsource.category === 'dns' || e.logsource.category === 'dns_query') return true;
  return field(e, '_path', 'log') === 'dns' || (field(e, 'query') !== '' && field(e, 'qtype_name') !== '');
}

export function dnsQueryName(e: CanonicalEvent): string {
  return (e.entities.domain ?? field(e, 'query', 'QueryName', 'dns.question.name', 'query_name')).toLowerCase().replace(/\.$/, '');
}

export function isProcessCreation(e: CanonicalEvent): boolean {
  if (e.action === 'process_create' || e.logsource.category === 'process_creation') return true;
  const id = eventId(e);
  return (id === 4688 && isWindowsSecurity(e)) || (id === 1 && e.format === 'sysmon');
}

export function isNetworkConnection(e: CanonicalEvent): boolean {
  if (e.action === 'network_connection' || e.logsource.category === 'network_connection' || e.logsource.category === 'firewall') return true;
  return e.entities.srcIp !== undefined && e.entities.dstIp !== undefined && e.entities.dstPort !== undefined && !isLogon(e);
}

/** Well-known remote-access services by port. */
export const REMOTE_SERVICES: Record<number, { name: string; technique: string }> = {
  22: { name: 'SSH', technique: 'T1021.004' },
  3389: { name: 'RDP', technique: 'T1021.001' },
  5985: { name: 'WinRM', technique: 'T1021.006' },
  5986: { name: 'WinRM', technique: 'T1021.006' },
  445: { name: 'SMB', technique: 'T1021.002' },
  5900: { name: 'VNC', technique: 'T1021.005' },
  23: { name: 'Telnet', technique: 'T1021' },
};

/** The remote service a logon used, from its own fields (Windows logon type, port, service name). */
export function logonService(e: CanonicalEvent): { name: string; technique: string } | undefined {
  const logonType = Number(field(e, 'LogonType', 'logon_type'));
  if (logonType === 10) return REMOTE_SERVICES[3389];
  if (e.entities.dstPort !== undefined && REMOTE_SERVICES[e.entities.dstPort]) return REMOTE_SERVICES[e.entities.dstPort];
  const hint = `${e.entities.protocol ?? ''} ${field(e, 'service', 'program', 'process', 'AuthenticationPackageName')} ${field(e, 'exe', 'terminal')} ${e.message ?? ''}`.toLowerCase();
  if (/\bssh|sshd\b/.test(hint)) return REMOTE_SERVICES[22];
  if (/\brdp\b|remote desktop|termservice/.test(hint)) return REMOTE_SERVICES[3389];
  if (/winrm|wsman/.test(hint)) return REMOTE_SERVICES[5985];
  return undefined;
}

const FORWARD_PARAMETERS = /^(?:forwardto|redirectto|forwardasattachmentto|forwardingsmtpaddress|forwardingaddress)$/i;

/** Addresses a mailbox rule or mailbox setting forwards mail to (Exchange / M365 audit `Parameters`). */
export function mailForwardTargets(e: CanonicalEvent): string[] {
  const params = e.fields.Parameters ?? e.fields.parameters;
  if (!Array.isArray(params)) return [];
  const out: string[] = [];
  for (const p of params) {
    if (p === null || typeof p !== 'object') continue;
    const { Name: name, Value: value } = p as { Name?: unknown; Value?: unknown };
    if (typeof name !== 'string' || typeof value !== 'string' || !FORWARD_PARAMETERS.test(name)) continue;
    for (const part of value.split(/[;,]/)) {
      const address = part.trim().replace(/^smtp:/i, '').replace(/^"|"$/g, '');
      if (/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(address)) out.push(address);
    }
  }
  return out;
}

/** A mailbox rule or setting that also deletes or hides what it forwards. */
export function mailRuleHides(e: CanonicalEvent): boolean {
  const params = e.fields.Parameters ?? e.fields.parameters;
  if (!Array.isArray(params)) return false;
  return params.some((p) => p !== null && typeof p === 'object' && /^(?:deletemessage|movetofolder|markasread)$/i.test(String((p as { Name?: unknown }).Name ?? '')));
}

/** What a scheduled task runs, from the task XML Windows logs with 4698/4702 (`<Command>` and `<Arguments>`). */
export function taskCommand(e: CanonicalEvent): string | undefined {
  const xml = field(e, 'TaskContent', 'TaskContentNew');
  const command = /<Command>\s*([^<]+?)\s*<\/Command>/i.exec(xml)?.[1];
  if (!command) return undefined;
  const args = /<Arguments>\s*([^<]*?)\s*<\/Arguments>/i.exec(xml)?.[1];
  return args ? `${command} ${args}` : command;
}
