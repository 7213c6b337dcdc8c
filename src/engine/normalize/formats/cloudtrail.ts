import type { EventEntities, Outcome } from '../../model';
import { cleanIp } from '../aliases';
import { getPath, isObject, str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';

/** AWS CloudTrail records (a `Records[]` export is walked by the driver). Field names stay as AWS writes them. */
export const cloudtrailFormat: ObjectFormat = {
  id: 'cloudtrail',
  detect: (raw) =>
    typeof raw.eventSource === 'string' &&
    typeof raw.eventName === 'string' &&
    (raw.eventVersion !== undefined || raw.userIdentity !== undefined || raw.awsRegion !== undefined || raw.eventSource.endsWith('amazonaws.com')),
  normalize: (raw) => normalizeCloudTrail(raw),
};

/** eventName -> canonical action for the API calls that matter to an investigation. */
const CLOUDTRAIL_ACTIONS: Readonly<Record<string, string>> = {
  ConsoleLogin: 'logon',
  GetSessionToken: 'token_issued',
  AssumeRole: 'role_assumed',
  AssumeRoleWithSAML: 'role_assumed',
  AssumeRoleWithWebIdentity: 'role_assumed',
  CreateUser: 'account_created',
  DeleteUser: 'account_deleted',
  CreateLoginProfile: 'password_set',
  UpdateLoginProfile: 'password_change',
  CreateAccessKey: 'access_key_created',
  AddUserToGroup: 'group_member_added',
  AttachUserPolicy: 'permission_granted',
  AttachRolePolicy: 'permission_granted',
  AttachGroupPolicy: 'permission_granted',
  PutUserPolicy: 'permission_granted',
  PutRolePolicy: 'permission_granted',
  CreatePolicyVersion: 'permission_granted',
  StopLogging: 'logging_stopped',
  DeleteTrail: 'logging_stopped',
  UpdateTrail: 'logging_changed',
  PutBucketPolicy: 'permission_granted',
  PutBucketAcl: 'permission_granted',
  GetObject: 'object_read',
  PutObject: 'object_write',
  DeleteObject: 'object_deleted',
  RunInstances: 'instance_created',
  AuthorizeSecurityGroupIngress: 'firewall_rule_added',
  CreateKeyPair: 'key_created',
  GetSecretValue: 'secret_read',
};

function identity(raw: RawObject): { user?: string; cloudIdentity?: string } {
  const ui = raw.userIdentity;
  if (!isObject(ui)) return {};
  const arn = str(ui.arn);
  const userName = str(ui.userName) ?? str(getPath(ui, 'sessionContext.sessionIssuer.userName'));
  const tail = arn ? arn.slice(arn.lastIndexOf('/') + 1) : undefined;
  return { user: userName ?? tail ?? str(ui.invokedBy) ?? str(ui.principalId), cloudIdentity: arn ?? str(ui.principalId) ?? str(ui.invokedBy) };
}

function cloudTrailOutcome(raw: RawObject): Outcome {
  const login = str(getPath(raw, 'responseElements.ConsoleLogin'));
  if (login) return login.toLowerCase() === 'success' ? 'success' : 'failure';
  if (raw.errorCode !== undefined && raw.errorCode !== null && raw.errorCode !== '') return 'failure';
  return 'success';
}

function normalizeCloudTrail(raw: RawObject): NormalizedParts {
  const eventName = raw.eventName as string;
  const outcome = cloudTrailOutcome(raw);
  let action = CLOUDTRAIL_ACTIONS[eventName] ?? 'api_call';
  if (action === 'logon' && outcome === 'failure') action = 'logon_failed';
  const { user, cloudIdentity } = identity(raw);
  const e: EventEntities = {};
  if (user) e.user = user;
  if (cloudIdentity) e.cloudIdentity = cloudIdentity;
  const source = str(raw.sourceIPAddress);
  const ip = source && /^[0-9a-f:.]+$/i.test(source) ? cleanIp(source) : undefined;
  if (ip) e.srcIp = ip;
  else if (source) e.domain = source;
  const target = str(getPath(raw, 'requestParameters.userName')) ?? str(getPath(raw, 'requestParameters.roleName'));
  if (target) e.targetUser = target;
  const bucket = str(getPath(raw, 'requestParameters.bucketName'));
  if (bucket) e.file = bucket + (str(getPath(raw, 'requestParameters.key')) ? `/${str(getPath(raw, 'requestParameters.key'))}` : '');
  const service = str(raw.eventSource) as string;
  return {
    format: 'cloudtrail',
    fields: { ...raw },
    logsource: { product: 'aws', service: 'cloudtrail' },
    time: timeFrom(raw, ['eventTime']),
    action,
    outcome,
    entities: e,
    message: `${service} ${eventName}${raw.errorCode ? ` (${String(raw.errorCode)})` : ''}`,
  };
}
