import type { EventEntities, Outcome } from '../../model';

/**
 * What Linux daemons say in auth.log / secure / syslog, parsed into an action, outcome, entities and a few
 * named fields. One entry per message shape; the first whose program and pattern match wins.
 */
export interface ParsedMessage {
  action: string;
  outcome: Outcome;
  fields: Record<string, string>;
  entities: EventEntities;
}

type Handler = (m: RegExpExecArray) => ParsedMessage;
interface MessageRule {
  programs: ReadonlySet<string>;
  re: RegExp;
  build: Handler;
}

const SSHD = new Set(['sshd', 'ssh']);
const SUDO = new Set(['sudo']);
const SU = new Set(['su']);
const ACCOUNTS = new Set(['useradd', 'adduser', 'userdel', 'usermod', 'groupadd', 'groupdel', 'gpasswd', 'passwd', 'chpasswd', 'chage']);
const CRON = new Set(['cron', 'crond', 'crontab', 'anacron']);
const LOGIND = new Set(['systemd-logind', 'login', 'gdm-password', 'lightdm']);

function logon(user: string, ip: string | undefined, port: string | undefined, outcome: Outcome, method?: string, invalid?: boolean): ParsedMessage {
  const fields: Record<string, string> = { user, TargetUserName: user };
  const entities: EventEntities = { user, targetUser: user };
  if (ip) {
    fields.src_ip = ip;
    fields.SourceIp = ip;
    fields.IpAddress = ip;
    entities.srcIp = ip;
  }
  if (port) {
    fields.src_port = port;
    entities.srcPort = Number(port);
  }
  if (method) fields.auth_method = method;
  if (invalid) fields.invalid_user = 'true';
  return { action: outcome === 'success' ? 'logon' : 'logon_failed', outcome, fields, entities };
}

const RULES: readonly MessageRule[] = [
  {
    programs: SSHD,
    re: /^Accepted (\S+) for (?:invalid user )?(\S+) from (\S+) port (\d+)/,
    build: (m) => logon(m[2], m[3], m[4], 'success', m[1]),
  },
  {
    programs: SSHD,
    re: /^Failed (\S+) for (invalid user )?(\S+) from (\S+) port (\d+)/,
    build: (m) => logon(m[3], m[4], m[5], 'failure', m[1], m[2] !== undefined),
  },
  {
    programs: SSHD,
    re: /^Invalid user (\S*) from (\S+)(?: port (\d+))?/,
    build: (m) => logon(m[1], m[2], m[3], 'failure', undefined, true),
  },
  {
    programs: SSHD,
    re: /^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(\S+) from (\S+) port (\d+)/,
    build: (m) => logon(m[2], m[3], m[4], 'failure', undefined, m[1] !== undefined),
  },
  {
    programs: SSHD,
    re: /^Connection (?:closed|reset) by (?:authenticating|invalid) user (\S+) (\S+) port (\d+)/,
    build: (m) => logon(m[1], m[2], m[3], 'failure'),
  },
  {
    programs: SSHD,
    re: /^pam_unix\(sshd:auth\): authentication failure;.*?rhost=(\S*)(?:\s+user=(\S+))?/,
    build: (m) => logon(m[2] ?? '', m[1] || undefined, undefined, 'failure'),
  },
  {
    programs: SSHD,
    re: /^pam_unix\(sshd:session\): session opened for user (\S+?)(?:\(uid=\d+\))?(?: by|$)/,
    build: (m) => ({ action: 'session_opened', outcome: 'success', fields: { user: m[1] }, entities: { user: m[1], targetUser: m[1] } }),
  },
  {
    programs: SSHD,
    re: /^(?:pam_unix\(sshd:session\): session closed for user (\S+)|Disconnected from user (\S+) (\S+) port (\d+))/,
    build: (m) => {
      const user = m[1] ?? m[2];
      const p: ParsedMessage = { action: 'logoff', outcome: 'success', fields: { user }, entities: { user, targetUser: user } };
      if (m[3]) {
        p.fields.src_ip = m[3];
        p.entities.srcIp = m[3];
      }
      return p;
    },
  },
  {
    programs: SUDO,
    re: /^\s*(\S+) : (?:(\d+) incorrect password attempts? ; )?(?:.*?)TTY=(\S+) ; PWD=(.*?) ; USER=(\S+) ; (?:.*?)COMMAND=(.*)$/,
    build: (m) => ({
      action: 'privilege_use',
      outcome: m[2] ? 'failure' : 'success',
      fields: { user: m[1], tty: m[3], pwd: m[4], TargetUserName: m[5], target_user: m[5], command: m[6], CommandLine: m[6] },
      entities: { user: m[1], targetUser: m[5], commandLine: m[6] },
    }),
  },
  {
    programs: new Set(['sudo', 'su', 'sshd', 'login', 'passwd']),
    re: /^pam_unix\((\S+?):auth\): authentication failure;.*?\bruser=(\S*).*?(?:\buser=(\S+))?$/,
    build: (m) => ({
      action: m[1] === 'sudo' || m[1].startsWith('su') ? 'privilege_use' : 'logon_failed',
      outcome: 'failure',
      fields: { user: m[2] || (m[3] ?? ''), target_user: m[3] ?? '' },
      entities: { user: m[2] || m[3], targetUser: m[3] },
    }),
  },
  {
    programs: SU,
    re: /^(?:\(to (\S+)\) (\S+) on \S+|Successful su for (\S+) by (\S+)|pam_unix\(su(?:-l)?:session\): session opened for user (\S+?)(?:\(uid=\d+\))? by (\S+?)(?:\(uid=\d+\))?$)/,
    build: (m) => {
      const target = m[1] ?? m[3] ?? m[5];
      const user = m[2] ?? m[4] ?? m[6];
      return { action: 'privilege_use', outcome: 'success', fields: { user, target_user: target, TargetUserName: target }, entities: { user, targetUser: target } };
    },
  },
  {
    programs: SU,
    re: /^FAILED su for (\S+) by (\S+)/,
    build: (m) => ({ action: 'privilege_use', outcome: 'failure', fields: { user: m[2], target_user: m[1] }, entities: { user: m[2], targetUser: m[1] } }),
  },
  {
    programs: ACCOUNTS,
    re: /^new user: name=([^,]+), UID=(\d+), GID=(\d+)(?:, home=([^,]+))?(?:, shell=([^,\s]+))?/,
    build: (m) => ({
      action: 'account_created',
      outcome: 'success',
      fields: { TargetUserName: m[1], target_user: m[1], uid: m[2], gid: m[3], home: m[4] ?? '', shell: m[5] ?? '' },
      entities: { targetUser: m[1] },
    }),
  },
  {
    programs: ACCOUNTS,
    re: /^(?:new group: name=([^,]+), GID=(\d+)|group added to \/etc\/group: name=([^,]+), GID=(\d+))/,
    build: (m) => ({ action: 'group_created', outcome: 'success', fields: { group: m[1] ?? m[3], gid: m[2] ?? m[4] }, entities: {} }),
  },
  {
    programs: ACCOUNTS,
    re: /^(?:add '([^']+)' to (?:shadow )?group '([^']+)'|user (\S+) added by \S+ to group (\S+)|add member '([^']+)' to group '([^']+)')/,
    build: (m) => {
      const user = m[1] ?? m[3] ?? m[5];
      const group = m[2] ?? m[4] ?? m[6];
      return { action: 'group_member_added', outcome: 'success', fields: { TargetUserName: user, target_user: user, group }, entities: { targetUser: user } };
    },
  },
  {
    programs: ACCOUNTS,
    re: /^delete user '([^']+)'/,
    build: (m) => ({ action: 'account_deleted', outcome: 'success', fields: { TargetUserName: m[1], target_user: m[1] }, entities: { targetUser: m[1] } }),
  },
  {
    programs: ACCOUNTS,
    re: /^pam_unix\(\S+:chauthtok\): password changed for (\S+)/,
    build: (m) => ({ action: 'password_change', outcome: 'success', fields: { TargetUserName: m[1], target_user: m[1] }, entities: { targetUser: m[1] } }),
  },
  {
    programs: CRON,
    re: /^\((\S+)\) CMD \((.*)\)\s*$/,
    build: (m) => ({ action: 'task_run', outcome: 'success', fields: { user: m[1], command: m[2], CommandLine: m[2] }, entities: { user: m[1], commandLine: m[2] } }),
  },
  {
    programs: CRON,
    re: /^\((\S+)\) (REPLACE|BEGIN EDIT|END EDIT|DELETE|LIST) \((\S+)\)/,
    build: (m) => ({
      action: m[2] === 'REPLACE' ? 'task_create' : m[2] === 'DELETE' ? 'task_delete' : 'task_list',
      outcome: 'success',
      fields: { user: m[1], crontab_op: m[2], target_user: m[3] },
      entities: { user: m[1], targetUser: m[3] },
    }),
  },
  {
    programs: LOGIND,
    re: /^New session \S+ of user (\S+?)\.?$/,
    build: (m) => ({ action: 'logon', outcome: 'success', fields: { user: m[1] }, entities: { user: m[1], targetUser: m[1] } }),
  },
  {
    programs: LOGIND,
    re: /^FAILED LOGIN \(\d+\) on '?\S+'? FOR '?([^',\s]+)'?/,
    build: (m) => ({ action: 'logon_failed', outcome: 'failure', fields: { user: m[1] }, entities: { user: m[1], targetUser: m[1] } }),
  },
];

/** Daemon messages are short; a longer text (attacker-written, possibly crafted) is not run through the patterns,
 *  some of which have lazy groups that would cost quadratic time on it. */
const MAX_MESSAGE = 8192;

export function parseDaemonMessage(program: string, message: string): ParsedMessage | undefined {
  if (message.length > MAX_MESSAGE) return undefined;
  for (const rule of RULES) {
    if (!rule.programs.has(program)) continue;
    const m = rule.re.exec(message);
    if (m) return rule.build(m);
  }
  return undefined;
}

/** Program -> SigmaHQ linux service (rules for `service: auth` read /var/log/auth.log). */
export const SYSLOG_SERVICES: Readonly<Record<string, string>> = {
  sshd: 'sshd',
  ssh: 'sshd',
  sudo: 'sudo',
  su: 'auth',
  useradd: 'auth',
  adduser: 'auth',
  userdel: 'auth',
  usermod: 'auth',
  groupadd: 'auth',
  groupdel: 'auth',
  gpasswd: 'auth',
  passwd: 'auth',
  chpasswd: 'auth',
  chage: 'auth',
  login: 'auth',
  'systemd-logind': 'auth',
  polkitd: 'auth',
  unix_chkpwd: 'auth',
  'gdm-password': 'auth',
  cron: 'cron',
  crond: 'cron',
  crontab: 'cron',
  anacron: 'cron',
  auditd: 'auditd',
  audispd: 'auditd',
  audit: 'auditd',
  vsftpd: 'vsftpd',
  clamd: 'clamav',
  freshclam: 'clamav',
  clamav: 'clamav',
  guacd: 'guacamole',
  guacamole: 'guacamole',
};
