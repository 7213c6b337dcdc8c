import type { EventEntities, Outcome } from '../../model';
import { applyAliases, cleanIp } from '../aliases';
import { isObject, str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';

/**
 * Entra ID (Azure AD) sign-in and audit logs in their three common shapes: Microsoft Graph
 * (`userPrincipalName`, `status.errorCode` / `activityDisplayName`, `initiatedBy`), the Azure Monitor diagnostic
 * export (`category: SignInLogs|AuditLogs`, `properties: {...}`) and the Log Analytics tables (`UserPrincipalName`,
 * `ResultType`, `OperationName`). The SigmaHQ field names are filled from whichever shape arrived.
 */
type Kind = 'signinlogs' | 'auditlogs' | 'activitylogs';

const ACTIVITY_CATEGORIES = new Set(['administrative', 'security', 'servicehealth', 'alert', 'recommendation', 'policy', 'autoscale', 'resourcehealth']);

function kindOf(raw: RawObject): Kind | undefined {
  const provider = str(raw.Provider)?.toLowerCase();
  if (provider && /azure|aad|entra/.test(provider)) {
    if (provider.includes('signin')) return 'signinlogs';
    if (provider.includes('activity')) return 'activitylogs';
    if (provider.includes('audit')) return 'auditlogs';
  }
  const category = str(raw.category ?? raw.Category)?.toLowerCase();
  if (str(raw.Type) === 'AzureActivity' || raw.CategoryValue !== undefined || raw.OperationNameValue !== undefined) return 'activitylogs';
  if (category && ACTIVITY_CATEGORIES.has(category) && (raw.resourceId ?? raw.ResourceId) !== undefined && (raw.operationName ?? raw.OperationName) !== undefined) return 'activitylogs';
  if (category === 'signinlogs' || category?.endsWith('signinlogs')) return 'signinlogs';
  if (category === 'auditlogs') return 'auditlogs';
  const type = str(raw.Type)?.toLowerCase();
  if (type === 'signinlogs' || type === 'aadnoninteractiveusersigninlogs') return 'signinlogs';
  if (type === 'auditlogs') return 'auditlogs';
  const upn = raw.userPrincipalName ?? raw.UserPrincipalName;
  if (upn !== undefined && (raw.appDisplayName !== undefined || raw.AppDisplayName !== undefined) && (isObject(raw.status) || raw.ResultType !== undefined || raw.clientAppUsed !== undefined)) return 'signinlogs';
  if ((raw.activityDisplayName !== undefined || raw.ActivityDisplayName !== undefined) && (raw.initiatedBy !== undefined || raw.InitiatedBy !== undefined || raw.loggedByService !== undefined || raw.LoggedByService !== undefined)) return 'auditlogs';
  return undefined;
}

export const entraFormat: ObjectFormat = {
  id: 'entra_id',
  detect: (raw) => kindOf(raw) !== undefined,
  normalize: (raw) => normalizeEntra(raw, kindOf(raw) as Kind),
};

function resultOutcome(code: unknown): Outcome {
  const s = str(code);
  if (s === undefined) return 'unknown';
  return s === '0' || s.toLowerCase() === 'success' ? 'success' : 'failure';
}

function normalizeEntra(raw: RawObject, kind: Kind): NormalizedParts {
  const fields: Record<string, unknown> = { ...raw };
  applyAliases(fields, `entra_id:${kind}`);
  const e: EventEntities = {};
  let action: string;
  let outcome: Outcome;
  if (kind === 'activitylogs') {
    const status = str(fields.ActivityStatusValue ?? fields.resultType ?? fields.ResultType)?.toLowerCase();
    outcome = status === undefined ? 'unknown' : /^(succeeded|success|accepted|started|active|resolved)$/.test(status) ? 'success' : /fail/.test(status) ? 'failure' : 'unknown';
    action = activityAction(str(fields.OperationNameValue) ?? '');
    const caller = str(fields.Caller);
    if (caller) {
      e.user = caller;
      e.cloudIdentity = caller;
    }
  } else if (kind === 'signinlogs') {
    outcome = resultOutcome(fields.ResultType);
    action = outcome === 'failure' ? 'logon_failed' : 'logon';
    const upn = str(fields.Username) ?? str(fields.UserPrincipalName);
    if (upn) {
      e.user = upn;
      e.targetUser = upn;
      e.cloudIdentity = upn;
    }
  } else {
    const result = str(fields.Result ?? fields.Status)?.toLowerCase();
    outcome = result === undefined ? 'unknown' : result.startsWith('success') ? 'success' : result.startsWith('fail') ? 'failure' : 'unknown';
    action = auditAction(str(fields.OperationName) ?? str(fields.ActivityDisplayName) ?? '');
    const initiator = str(fields.InitiatedByUser);
    if (initiator) {
      e.user = initiator;
      e.cloudIdentity = initiator;
    }
    const target = targetUser(fields.TargetResources);
    if (target) e.targetUser = target;
  }
  const ip = cleanIp(fields.IPAddress);
  if (ip) e.srcIp = ip;
  return {
    format: 'entra_id',
    fields,
    logsource: { product: 'azure', service: kind },
    time: timeFrom(raw, ['createdDateTime', 'activityDateTime', 'TimeGenerated', 'time', 'eventTimestamp', 'CreatedDateTime', 'ActivityDateTime']),
    action,
    outcome,
    entities: e,
    message: str(fields.OperationName) ?? str(fields.ActivityDisplayName) ?? str(fields.OperationNameValue) ?? str(fields.ResultDescription),
  };
}

/** `Microsoft.Compute/virtualMachines/delete` -> the verb at the end. */
function activityAction(operation: string): string {
  const verb = operation.slice(operation.lastIndexOf('/') + 1).toLowerCase();
  if (verb === 'delete') return 'resource_deleted';
  if (verb === 'write') return /roleassignments/i.test(operation) ? 'permission_granted' : 'resource_changed';
  if (verb === 'action') return 'resource_action';
  return verb || 'api_call';
}

const AUDIT_ACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^add member to (group|role)/i, 'group_member_added'],
  [/^remove member from (group|role)/i, 'group_member_removed'],
  [/^add user$/i, 'account_created'],
  [/^delete user$/i, 'account_deleted'],
  [/^(reset|change) (user )?password/i, 'password_reset'],
  [/^add (service principal|application)/i, 'application_created'],
  [/^add (app role assignment|delegated permission grant)|^consent to application/i, 'permission_granted'],
  [/credentials?/i, 'credential_added'],
  [/^update user$/i, 'account_changed'],
  [/^(add|update|delete) (conditional access )?policy/i, 'policy_changed'],
];

function auditAction(operation: string): string {
  for (const [re, action] of AUDIT_ACTIONS) if (re.test(operation)) return action;
  return operation ? operation.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') : 'audit';
}

function targetUser(targets: unknown): string | undefined {
  if (!Array.isArray(targets)) return undefined;
  for (const t of targets) {
    if (!isObject(t)) continue;
    const type = str(t.type ?? t.Type)?.toLowerCase();
    if (type === 'user') return str(t.userPrincipalName ?? t.UserPrincipalName) ?? str(t.displayName ?? t.DisplayName);
  }
  return undefined;
}
