import { parseIp } from './ip';

/**
 * The machines a command line acts on remotely: `wmic /node:`, `psexec \\host`, `sc \\host`,
 * `reg query \\host\HKLM`, `schtasks /s`, `winrs -r:`, `Invoke-Command -ComputerName`, `mstsc /v:`.
 * What a flagged command line names this way is where the attacker moves to (role `target`).
 */
export interface RemoteTarget {
  type: 'ip' | 'host';
  value: string;
}

/** Tools whose first `\\name` argument is the machine they run on. */
const UNC_TOOLS = /(?:^|[\\/\s"'])(?:psexec(?:64)?|paexec|csexec|remcom|sc|reg|shutdown)(?:\.exe)?["']?\s+(?:[^\s\\]\S*\s+){0,3}\\\\([^\s\\"']+)/gi;
/** `/s host` of the Windows admin tools that take a remote system. */
const SLASH_S_TOOLS = /(?:^|[\\/\s"'])(?:schtasks|tasklist|taskkill|systeminfo|getmac|gpresult|driverquery|eventcreate|openfiles)(?:\.exe)?["']?\s(?:[^|&;]*?\s)?\/s\s+["']?([^\s"'/]+)/gi;
const PATTERNS: RegExp[] = [
  /\/node:\s*["']?([^\s"']+)/gi,
  /\bwinrs(?:\.exe)?["']?\s(?:[^|&;]*?\s)?[-/]r(?:emote)?:\s*["']?(?:https?:\/\/)?([^\s"':/]+)/gi,
  /-(?:computername|cn|computer)\s+["']?([^\s"';|)]+)/gi,
  /\bmstsc(?:\.exe)?["']?\s(?:[^|&;]*?\s)?\/v:\s*["']?([^\s"':]+)/gi,
  UNC_TOOLS,
  SLASH_S_TOOLS,
];

const NOT_A_HOST = /^(?:localhost|127\.0\.0\.1|::1|\.|\*|\$\w+|@.*|%\w+%)$/i;

/** Cheap test first: most command lines name no remote machine. */
const ANY_MARKER = /\/node:|\\\\|\s\/s\s|[-/]r(?:emote)?:|-(?:computername|cn|computer)\s|\/v:/i;

export function remoteTargets(commandLine: string): RemoteTarget[] {
  if (!ANY_MARKER.test(commandLine)) return [];
  const out = new Map<string, RemoteTarget>();
  for (const pattern of PATTERNS) {
    pattern.lastIndex = 0;
    for (const m of commandLine.matchAll(pattern)) {
      for (const raw of m[1].split(',')) {
        const value = raw.trim().replace(/^["']|["']$/g, '');
        if (!value || NOT_A_HOST.test(value) || !/^[\w.-]+$|^[0-9a-f:]+$/i.test(value)) continue;
        const ip = parseIp(value);
        const target: RemoteTarget = ip ? { type: 'ip', value: ip.value } : { type: 'host', value };
        out.set(`${target.type}|${target.value.toLowerCase()}`, target);
      }
    }
  }
  return [...out.values()];
}
