/**
 * The logsources the normaliser assigns, for a rule set to compile its routes at load rather than
 * on the first event of each (RuleSet `logsources` option). Windows and Linux Sysmon logsources are
 * derived from the same tables the normaliser reads; the other formats' fixed logsources are listed.
 * A logsource missing here still works: its route is built when an event first needs it.
 */
import type { LogSource } from '../model';
import { LINUX_CHANNELS, SYSMON_REGISTRY_EVENT_TYPES, WINDOWS_CHANNEL_SERVICES, WINDOWS_EVENT_CATEGORIES, WINDOWS_PROVIDER_SERVICES } from './windows-logsource';

/** Logsources of the non-Windows formats that do not depend on the event (formats/*.ts). */
const FIXED: readonly LogSource[] = [
  { product: 'linux' },
  { product: 'linux', service: 'sshd' },
  { product: 'linux', service: 'sudo' },
  { product: 'linux', service: 'auditd' },
  { product: 'linux', service: 'auditd', category: 'process_creation' },
  { product: 'linux', service: 'syslog' },
  { product: 'linux', service: 'cron' },
  { product: 'linux', category: 'firewall' },
  { product: 'aws', service: 'cloudtrail' },
  { product: 'okta', service: 'okta' },
  { product: 'azure', service: 'signinlogs' },
  { product: 'azure', service: 'auditlogs' },
  { product: 'azure', service: 'activitylogs' },
  { product: 'gcp', service: 'gcp.audit' },
  { product: 'm365', service: 'audit' },
  { product: 'kubernetes', service: 'audit', category: 'application' },
  { product: 'zeek', service: 'dns', category: 'dns' },
  { product: 'zeek', service: 'conn' },
  { product: 'zeek', service: 'http' },
  { category: 'webserver' },
  { category: 'proxy' },
  { category: 'firewall' },
];

/** Windows services: every channel and provider the normaliser maps, with and without each category. */
function windowsLogsources(product: 'windows' | 'linux', services: Iterable<string>): LogSource[] {
  const out: LogSource[] = [{ product }];
  for (const service of new Set(services)) {
    out.push({ product, service });
    const categories = new Set(Object.values(WINDOWS_EVENT_CATEGORIES[service] ?? {}));
    if (service === 'sysmon') for (const category of Object.values(SYSMON_REGISTRY_EVENT_TYPES)) categories.add(category);
    for (const category of categories) out.push({ product, service, category });
  }
  return out;
}

/** Every logsource above, once each. */
export function knownLogsources(): LogSource[] {
  const windowsServices = [...Object.values(WINDOWS_CHANNEL_SERVICES), ...Object.values(WINDOWS_PROVIDER_SERVICES)];
  const linuxSysmon = LINUX_CHANNELS.size > 0 ? ['sysmon'] : [];
  const all = [...windowsLogsources('windows', windowsServices), ...windowsLogsources('linux', linuxSysmon), ...FIXED];
  const seen = new Set<string>();
  return all.filter((ls) => {
    const key = `${ls.product ?? ''}\u0000${ls.service ?? ''}\u0000${ls.category ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
