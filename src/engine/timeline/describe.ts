import type { CanonicalEvent } from '../model';
import { baseName } from '../correlate/entities';
import { eventId, field, isDnsQuery, isLogon, logonService, outcomeOf, REMOTE_SERVICES } from '../correlate/event-kinds';
import { isExternalIp, isInternalIp } from '../indicators/ip';
import { readableEventName } from './event-names';

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
export function describeEvent(e: CanonicalEvent, label: Labeller = plain): string {
  const en = e.entities;
  if (isLogon(e)) return describeLogon(e, label);
  if (e.action === 'process_create') {
    const actor = en.user ? `${en.user} ran` : 'Process started:';
    const proc = baseName(en.process) ?? 'a process';
    const parent = en.parentProcess ? ` (parent ${baseName(en.parentProcess)})` : '';
    const cmd = en.commandLine && en.commandLine.trim().toLowerCase() !== proc ? `: ${short(en.commandLine)}` : '';
    return `${actor} ${proc}${parent}${on(e)}${cmd}`;
  }
  if (e.action === 'network_connection' || e.logsource.category === 'firewall') {
    const who = sourceName(e) || 'Sensor';
    const verdict = outcomeOf(e) === 'failure' ? 'blocked' : 'allowed';
    const dir = isExternalIp(en.srcIp) && isInternalIp(en.dstIp) ? 'inbound ' : isInternalIp(en.srcIp) && isExternalIp(en.dstIp) ? 'outbound ' : '';
    const proc = en.process ? ` by ${baseName(en.process)}` : '';
    const port = en.dstPort !== undefined && !REMOTE_SERVICES[en.dstPort] ? `:${en.dstPort}` : '';
    return `${who} ${verdict} ${dir}${serviceOfPort(en.dstPort)}connection${proc} from ${label(en.srcIp ?? '?')} to ${label(en.dstIp ?? en.host ?? '?')}${port}`;
  }
  if (isDnsQuery(e)) return `${label(en.srcIp ?? en.host ?? 'A client')} queried ${label(en.domain ?? field(e, 'query'))}${field(e, 'qtype_name') ? ` (${field(e, 'qtype_name')})` : ''}`;
  if (e.action === 'http_request' || e.action === 'file_download' || en.url) {
    const status = field(e, 'status', 'status_code', 'sc-status');
    const bytes = field(e, 'bytes_in', 'bytes', 'sc-bytes');
    return `${en.user ?? label(en.srcIp ?? 'A client')} ${field(e, 'method', 'cs-method') || 'requested'} ${label(en.url ?? en.domain ?? '?')}${status ? ` (HTTP ${status}${bytes ? `, ${bytes} bytes` : ''})` : ''}`;
  }
  if (e.action === 'file_create') return `${baseName(en.process) ?? en.user ?? 'A process'} wrote ${en.file ?? 'a file'}${on(e)}${en.hashes?.[0] ? ` (SHA-256 ${en.hashes[0].slice(0, 12)}…)` : ''}`;
  if (e.action === 'account_created') return `${en.user ?? 'Someone'} created account ${en.targetUser ?? '?'}${on(e)}`;
  if (e.action === 'group_member_added') {
    const member = field(e, 'MemberName');
    return `${en.user ?? 'Someone'} added ${member && member !== '-' ? member : field(e, 'MemberSid') || 'an account'} to group ${field(e, 'TargetUserName', 'GroupName') || en.targetUser || '?'}${on(e)}`;
  }
  if (e.action === 'registry_set') return `${baseName(en.process) ?? en.user ?? 'A process'} set registry value ${en.registryKey ?? '?'}${on(e)}`;
  if (e.action === 'service_install') return `Service ${en.service ?? '?'} installed${on(e)}${en.file ? ` (${en.file})` : ''}`;
  if (e.action === 'task_create') return `Scheduled task ${en.task ?? '?'} created${en.user ? ` by ${en.user}` : ''}${on(e)}`;
  return genericSentence(e, label);
}

function describeLogon(e: CanonicalEvent, label: Labeller): string {
  const en = e.entities;
  const outcome = outcomeOf(e);
  const service = logonService(e);
  const verdict = outcome === 'failure' ? 'Failed' : outcome === 'success' ? 'Successful' : 'Attempted';
  const who = en.targetUser ?? en.user ?? en.cloudIdentity;
  const from = en.srcIp ? ` from ${label(en.srcIp)}` : en.srcHost ? ` from ${en.srcHost}` : '';
  const to = en.host ? ` to ${en.host}` : en.dstIp ? ` to ${label(en.dstIp)}` : '';
  return `${verdict} ${service ? `${service.name} ` : ''}logon${who ? ` as ${who}` : ''}${from}${to}`;
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
