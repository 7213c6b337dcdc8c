import { parseIp } from '../indicators/ip';

/** Accounts that act on every host: never evidence that two events belong to one story. */
const SYSTEM_ACCOUNTS = new Set([
  'system', 'local service', 'localservice', 'network service', 'networkservice', 'anonymous logon',
  'anonymous', 'nt authority\\system', '-', '', 'n/a', 'null', 'unknown', 'dwm-1', 'dwm-2', 'umfd-0',
  'umfd-1', 'font driver host', 'window manager', 'trustedinstaller', 'root', 'localsystem', 'local system',
  'nt authority\\local service', 'nt authority\\network service', 'nt authority\\localsystem',
]);

/** `CORP\tlee`, `tlee@corp.example`, `TLEE` -> `tlee`: one person, one key. */
export function userKey(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let v = value.trim().toLowerCase();
  // An IAM user or assumed-role ARN names the person by its last path segment.
  if (v.startsWith('arn:') && /:(?:user|assumed-role)\//.test(v)) v = v.slice(v.lastIndexOf('/') + 1);
  if (v.includes('\\')) v = v.slice(v.lastIndexOf('\\') + 1);
  if (v.includes('@')) v = v.slice(0, v.indexOf('@'));
  if (SYSTEM_ACCOUNTS.has(v) || SYSTEM_ACCOUNTS.has(value.trim().toLowerCase())) return undefined;
  return v || undefined;
}

export function isSystemAccount(value: string | undefined): boolean {
  return value !== undefined && userKey(value) === undefined;
}

/** `DC01.corp.example` -> `dc01`. IP literals are kept whole. */
export function hostKey(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  if (!v || v === '-' || v === 'localhost') return undefined;
  if (parseIp(v)) return parseIp(v)?.value;
  return v.split('.')[0] || undefined;
}

/** Lowercased file name of a path: `C:\Windows\System32\whoami.exe` -> `whoami.exe`. */
export function baseName(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const v = path.trim().replace(/^"|"$/g, '');
  const name = v.slice(Math.max(v.lastIndexOf('\\'), v.lastIndexOf('/')) + 1);
  return name.toLowerCase() || undefined;
}

export function ipValue(value: string | undefined): string | undefined {
  return parseIp(value)?.value;
}
