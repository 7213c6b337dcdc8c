import type { Outcome } from '../model';

/**
 * Vocabulary data: action words that sources write (lower-cased, `-`/space -> `_`) mapped to Lantern's canonical
 * verbs and, where the word implies it, the outcome.
 */
export interface ActionMeaning {
  action: string;
  outcome?: Outcome;
}

const entries: ReadonlyArray<readonly [string[], string, Outcome?]> = [
  [['login_success', 'logon_success', 'login', 'logon', 'log_in', 'signin', 'sign_in', 'signin_success', 'authentication_success', 'auth_success', 'authenticated', 'session_opened', 'session_start', 'ssh_login', 'user_login', 'successful_login', 'login_succeeded', 'logon_succeeded'], 'logon', 'success'],
  [['login_failed', 'login_failure', 'logon_failed', 'logon_failure', 'failed_login', 'failed_logon', 'auth_failure', 'auth_failed', 'authentication_failure', 'authentication_failed', 'signin_failure', 'sign_in_failed', 'invalid_user', 'bad_password', 'login_fail'], 'logon_failed', 'failure'],
  [['logout', 'logoff', 'log_out', 'log_off', 'session_closed', 'session_end', 'signout'], 'logoff', 'success'],
  [['process_create', 'process_creation', 'process_start', 'process_started', 'process_launch', 'process_exec', 'exec', 'execve', 'execution', 'execute', 'spawn', 'process'], 'process_create', 'success'],
  [['process_terminate', 'process_end', 'process_stop', 'process_exit'], 'process_terminate', 'success'],
  [['allow', 'allowed', 'accept', 'accepted', 'permit', 'permitted', 'pass', 'passed', 'forward', 'forwarded', 'established'], 'network_connection', 'success'],
  [['deny', 'denied', 'drop', 'dropped', 'block', 'blocked', 'reject', 'rejected', 'reset', 'refused'], 'network_connection', 'failure'],
  [['connection', 'connect', 'network_connection', 'network_connect', 'conn', 'outbound_connection', 'inbound_connection', 'flow'], 'network_connection'],
  [['dns', 'dns_query', 'dns_request', 'dns_lookup', 'query', 'resolve'], 'dns_query'],
  [['file_create', 'file_created', 'file_write', 'file_written', 'create_file', 'file_drop', 'file_dropped'], 'file_create', 'success'],
  [['file_delete', 'file_deleted', 'delete_file'], 'file_delete', 'success'],
  [['file_modify', 'file_modified', 'file_change', 'file_rename'], 'file_modify', 'success'],
  [['file_read', 'file_access', 'file_open'], 'file_access'],
  [['download', 'file_download'], 'file_download'],
  [['upload', 'file_upload'], 'file_upload'],
  [['registry_set', 'registry_modify', 'registry_write', 'reg_set', 'registry_value_set', 'registry_change'], 'registry_set', 'success'],
  [['service_install', 'service_create', 'service_created', 'service_installed', 'new_service'], 'service_install', 'success'],
  [['task_create', 'scheduled_task_create', 'scheduled_task_created', 'schtask_create', 'cron_add'], 'task_create', 'success'],
  [['account_created', 'user_created', 'user_create', 'create_user', 'useradd', 'account_create', 'new_user'], 'account_created', 'success'],
  [['account_deleted', 'user_deleted', 'userdel', 'delete_user'], 'account_deleted', 'success'],
  [['group_member_added', 'group_add', 'add_to_group', 'group_membership_add', 'member_added', 'usermod_group'], 'group_member_added', 'success'],
  [['password_change', 'password_changed', 'passwd'], 'password_change', 'success'],
  [['password_reset'], 'password_reset', 'success'],
  [['privilege_use', 'privilege_escalation', 'sudo', 'su', 'elevate', 'runas'], 'privilege_use'],
  [['http_request', 'request', 'http', 'web_request', 'get', 'post'], 'http_request'],
  [['alert', 'detection', 'detected', 'malware_detected', 'threat_detected', 'ids_alert', 'signature_match'], 'alert'],
  [['api_call', 'awsapicall', 'api'], 'api_call'],
  [['mfa_push', 'mfa_challenge', 'mfa_request'], 'mfa_challenge'],
  [['mfa_denied', 'mfa_deny', 'mfa_rejected', 'mfa_failure'], 'mfa_challenge', 'failure'],
  [['mfa_success', 'mfa_approved', 'mfa_accept'], 'mfa_challenge', 'success'],
  [['email_received', 'email', 'mail'], 'email'],
];

export const ACTION_WORDS: ReadonlyMap<string, ActionMeaning> = new Map(
  entries.flatMap(([words, action, outcome]) => words.map((w) => [w, outcome ? { action, outcome } : { action }] as const)),
);

const OUTCOME_WORDS: ReadonlyMap<string, Outcome> = new Map([
  ...['success', 'succeeded', 'successful', 'ok', 'true', 'allowed', 'allow', 'accepted', 'pass', 'passed', 'granted', 'approved', 'completed'].map((w) => [w, 'success'] as const),
  ...['failure', 'failed', 'fail', 'false', 'error', 'denied', 'deny', 'blocked', 'rejected', 'dropped', 'invalid', 'unauthorized', 'forbidden', 'refused'].map((w) => [w, 'failure'] as const),
]);

export function canonicalWord(value: string): string {
  return value.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export function actionMeaning(value: unknown): ActionMeaning | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const word = canonicalWord(value);
  return ACTION_WORDS.get(word) ?? guessMeaning(word);
}

const AUTH_RE = /log_?in|log_?on|sign_?in|auth|password|passwd|ssh|credential/;
const FAIL_RE = /fail|invalid|denied|deny|reject|bad|error|wrong|locked/;
const OK_RE = /success|succeed|accept|granted|allow|ok$|opened/;

/** Compound words a vocabulary table cannot list (`ssh_login_failed`, `auth_ok`): read their parts. */
function guessMeaning(word: string): ActionMeaning | undefined {
  if (/log_?out|log_?off|sign_?out/.test(word)) return { action: 'logoff', outcome: 'success' };
  if (/mfa|2fa|otp|push/.test(word)) return FAIL_RE.test(word) ? { action: 'mfa_challenge', outcome: 'failure' } : { action: 'mfa_challenge' };
  if (AUTH_RE.test(word)) {
    if (FAIL_RE.test(word)) return { action: 'logon_failed', outcome: 'failure' };
    if (OK_RE.test(word) || /^(ssh_)?log_?in$|^ssh_session$/.test(word)) return { action: 'logon', outcome: 'success' };
    return undefined;
  }
  if (/process|exec|spawn/.test(word) && /creat|start|launch|exec|spawn/.test(word)) return { action: 'process_create', outcome: 'success' };
  return undefined;
}

export function outcomeWord(value: unknown): Outcome | undefined {
  if (typeof value === 'boolean') return value ? 'success' : 'failure';
  if (typeof value !== 'string' || value === '') return undefined;
  return OUTCOME_WORDS.get(canonicalWord(value));
}
