import type { EventEntities } from '../../model';
import { cleanIp } from '../aliases';
import { getPath, int, isObject, str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';

/** Google Cloud audit log entries (`protoPayload` of type AuditLog). */
export const gcpFormat: ObjectFormat = {
  id: 'gcp',
  detect: (raw) => {
    const p = raw.protoPayload;
    if (!isObject(p)) return false;
    const type = str(p['@type']) ?? '';
    return type.endsWith('AuditLog') || (p.methodName !== undefined && p.serviceName !== undefined);
  },
  normalize: (raw) => normalizeGcp(raw),
};

/** methodName fragments -> canonical action; first match wins. */
const GCP_ACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/SetIamPolicy/i, 'permission_granted'],
  [/CreateServiceAccountKey/i, 'access_key_created'],
  [/CreateServiceAccount$/i, 'account_created'],
  [/\.(delete|Delete)\w*$/, 'resource_deleted'],
  [/firewalls\.(insert|patch|update)/i, 'firewall_rule_added'],
  [/instances\.insert/i, 'instance_created'],
  [/storage\.objects\.get|GetObject/i, 'object_read'],
  [/sinks\.(delete|update)|DeleteSink|UpdateSink/i, 'logging_changed'],
];

function normalizeGcp(raw: RawObject): NormalizedParts {
  const p = raw.protoPayload as RawObject;
  const method = str(p.methodName) ?? '';
  const fields: Record<string, unknown> = { ...raw };
  // SigmaHQ gcp.audit rules name the method this way (a literal dotted key, as their backends flatten it).
  fields['gcp.audit.method_name'] ??= method;
  const code = int(getPath(p, 'status.code'));
  const outcome = code === undefined || code === 0 ? 'success' : 'failure';
  const e: EventEntities = {};
  const principal = str(getPath(p, 'authenticationInfo.principalEmail'));
  if (principal) {
    e.user = principal;
    e.cloudIdentity = principal;
    if (principal.includes('@')) e.email = principal;
  }
  const ip = cleanIp(getPath(p, 'requestMetadata.callerIp'));
  if (ip && /^[0-9a-f:.]+$/i.test(ip)) e.srcIp = ip;
  return {
    format: 'gcp',
    fields,
    logsource: { product: 'gcp', service: 'gcp.audit' },
    time: timeFrom(raw, ['timestamp', 'receiveTimestamp']),
    action: GCP_ACTIONS.find(([re]) => re.test(method))?.[1] ?? 'api_call',
    outcome,
    entities: e,
    message: `${str(p.serviceName) ?? 'gcp'} ${method}`,
  };
}
