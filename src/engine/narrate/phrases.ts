/**
 * ATT&CK behaviour in words: what the attacker did, as a past-tense verb phrase ("logged on over SSH").
 * Looked up by exact technique id, then by its parent; techniques without a phrase fall back to their name.
 */
const PHRASES: Record<string, string> = {
  T1190: 'exploited an internet-facing application',
  T1133: 'came in through an internet-exposed remote-access service',
  T1078: 'logged on with valid credentials',
  'T1078.001': 'logged on with a default administrative account',
  'T1078.002': 'logged on with a domain account',
  'T1078.003': 'logged on with a local account',
  'T1078.004': 'signed in to a cloud account',
  T1110: 'guessed passwords by brute force',
  'T1110.003': 'sprayed passwords across many accounts',
  'T1110.004': 'tried stolen credentials (credential stuffing)',
  T1621: 'flooded the user with MFA push requests until one was approved',
  T1566: 'delivered a phishing lure',
  T1204: 'ran a malicious file the user opened',
  T1203: 'exploited a client application',
  T1021: 'moved through a remote service',
  'T1021.001': 'logged on over RDP',
  'T1021.002': 'used Windows admin shares',
  'T1021.004': 'logged on over SSH',
  'T1021.006': 'used Windows Remote Management',
  T1059: 'ran commands through a script interpreter',
  'T1059.001': 'ran PowerShell',
  'T1059.003': 'ran Windows shell commands',
  'T1059.004': 'ran Unix shell commands',
  'T1059.005': 'ran Visual Basic script',
  'T1059.007': 'ran JavaScript',
  T1047: 'executed through WMI',
  T1218: 'proxied execution through a signed system binary',
  'T1218.005': 'ran a script through mshta',
  'T1218.011': 'ran code through rundll32',
  T1027: 'obfuscated its commands',
  T1140: 'decoded an obfuscated payload',
  T1105: 'downloaded a payload from the internet',
  T1053: 'created a scheduled task',
  T1543: 'installed a system service',
  T1547: 'added an autostart entry',
  T1136: 'created a new account',
  T1098: 'changed account permissions',
  'T1098.005': 'registered a new MFA device',
  'T1098.007': 'added an account to a privileged group',
  T1055: 'injected code into another process',
  T1548: 'bypassed privilege controls',
  T1068: 'exploited a privilege-escalation flaw',
  T1036: 'masqueraded as a legitimate name',
  T1562: 'tampered with security tools',
  T1685: 'disabled or tampered with security tools',
  'T1685.001': 'disabled Windows event logging',
  'T1685.002': 'disabled cloud audit logging',
  'T1685.004': 'disabled Linux audit logging',
  'T1685.005': 'cleared the Windows event logs',
  'T1685.006': 'cleared the system logs',
  'T1070.004': 'deleted files to cover its tracks',
  T1112: 'modified the registry',
  T1574: 'hijacked a program\'s execution flow',
  T1569: 'ran a payload as a system service',
  'T1543.003': 'installed a Windows service',
  'T1547.001': 'added a Run key or Startup-folder entry',
  'T1003.001': 'dumped credentials from LSASS memory',
  'T1110.001': 'guessed passwords by brute force',
  T1134: 'manipulated access tokens',
  'T1548.002': 'bypassed User Account Control',
  T1197: 'abused BITS jobs',
  T1620: 'loaded code reflectively in memory',
  T1550: 'authenticated with stolen credential material',
  'T1550.002': 'passed the hash',
  'T1550.003': 'passed the ticket',
  T1070: 'removed traces of its activity',
  T1003: 'dumped credentials',
  T1558: 'requested Kerberos tickets to crack offline',
  'T1558.003': 'requested RC4 service tickets for offline password cracking (Kerberoasting)',
  T1552: 'searched for stored credentials',
  T1033: 'enumerated the current user',
  T1082: 'enumerated the system',
  T1087: 'enumerated accounts',
  T1069: 'enumerated groups',
  T1016: 'enumerated the network configuration',
  T1018: 'looked for other hosts',
  T1046: 'scanned for network services',
  T1057: 'listed running processes',
  T1083: 'browsed files and directories',
  T1071: 'talked to a command-and-control server',
  'T1071.004': 'used DNS as a covert channel',
  T1572: 'tunnelled traffic through another protocol',
  T1095: 'used a non-application-layer protocol',
  T1571: 'used a non-standard port',
  T1048: 'exfiltrated data over an alternative protocol',
  'T1048.003': 'smuggled data out over DNS or another unencrypted protocol',
  T1041: 'exfiltrated data over its command channel',
  T1567: 'exfiltrated data to a web service',
  T1486: 'encrypted data',
  T1490: 'destroyed backups and recovery options',
  T1485: 'destroyed data',
  T1489: 'stopped services',
};

export function phraseOf(techniqueId: string, name?: string): string {
  const exact = PHRASES[techniqueId] ?? PHRASES[techniqueId.split('.')[0]];
  if (exact) return exact;
  return name ? `used the technique "${name.replace(/^[^:]+:\s*/, '')}"` : `used ATT&CK technique ${techniqueId}`;
}

/** Which indicators are worth naming next to a behaviour, by the behaviour's tactic. */
const TOOLS = ['recon_tool', 'attack_tool', 'malware'];
const FOOTHOLD = ['created_account', 'persistence'];
const INFRASTRUCTURE = ['c2', 'payload_url', 'payload_host', 'exfil_destination'];
/** Behaviours whose phrase already says what was involved, or whose nearby tools are not theirs. */
export const NO_OBJECTS = new Set(['T1204', 'T1566', 'T1203']);

/** A behaviour that only restates another one already told (decoding what was obfuscated). */
export const RESTATES: Record<string, string> = { T1140: 'T1027', T1078: 'T1133' };

export const STEP_OBJECT_ROLES: Record<string, string[]> = {
  Execution: TOOLS,
  Discovery: TOOLS,
  'Credential Access': TOOLS,
  'Lateral Movement': TOOLS,
  Persistence: FOOTHOLD,
  'Privilege Escalation': FOOTHOLD,
  'Command and Control': INFRASTRUCTURE,
  Exfiltration: INFRASTRUCTURE,
};
