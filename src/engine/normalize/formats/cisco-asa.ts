import type { EventEntities, Outcome } from '../../model';
import { parseIso, parseSyslogTime } from '../time';
import type { LineFormat, NormalizedParts, YearlessTime } from '../types';

/**
 * Cisco ASA / FTD syslog (`%ASA-4-106023: Deny tcp src outside:198.51.100.1/4444 dst inside:10.0.0.1/22 ...`).
 * Connection verdicts become firewall events (SigmaHQ firewall fields), AAA and management logins become logons.
 */
const TAG_RE = /%(ASA|FTD|PIX|FWSM)-(\d)-(\d{6}): ?/;
const ASA_TIME_RE = /^(?:<\d{1,3}>)?(?:([A-Z][a-z]{2}) +(\d{1,2}) (\d{4}) (\d{2}:\d{2}:\d{2})|([A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}))(?: (\S+?))?:? /;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Verdict {
  src?: [string, string | undefined];
  dst?: [string, string | undefined];
  protocol?: string;
  action: string;
  outcome: Outcome;
  user?: string;
  verb: string;
}

type Rule = readonly [RegExp, (m: RegExpExecArray) => Verdict];

const ADDR = '([0-9a-fA-F:.]+)';
const RULES: readonly Rule[] = [
  [new RegExp(`^Deny (\\w+) src [^:]+:${ADDR}/(\\d+) dst [^:]+:${ADDR}/(\\d+)`), (m) => ({ protocol: m[1], src: [m[2], m[3]], dst: [m[4], m[5]], action: 'deny', outcome: 'failure', verb: 'network_connection' })],
  [new RegExp(`^Built (inbound|outbound) (\\w+) connection \\S+ for [^:]+:${ADDR}/(\\d+) \\([^)]*\\) to [^:]+:${ADDR}/(\\d+)`), (m) => {
    const first: [string, string] = [m[3], m[4]];
    const second: [string, string] = [m[5], m[6]];
    // "for <outside peer> to <inside host>": the outside peer initiated an inbound connection, the inside host an outbound one.
    return { protocol: m[2], src: m[1] === 'inbound' ? first : second, dst: m[1] === 'inbound' ? second : first, action: 'allow', outcome: 'success', verb: 'network_connection' };
  }],
  [new RegExp(`access-list \\S+ (permitted|denied|est-allowed) (\\w+) [^/]+/${ADDR}\\((\\d+)\\) -> [^/]+/${ADDR}\\((\\d+)\\)`), (m) => ({ protocol: m[2], src: [m[3], m[4]], dst: [m[5], m[6]], action: m[1] === 'denied' ? 'deny' : 'allow', outcome: m[1] === 'denied' ? 'failure' : 'success', verb: 'network_connection' })],
  [new RegExp(`(?:denied|Deny).*?from (?:[^:\\s]+:)?${ADDR}/(\\d+) to (?:[^:\\s]+:)?${ADDR}/(\\d+)`, 'i'), (m) => ({ src: [m[1], m[2]], dst: [m[3], m[4]], action: 'deny', outcome: 'failure', verb: 'network_connection' })],
  [new RegExp(`^Login (permitted|denied) from ${ADDR}/(\\d+) to [^:]+:${ADDR}/(\\S+) for user "([^"]*)"`), (m) => ({ src: [m[2], m[3]], dst: [m[4], undefined], user: m[6], action: m[1] === 'permitted' ? 'logon' : 'logon_failed', outcome: m[1] === 'permitted' ? 'success' : 'failure', verb: 'logon' })],
  [/^AAA user authentication (Successful|Rejected)\b.*?user = ([^:\s]+)(?:.*?user IP = ([0-9a-fA-F:.]+))?/, (m) => ({ src: m[3] ? [m[3], undefined] : undefined, user: m[2], action: m[1] === 'Successful' ? 'logon' : 'logon_failed', outcome: m[1] === 'Successful' ? 'success' : 'failure', verb: 'logon' })],
];

function asaTime(line: string): { time?: number; yearless?: YearlessTime; host?: string } {
  const m = ASA_TIME_RE.exec(line);
  if (!m) return {};
  const host = m[6] && !m[6].startsWith('%') ? m[6] : undefined;
  if (m[1]) {
    const month = MONTHS.indexOf(m[1]) + 1;
    return { time: month ? parseIso(`${m[3]}-${String(month).padStart(2, '0')}-${m[2].padStart(2, '0')}T${m[4]}Z`) : undefined, host };
  }
  return { yearless: parseSyslogTime(m[5].replace(/ {2}/, ' ')), host };
}

export function parseAsaLine(line: string): NormalizedParts | undefined {
  const tag = TAG_RE.exec(line);
  if (!tag) return undefined;
  const message = line.slice((tag.index ?? 0) + tag[0].length);
  const fields: Record<string, unknown> = { asa_product: tag[1], asa_severity: Number(tag[2]), asa_message_id: tag[3], message };
  const { time, yearless, host } = asaTime(line);
  if (host) fields.host = host;
  let verdict: Verdict | undefined;
  // ASA messages are short; the unanchored patterns are not run over a crafted megabyte.
  const head = message.length > 4096 ? message.slice(0, 4096) : message;
  for (const [re, build] of RULES) {
    const m = re.exec(head);
    if (m) {
      verdict = build(m);
      break;
    }
  }
  const e: EventEntities = {};
  if (host) e.host = host;
  if (verdict?.src) {
    fields.src_ip = fields.SourceIp = verdict.src[0];
    e.srcIp = verdict.src[0];
    if (verdict.src[1]) {
      fields.src_port = Number(verdict.src[1]);
      e.srcPort = Number(verdict.src[1]);
    }
  }
  if (verdict?.dst) {
    fields.dst_ip = fields.DestinationIp = verdict.dst[0];
    e.dstIp = verdict.dst[0];
    const port = verdict.dst[1] && /^\d+$/.test(verdict.dst[1]) ? Number(verdict.dst[1]) : undefined;
    if (port) {
      fields.dst_port = fields.DestinationPort = port;
      e.dstPort = port;
    }
  }
  if (verdict?.protocol) e.protocol = fields.protocol = verdict.protocol.toLowerCase();
  if (verdict?.user) {
    fields.user = verdict.user;
    e.user = verdict.user;
    e.targetUser = verdict.user;
  }
  const traffic = verdict?.verb === 'network_connection';
  if (traffic) fields.action = verdict?.action;
  return {
    format: 'firewall',
    fields,
    logsource: traffic ? { product: 'cisco', service: 'asa', category: 'firewall' } : { product: 'cisco', service: 'asa' },
    time,
    yearless: time === undefined ? yearless : undefined,
    action: traffic ? 'network_connection' : verdict?.action,
    outcome: verdict?.outcome ?? 'unknown',
    entities: e,
    message,
  };
}

export const asaLineFormat: LineFormat = {
  id: 'firewall',
  detect: (line) => line.includes('%ASA-') || line.includes('%FTD-') || line.includes('%PIX-') || line.includes('%FWSM-'),
  normalize: (line) => parseAsaLine(line),
};
