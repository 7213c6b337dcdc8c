/**
 * Cloud and identity-provider event names in words: "user.mfa.okta_verify.deny_push" reads as
 * "Okta Verify push denied", "CreateAccessKey" as "Create access key". Known names from a table,
 * the rest by splitting the identifier.
 */
const KNOWN: Record<string, string> = {
  'user.session.start': 'Sign-in',
  'user.session.end': 'Sign-out',
  'user.authentication.sso': 'Single sign-on to an application',
  'user.authentication.auth_via_mfa': 'MFA verification',
  'user.authentication.verify': 'Authentication verification',
  'user.mfa.okta_verify.deny_push': 'Okta Verify push denied',
  'user.mfa.okta_verify.accept_push': 'Okta Verify push accepted',
  'system.push.send_factor_verify_push': 'Okta Verify push sent',
  'user.mfa.factor.activate': 'MFA factor activated',
  'system.mfa.factor.activate': 'New MFA factor activated',
  'user.mfa.factor.deactivate': 'MFA factor removed',
  'user.mfa.factor.reset_all': 'All MFA factors reset',
  'user.account.lock': 'Account locked',
  'user.account.reset_password': 'Password reset',
  'user.account.update_password': 'Password changed',
  'user.account.privilege.grant': 'Administrator privilege granted',
  'user.lifecycle.create': 'User created',
  'policy.lifecycle.update': 'Policy changed',
  ConsoleLogin: 'AWS console sign-in',
};

const DOTTED = /^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$/;
const CAMEL = /^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$/;

/** A readable phrase for an event-type identifier, or undefined when the text is already prose. */
export function readableEventName(name: string): string | undefined {
  const known = KNOWN[name];
  if (known) return known;
  if (DOTTED.test(name)) {
    const words = name.split('.').slice(1).join(' ').replace(/_/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  if (CAMEL.test(name)) {
    const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return undefined;
}
