import type { CanonicalEvent } from '../model';
import { baseName } from '../correlate/entities';
import { eventId, field, isDnsQuery, isLogon, isMfaDenial, mailForwardTargets, mailRuleHides, outcomeOf, REMOTE_SERVICES, taskCommand } from '../correlate/event-kinds';
import { isExternalIp, isInternalIp } from '../indicators/ip';
import { readableEventName } from './event-names';
import { analyseArtifact } from '../artifact';
import { NO_CONTEXT, type DescribeContext } from './context';
import { cloudSentence, nested } from './cloud';

/** Adds threat-intel context to a value: "185.220.101.42 (Tor exit node)". */
export type Labeller = (value: string) => string;

const plain: Labeller = (v) => v;
const MAX_COMMAND = 160;

function short(text: string, max = MAX_COMMAND): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

function sourceName(e: CanonicalEvent): string {
  const src = field(e, 'source', 'product', 'observer', 'device_product').toLowerCase();
  if (/firewall|fw|palo|fortinet|asa|iptables|ufw/.test(src) || e.format === 'firewall' || e.logsource.category === 'firewall') return 'Firewall';
  if (/proxy|squid|zscaler|bluecoat/.test(src) || e.logsource.category === 'proxy') return 'Proxy';
  if (e.format === 'zeek' || e.format === 'suricata') return 'Network sensor';
  return '';
}

function serviceOfPort(port: number | undefined): string {
  return port !== undefined && REMOTE_SERVICES[port] ? `${REMOTE_SERVICES[port].name} ` : '';
}

function on(e: CanonicalEvent): string {
  return e.entities.host ? ` on ${e.entities.host}` : '';
}

/** One readable sentence for one event: actor, action, target, outcome. */
export function describeEvent(e: CanonicalEvent, label: Labeller = plain, ctx: DescribeContext = NO_CONTEXT): string {
  const en = e.entities;
  if (isLogon(e)) return describeLogon(e, label, ctx);
  if (e.action === 'process_create') {
    const actor = en.user ? `${en.user} ran` : 'Process started:';
    const proc = baseName(en.process) ?? 'a process';
    const parent = en.parentProcess ? ` (parent ${baseName(en.parentProcess)})` : '';
    const cmd = en.commandLine && en.commandLine.trim().toLowerCase() !== proc ? `: ${commandText(en.commandLine)}` : '';
    return `${actor} ${proc}${parent}${on(e)}${cmd}`;
  }
  const unix = unixSentence(e);
  if (unix) return unix;
  if (e.format === 'suricata' && e.action === 'alert') return alertSentence(e, label);
  if (e.action === 'network_connection' || e.logsource.category === 'firewall') {
    const who = sourceName(e) || 'Sensor';
    const verdict = outcomeOf(e) === 'failure' ? 'blocked' : 'allowed';
    const dir = isExternalIp(en.srcIp) && isInternalIp(en.dstIp) ? 'inbound ' : isInternalIp(en.srcIp) && isExternalIp(en.dstIp) ? 'outbound ' : '';
    const proc = en.process ? ` by ${baseName(en.process)}` : '';
    const port = en.dstPort !== undefined && !REMOTE_SERVICES[en.dstPort] ? `:${en.dstPort}` : '';
    return `${who} ${verdict} ${dir}${serviceOfPort(en.dstPort)}connection${proc} from ${label(en.srcIp ?? '?')} to ${label(en.dstIp ?? en.host ?? '?')}${port}`;
  }
  if (isDnsQuery(e)) return `${label(en.srcIp ?? en.host ?? 'A client')} queried ${label(en.domain ?? field(e, 'query'))}${field(e, 'qtype_name') ? ` (${field(e, 'qtype_name')})` : ''}`;
  const cloud = cloudSentence(e, label);
  if (cloud) return cloud;
  const forwards = mailForwardTargets(e);
  if (forwards.length > 0) {
    const what = field(e, 'Operation', 'operationName') || 'mailbox change';
    const who = en.user ?? en.cloudIdentity ?? 'An account';
    return `${who} set mail forwarding to ${forwards.join(', ')} (${what})${mailRuleHides(e) ? ', hiding or deleting the forwarded messages' : ''}${en.srcIp ? ` from ${label(en.srcIp)}` : ''}`;
  }
  if (e.action === 'http_request' || e.action === 'file_download' || en.url) {
    const status = field(e, 'status', 'status_code', 'sc-status');
    const bytes = field(e, 'bytes_in', 'bytes', 'sc-bytes');
    const from = en.user ?? label(en.srcIp ?? 'A client');
    const via = en.user && en.srcIp && !en.url?.includes(en.srcIp) ? ` (${label(en.srcIp)})` : '';
    return `${from}${via} ${field(e, 'method', 'cs-method') || 'requested'} ${label(readableUrl(en.url ?? en.domain ?? '?'))}${status ? ` (HTTP ${status}${bytes ? `, ${bytes} bytes` : ''})` : ''}`;
  }
  if (e.action === 'file_create') return `${baseName(en.process) ?? en.user ?? 'A process'} wrote ${en.file ?? 'a file'}${on(e)}${en.hashes?.[0] ? ` (SHA-256 ${en.hashes[0].slice(0, 12)}…)` : ''}`;
  if (e.action === 'account_created') {
    const account = en.targetUser ?? '?';
    const details = [field(e, 'uid') && `UID ${field(e, 'uid')}`, field(e, 'shell') && `shell ${field(e, 'shell')}`].filter(Boolean).join(', ');
    return `${en.user ? `${en.user} created account ${account}` : `Account ${account} created`}${on(e)}${details ? ` (${details})` : ''}`;
  }
  if (e.action === 'group_member_added') return groupSentence(e, ctx);
  if (eventId(e) === 5145 && field(e, 'ShareName')) {
    const target = field(e, 'RelativeTargetName');
    return `${en.user ?? 'An account'} accessed ${target ? `${target} on ` : ''}share ${field(e, 'ShareName')}${en.srcIp ? ` from ${label(en.srcIp)}` : ''}${on(e)}`;
  }
  const replication = replicationRights(e);
  if (replication) return `${en.user ?? 'An account'} requested replication of directory secrets (${replication}, as DCSync does)${on(e)}`;
  if (e.action === 'registry_set') return `${baseName(en.process) ?? en.user ?? 'A process'} set registry value ${en.registryKey ?? '?'}${on(e)}`;
  if (e.action === 'service_install') {
    const account = field(e, 'AccountName', 'ServiceAccount');
    return `Service ${en.service ?? '?'} installed${on(e)}${en.file ? ` (${en.file}` : ''}${account && en.file ? `, runs as ${account})` : en.file ? ')' : ''}`;
  }
  if (e.action === 'task_create') {
    const runs = taskCommand(e);
    return `Scheduled task ${en.task ?? '?'} created${en.user ? ` by ${en.user}` : ''}${on(e)}${runs ? ` (runs ${short(runs, 120)})` : ''}`;
  }
  return genericSentence(e, label);
}

/** Directory replication extended rights, by the GUIDs 4662 lists in Properties. */
const REPLICATION_RIGHTS: ReadonlyArray<[string, string]> = [
  ['1131f6ad-9c07-11d1-f79f-00c04fc2dcd2', 'DS-Replication-Get-Changes-All'],
  ['1131f6aa-9c07-11d1-f79f-00c04fc2dcd2', 'DS-Replication-Get-Changes'],
  ['89e95b76-444d-4c62-991a-0facbeda640c', 'DS-Replication-Get-Changes-In-Filtered-Set'],
];

function replicationRights(e: CanonicalEvent): string | undefined {
  if (eventId(e) !== 4662) return undefined;
  const properties = field(e, 'Properties').toLowerCase();
  const names = REPLICATION_RIGHTS.filter(([guid]) => properties.includes(guid)).map(([, name]) => name);
  return names.length > 0 ? names.join(', ') : undefined;
}

/** An encoded command is shown short, followed by what it decodes to: that is what the responder needs to read. */
function commandText(commandLine: string): string {
  const analysis = analyseArtifact(commandLine);
  if (analysis.layers.length === 0 || analysis.decoded.trim() === commandLine.trim()) return short(commandLine);
  return `${short(commandLine, 80)} (decoded: ${short(analysis.decoded, MAX_COMMAND)})`;
}

/** `%27%20UNION` reads as `' UNION`: the request as the attacker wrote it. */
export function readableUrl(url: string): string {
  try {
    return short(decodeURIComponent(url.replace(/\+/g, ' ')), 200);
  } catch {
    return short(url, 200);
  }
}

/** sudo, cron and crontab lines in words (their raw text is terse and field-shaped). */
function unixSentence(e: CanonicalEvent): string | undefined {
  const en = e.entities;
  const service = e.logsource.service;
  if (service === 'sudo' && en.commandLine) {
    return `${en.user ?? 'A user'} ran ${short(en.commandLine)} as ${en.targetUser ?? 'root'} via sudo${on(e)}${outcomeOf(e) === 'failure' ? ' (denied)' : ''}`;
  }
  if (service !== 'cron') return undefined;
  if (e.action === 'task_run' && en.commandLine) return `cron ran as ${en.user ?? 'a user'}${on(e)}: ${short(en.commandLine)}`;
  const op = field(e, 'crontab_op');
  if (op) {
    const verb: Record<string, string> = { REPLACE: 'replaced', BEGIN: 'opened for editing', END: 'saved', DELETE: 'deleted', LIST: 'listed' };
    return `Crontab of ${en.targetUser ?? en.user ?? 'a user'} ${verb[op.toUpperCase()] ?? op.toLowerCase()}${en.user && en.user !== en.targetUser ? ` by ${en.user}` : ''}${on(e)}`;
  }
  return undefined;
}

function alertSentence(e: CanonicalEvent, label: Labeller): string {
  const en = e.entities;
  const signature = field(e, 'signature') || 'an alert';
  const port = en.dstPort !== undefined ? `:${en.dstPort}` : '';
  const sni = en.domain ? ` (${label(en.domain)})` : '';
  const blocked = /block|drop/i.test(field(e, 'alert.action')) ? ', blocked' : '';
  return `Network sensor alert "${signature}": ${label(en.srcIp ?? '?')} to ${label(en.dstIp ?? '?')}${port}${sni}${blocked}`;
}

function groupSentence(e: CanonicalEvent, ctx: DescribeContext): string {
  const en = e.entities;
  const group = field(e, 'GroupName', 'group') || field(e, 'TargetUserName') || '?';
  const named = field(e, 'MemberName', 'member');
  const sid = field(e, 'MemberSid');
  const other = en.targetUser && en.targetUser !== group && !/^S-1-\d/.test(en.targetUser) ? en.targetUser : undefined;
  const explicit = named && named !== '-' ? (/CN=([^,]+)/i.exec(named)?.[1] ?? named) : other;
  const guessed = explicit ? undefined : ctx.member(e);
  const member = explicit ?? (guessed ? `${guessed}${sid ? ` (SID ${sid}, the account created just before)` : ''}` : sid || 'an account');
  return `${en.user ? `${en.user} added` : 'Added'} ${member} to group ${group}${on(e)}`;
}

/** Windows logon types a responder reads differently (a network logon is how remote tools arrive). */
const LOGON_TYPES: Record<number, string> = { 2: 'interactive ', 3: 'network ', 4: 'batch ', 5: 'service ', 7: 'unlock ', 8: 'cleartext network ', 9: 'new-credentials ', 11: 'cached ' };

const CLOUD_FORMATS = new Set(['okta', 'entra_id', 'cloudtrail', 'm365', 'gcp']);

function describeLogon(e: CanonicalEvent, label: Labeller, ctx: DescribeContext): string {
  const en = e.entities;
  const outcome = outcomeOf(e);
  const who = en.targetUser ?? en.user ?? en.cloudIdentity;
  const from = en.srcIp ? ` from ${label(en.srcIp)}` : en.srcHost ? ` from ${en.srcHost}` : '';
  if (isMfaDenial(e)) return `MFA request ${/deny|denied|reject/i.test(`${field(e, 'eventType')} ${field(e, 'ResultDescription')}`) ? 'denied' : 'failed'}${who ? ` for ${who}` : ''}${from}`;
  const service = ctx.service(e);
  const verdict = outcome === 'failure' ? 'Failed' : outcome === 'success' ? 'Successful' : 'Attempted';
  const to = en.host ? ` to ${en.host}` : en.dstIp ? ` to ${label(en.dstIp)}` : '';
  const noun = CLOUD_FORMATS.has(e.format) ? 'sign-in' : `${service ? '' : LOGON_TYPES[Number(field(e, 'LogonType', 'logon_type'))] ?? ''}logon`;
  const pkg = field(e, 'AuthenticationPackageName').trim();
  const via = /^(?:ntlm|kerberos)$/i.test(pkg) && outcome === 'success' ? ` (${pkg})` : '';
  const workstation = en.srcIp && en.srcHost && en.srcHost !== '-' && !from.includes(en.srcHost) ? ` (${en.srcHost})` : '';
  const mfa = /^no$/i.test(nested(e, 'additionalEventData.MFAUsed')) ? ' without MFA' : '';
  return `${verdict} ${service ? `${service.name} ` : ''}${noun}${via}${who ? ` as ${who}` : ''}${from}${workstation}${to}${mfa}`;
}

function humanAction(e: CanonicalEvent): string {
  const id = eventId(e);
  const words = (e.action ?? `${e.format} event`).replace(/_/g, ' ');
  const sentence = words.charAt(0).toUpperCase() + words.slice(1);
  return id !== undefined ? `${sentence} (event ${id})` : sentence;
}

function objectOf(e: CanonicalEvent): string {
  const en = e.entities;
  const object = en.file ?? en.registryKey ?? en.service ?? en.task ?? field(e, 'TargetImage', 'ObjectName', 'TargetObject', 'ObjectDN', 'ServiceName', 'ShareName');
  return object ? `: ${short(object, 120)}` : '';
}

function genericSentence(e: CanonicalEvent, label: Labeller): string {
  const en = e.entities;
  const parts: string[] = [];
  const raw = e.message ?? field(e, 'displayMessage', 'eventType', 'eventName', 'operationName') ?? '';
  const readable = readableEventName(raw);
  // Keep the original identifier beside its reading: it is what an analyst searches for.
  const what = readable ? `${readable} (${raw})` : raw;
  const proc = baseName(en.process);
  parts.push(what ? short(what, 120).replace(/\.$/, '') : `${humanAction(e)}${proc ? ` by ${proc}` : ''}${objectOf(e)}`);
  const who = en.user ?? en.cloudIdentity;
  if (who && !parts[0].includes(who)) parts.push(`${proc && !what ? 'as' : 'by'} ${who}`);
  if (en.srcIp && !parts[0].includes(en.srcIp)) parts.push(`from ${label(en.srcIp)}`);
  if (en.host && !parts[0].includes(en.host)) parts.push(`on ${en.host}`);
  if (outcomeOf(e) === 'failure' && !/denied|failed|rejected|locked/i.test(parts[0])) parts.push('(failed)');
  return parts.join(' ');
}
