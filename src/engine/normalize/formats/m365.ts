import type { EventEntities, Outcome } from '../../model';
import { cleanIp } from '../aliases';
import { str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';

/** Microsoft 365 unified audit log records (`Workload`, `Operation`, `RecordType`, `UserId`, `ClientIP`). */
export const m365Format: ObjectFormat = {
  id: 'm365',
  detect: (raw) => typeof raw.Operation === 'string' && raw.Workload !== undefined && (raw.RecordType !== undefined || raw.CreationTime !== undefined || raw.UserId !== undefined),
  normalize: (raw) => normalizeM365(raw),
};

const M365_ACTIONS: Readonly<Record<string, string>> = {
  userloggedin: 'logon',
  userloginfailed: 'logon_failed',
  'new-inboxrule': 'mailbox_rule_created',
  'set-inboxrule': 'mailbox_rule_created',
  'updateinboxrules': 'mailbox_rule_created',
  'set-mailbox': 'mailbox_changed',
  'add-mailboxpermission': 'permission_granted',
  mailitemsaccessed: 'mail_access',
  send: 'email_sent',
  filedownloaded: 'file_download',
  fileaccessed: 'file_access',
  fileuploaded: 'file_upload',
  filedeleted: 'file_delete',
  'add member to role.': 'group_member_added',
  'add member to group.': 'group_member_added',
  'add user.': 'account_created',
  'reset user password.': 'password_reset',
  'consent to application.': 'permission_granted',
  'sharinginvitationcreated': 'sharing_created',
  'anonymouslinkcreated': 'sharing_created',
};

/** `ClientIP` comes as `1.2.3.4`, `1.2.3.4:5555` or `[2001:db8::1]:443`. */
function clientIp(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracket) return bracket[1];
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(s);
  return cleanIp(v4port ? v4port[1] : s);
}

function normalizeM365(raw: RawObject): NormalizedParts {
  const operation = raw.Operation as string;
  const result = str(raw.ResultStatus)?.toLowerCase();
  const outcome: Outcome = result === undefined ? 'unknown' : /^(succeeded|success|true|partiallysucceeded)$/.test(result) ? 'success' : /^(failed|failure|false)$/.test(result) ? 'failure' : 'unknown';
  const e: EventEntities = {};
  const user = str(raw.UserId);
  if (user) {
    e.user = user;
    e.cloudIdentity = user;
    if (user.includes('@')) e.email = user;
  }
  const ip = clientIp(raw.ClientIP ?? raw.ClientIPAddress ?? raw.ActorIpAddress);
  if (ip) e.srcIp = ip;
  const file = str(raw.SourceFileName) ?? str(raw.ObjectId);
  if (file && /^https?:\/\//i.test(file)) e.url = file;
  else if (str(raw.SourceFileName)) e.file = str(raw.SourceFileName);
  let action = M365_ACTIONS[operation.toLowerCase()] ?? operation.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  if (action === 'logon' && outcome === 'failure') action = 'logon_failed';
  return {
    format: 'm365',
    fields: { ...raw },
    logsource: { product: 'm365', service: 'audit' },
    time: timeFrom(raw, ['CreationTime']),
    action,
    outcome,
    entities: e,
    message: `${String(raw.Workload)} ${operation}`,
  };
}
