import type { EventEntities, Outcome } from '../../model';
import { cleanIp } from '../aliases';
import { getPath, isObject, str } from '../paths';
import { timeFrom } from '../time-fields';
import type { NormalizedParts, ObjectFormat, RawObject } from '../types';

/** Okta System Log events. Field names stay as Okta writes them (`eventType`, `actor.alternateId`, `outcome.result`). */
export const oktaFormat: ObjectFormat = {
  id: 'okta',
  detect: (raw) =>
    typeof raw.eventType === 'string' &&
    raw.eventType.includes('.') &&
    (isObject(raw.actor) || raw.published !== undefined || raw.legacyEventType !== undefined || raw.displayMessage !== undefined),
  normalize: (raw) => normalizeOkta(raw),
};

/** Okta eventType prefixes -> canonical action; the longest matching prefix wins. */
const OKTA_ACTIONS: ReadonlyArray<readonly [string, string]> = [
  ['user.session.start', 'logon'],
  ['user.session.end', 'logoff'],
  ['user.authentication.sso', 'sso_logon'],
  ['user.authentication.auth_via_mfa', 'mfa_challenge'],
  ['user.authentication', 'logon'],
  ['user.mfa.okta_verify.deny_push', 'mfa_challenge'],
  ['user.mfa.factor.activate', 'mfa_factor_added'],
  ['system.mfa.factor.activate', 'mfa_factor_added'],
  ['system.mfa.factor.deactivate', 'mfa_factor_removed'],
  ['user.mfa.factor.deactivate', 'mfa_factor_removed'],
  ['user.mfa.factor.reset_all', 'mfa_factor_removed'],
  ['user.mfa', 'mfa_challenge'],
  ['system.push.send_factor_verify_push', 'mfa_challenge'],
  ['user.account.lock', 'account_locked_out'],
  ['user.account.unlock', 'account_unlocked'],
  ['user.account.reset_password', 'password_reset'],
  ['user.account.update_password', 'password_change'],
  ['user.account.privilege.grant', 'privilege_granted'],
  ['user.lifecycle.create', 'account_created'],
  ['user.lifecycle.delete', 'account_deleted'],
  ['user.lifecycle.suspend', 'account_disabled'],
  ['user.lifecycle.activate', 'account_enabled'],
  ['group.user_membership.add', 'group_member_added'],
  ['group.user_membership.remove', 'group_member_removed'],
  ['group.privilege.grant', 'privilege_granted'],
  ['application.user_membership.add', 'app_access_granted'],
  ['policy.lifecycle.update', 'policy_changed'],
  ['policy.rule.update', 'policy_changed'],
  ['system.api_token.create', 'api_token_created'],
  ['security.threat.detected', 'alert'],
];

function oktaAction(eventType: string, outcome: Outcome): string {
  let best: string | undefined;
  let len = 0;
  for (const [prefix, action] of OKTA_ACTIONS) {
    if (eventType.startsWith(prefix) && prefix.length > len) {
      best = action;
      len = prefix.length;
    }
  }
  const action = best ?? eventType.replace(/\./g, '_');
  return action === 'logon' && outcome === 'failure' ? 'logon_failed' : action;
}

function oktaOutcome(raw: RawObject): Outcome {
  const result = str(getPath(raw, 'outcome.result'))?.toUpperCase();
  if (!result) return 'unknown';
  if (result === 'SUCCESS' || result === 'ALLOW') return 'success';
  if (result === 'FAILURE' || result === 'DENY' || result === 'REJECTED' || result === 'CHALLENGE_FAILED') return 'failure';
  return 'unknown';
}

function firstUserTarget(raw: RawObject): string | undefined {
  const targets = raw.target;
  if (!Array.isArray(targets)) return undefined;
  for (const t of targets) {
    if (isObject(t) && str(t.type)?.toLowerCase() === 'user') return str(t.alternateId) ?? str(t.displayName);
  }
  return undefined;
}

function normalizeOkta(raw: RawObject): NormalizedParts {
  const outcome = oktaOutcome(raw);
  const eventType = raw.eventType as string;
  const e: EventEntities = {};
  const actor = str(getPath(raw, 'actor.alternateId')) ?? str(getPath(raw, 'actor.displayName'));
  if (actor) {
    e.user = actor;
    e.cloudIdentity = actor;
    if (actor.includes('@')) e.email = actor;
  }
  const target = firstUserTarget(raw);
  if (target) e.targetUser = target;
  else if (actor && (eventType.startsWith('user.') || eventType.startsWith('system.mfa.'))) e.targetUser = actor;
  const ip = cleanIp(getPath(raw, 'client.ipAddress') ?? getPath(raw, 'request.ipChain.0.ip'));
  if (ip) e.srcIp = ip;
  const ua = str(getPath(raw, 'client.userAgent.rawUserAgent'));
  const fields: Record<string, unknown> = { ...raw };
  if (ua && fields.userAgent === undefined) fields.userAgent = ua;
  return {
    format: 'okta',
    fields,
    logsource: { product: 'okta', service: 'okta' },
    time: timeFrom(raw, ['published']),
    action: oktaAction(eventType, outcome),
    outcome,
    entities: e,
    message: str(raw.displayMessage) ?? eventType,
  };
}
