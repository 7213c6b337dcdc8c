import type { EventEntities } from '../../model';
import { cleanIp } from '../aliases';
import { getPath, int, isObject, str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';

/** Kubernetes API server audit events (`kind: Event`, `apiVersion: audit.k8s.io/v1`). Field names stay as written. */
export const kubernetesFormat: ObjectFormat = {
  id: 'kubernetes',
  detect: (raw) =>
    (typeof raw.apiVersion === 'string' && raw.apiVersion.startsWith('audit.k8s.io')) ||
    (raw.verb !== undefined && isObject(raw.objectRef) && (raw.auditID !== undefined || raw.requestURI !== undefined)),
  normalize: (raw) => normalizeKubernetes(raw),
};

const VERB_ACTIONS: Readonly<Record<string, string>> = {
  create: 'resource_created',
  delete: 'resource_deleted',
  deletecollection: 'resource_deleted',
  patch: 'resource_changed',
  update: 'resource_changed',
  get: 'resource_read',
  list: 'resource_read',
  watch: 'resource_read',
};

function normalizeKubernetes(raw: RawObject): NormalizedParts {
  const verb = str(raw.verb)?.toLowerCase() ?? '';
  const resource = str(getPath(raw, 'objectRef.resource'));
  const sub = str(getPath(raw, 'objectRef.subresource'));
  let action = VERB_ACTIONS[verb] ?? (verb || 'api_call');
  if (resource === 'pods' && sub === 'exec') action = 'process_create';
  if (resource === 'secrets' && (verb === 'get' || verb === 'list')) action = 'secret_read';
  const code = int(getPath(raw, 'responseStatus.code'));
  const e: EventEntities = {};
  const user = str(getPath(raw, 'user.username'));
  if (user) {
    e.user = user;
    e.cloudIdentity = user;
  }
  const ips = raw.sourceIPs;
  const ip = Array.isArray(ips) ? cleanIp(ips[0]) : undefined;
  if (ip) e.srcIp = ip;
  const uri = str(raw.requestURI);
  if (uri) e.url = uri;
  return {
    format: 'kubernetes',
    fields: { ...raw },
    logsource: { product: 'kubernetes', service: 'audit', category: 'application' },
    time: timeFrom(raw, ['stageTimestamp', 'requestReceivedTimestamp', 'timestamp']),
    action,
    outcome: code === undefined ? 'unknown' : code < 400 ? 'success' : 'failure',
    entities: e,
    message: `${verb} ${[str(getPath(raw, 'objectRef.namespace')), resource, str(getPath(raw, 'objectRef.name')), sub].filter(Boolean).join('/')}`,
  };
}
