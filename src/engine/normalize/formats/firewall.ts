import { actionMeaning } from '../actions';
import { applyAliases, entitiesFromFields } from '../aliases';
import { str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';
import { genericOutcome } from './generic';

const FIREWALL_SOURCES = new Set([
  'firewall', 'fw', 'ngfw', 'iptables', 'nftables', 'netfilter', 'ufw', 'pf', 'pfsense', 'opnsense', 'paloalto', 'pan-os',
  'fortigate', 'fortinet', 'asa', 'cisco_asa', 'checkpoint', 'sonicwall', 'juniper', 'srx', 'nsg', 'azure_firewall',
  'aws_network_firewall', 'vpc_flow', 'vpcflow', 'windows_firewall', 'network_firewall', 'perimeter', 'traffic',
]);

const ACTION_KEYS = ['action', 'disposition', 'verdict'];

function sourceWord(raw: RawObject): string | undefined {
  const v = raw.source ?? raw.log_type ?? raw.logtype ?? raw.device_type ?? raw.type ?? raw.product;
  return typeof v === 'string' ? v.toLowerCase() : undefined;
}

/** Network permit/deny records: named as firewall output, or an allow/deny verdict over an address pair. */
export function isFirewall(raw: RawObject): boolean {
  const src = sourceWord(raw);
  if (src && FIREWALL_SOURCES.has(src)) return true;
  if (raw.url !== undefined || raw.process !== undefined || raw.query !== undefined) return false;
  const hasAddresses = (raw.dst_port ?? raw.dstport ?? raw.dest_port) !== undefined && (raw.src_ip ?? raw.srcip ?? raw.source_ip) !== undefined;
  if (!hasAddresses) return false;
  return ACTION_KEYS.some((k) => actionMeaning(raw[k])?.action === 'network_connection');
}

export const firewallFormat: ObjectFormat = {
  id: 'firewall',
  detect: isFirewall,
  normalize: (raw) => normalizeFirewall(raw),
};

function normalizeFirewall(raw: RawObject): NormalizedParts {
  const fields: Record<string, unknown> = { ...raw };
  applyAliases(fields, 'generic');
  const verdict = ACTION_KEYS.map((k) => actionMeaning(raw[k])).find((m) => m !== undefined);
  return {
    format: 'firewall',
    fields,
    logsource: { category: 'firewall' },
    time: timeFrom(raw),
    action: 'network_connection',
    outcome: verdict?.outcome ?? genericOutcome(raw, undefined),
    entities: () => {
      const entities = entitiesFromFields(fields, {});
      const user = str(fields.User);
      if (user) entities.user = user;
      return entities;
    },
    message: str(raw.message) ?? str(raw.msg),
  };
}
