/** Account names as sources write them: `DOMAIN\user`, `user@domain`, `user`. */
export interface UserName {
  name: string;
  domain?: string;
}

const EMPTY_USERS = new Set(['', '-', 'n/a', 'null', 'none', 'unknown', '(none)', 's-1-0-0']);

/** True for placeholder values sources write when no account applies (`-`, `N/A`, the NULL SID ...). */
export function isEmptyUser(value: unknown): boolean {
  return typeof value !== 'string' || EMPTY_USERS.has(value.trim().toLowerCase());
}

export function splitUserName(value: string): UserName {
  const s = value.trim();
  const slash = s.indexOf('\\');
  if (slash > 0) return { domain: s.slice(0, slash), name: s.slice(slash + 1) };
  const at = s.lastIndexOf('@');
  if (at > 0 && at < s.length - 1) return { domain: s.slice(at + 1), name: s.slice(0, at) };
  return { name: s };
}

/**
 * The comparable form of an account: lower-case, without domain, so that `CORP\TLee`, `tlee@corp.example`
 * and `tlee` from different sources correlate. Entities keep the name as the source wrote it.
 */
export function normalizeUserName(value: string): string {
  return splitUserName(value).name.toLowerCase();
}

/** `DOMAIN\name` when both parts are meaningful, else the name alone (or undefined). */
export function joinDomainUser(domain: unknown, name: unknown): string | undefined {
  if (isEmptyUser(name)) return undefined;
  const n = (name as string).trim();
  if (isEmptyUser(domain) || n.includes('\\') || n.includes('@')) return n;
  return `${(domain as string).trim()}\\${n}`;
}
