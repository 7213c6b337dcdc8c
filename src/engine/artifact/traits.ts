/**
 * Generic command-line behaviours an analyst recognises on sight. They complement Sigma rules on
 * decoded payloads (which rules never see) and on sources whose fields rules do not cover.
 * Every trait is a documented pattern of a technique, never a value from a known case.
 */
export interface CommandTrait {
  id: string;
  title: string;
  techniques: string[];
  tactic: string;
  level: 'low' | 'medium' | 'high';
  /** Role the executing process plays when this trait fires. */
  processRole?: string;
}

interface TraitPattern extends CommandTrait {
  pattern: RegExp;
}

const PATTERNS: TraitPattern[] = [
  { id: 'ps_encoded_command', title: 'PowerShell with an encoded command', pattern: /\b(?:powershell|pwsh)(?:\.exe)?\b.*\s[-/]e(?:c|nc?o?d?e?d?c?o?m?m?a?n?d?)?\s+[a-z0-9+/=]{16,}/i, techniques: ['T1027', 'T1059.001'], tactic: 'Defense Evasion', level: 'high' },
  { id: 'ps_exec_bypass', title: 'PowerShell execution policy bypass', pattern: /-(?:ep|exec|executionpolicy)\s+(?:bypass|unrestricted)/i, techniques: ['T1059.001'], tactic: 'Execution', level: 'medium' },
  { id: 'ps_hidden_window', title: 'Hidden PowerShell window', pattern: /(?:powershell|pwsh)\S*\s.*-w(?:indowstyle)?\s+h(?:idden)?\b/i, techniques: ['T1564.003'], tactic: 'Defense Evasion', level: 'medium' },
  { id: 'download_cradle', title: 'Download of a remote file', pattern: /(?:downloadfile|downloadstring|downloaddata|invoke-webrequest|\biwr\b|start-bitstransfer|net\.webclient|urlcache\s+.*-f|bitsadmin\s+\/transfer|\bcurl(?:\.exe)?\s+.*https?:|\bwget\s+.*https?:)/i, techniques: ['T1105'], tactic: 'Command and Control', level: 'high', processRole: 'attack_tool' },
  { id: 'invoke_expression', title: 'In-memory script execution (Invoke-Expression)', pattern: /\b(?:iex|invoke-expression)\b/i, techniques: ['T1059.001'], tactic: 'Execution', level: 'medium' },
  { id: 'base64_decode', title: 'Payload decoded at run time', pattern: /frombase64string|certutil\S*\s+.*-decode|base64\s+(?:-d|--decode)/i, techniques: ['T1140'], tactic: 'Defense Evasion', level: 'medium' },
  { id: 'schtask_create', title: 'Scheduled task created', pattern: /schtasks(?:\.exe)?\s+.*\/create|register-scheduledtask|new-scheduledtask/i, techniques: ['T1053.005'], tactic: 'Persistence', level: 'medium' },
  { id: 'service_create', title: 'Service created from the command line', pattern: /\bsc(?:\.exe)?\s+(?:\\\\\S+\s+)?create\b|new-service\b/i, techniques: ['T1543.003'], tactic: 'Persistence', level: 'medium' },
  { id: 'run_key', title: 'Registry Run key written', pattern: /reg(?:\.exe)?\s+add\s+.*\\currentversion\\run(?:once)?\b|set-itemproperty.*\\currentversion\\run/i, techniques: ['T1547.001'], tactic: 'Persistence', level: 'high' },
  { id: 'user_add', title: 'Local account created', pattern: /\bnet1?(?:\.exe)?\s+user\s+\S+\s+\S*\s*\/add\b|new-localuser\b/i, techniques: ['T1136.001'], tactic: 'Persistence', level: 'high' },
  { id: 'admin_group_add', title: 'Account added to a privileged group', pattern: /\bnet1?(?:\.exe)?\s+(?:localgroup|group)\s+"?(?:administrators|domain admins|enterprise admins|remote desktop users)"?\s+\S+\s+\/add\b|add-localgroupmember/i, techniques: ['T1098'], tactic: 'Persistence', level: 'high' },
  { id: 'shadow_delete', title: 'Volume shadow copies deleted', pattern: /vssadmin(?:\.exe)?\s+delete\s+shadows|wmic(?:\.exe)?\s+shadowcopy\s+delete|wbadmin\s+delete\s+catalog|bcdedit.*recoveryenabled\s+no/i, techniques: ['T1490'], tactic: 'Impact', level: 'high' },
  { id: 'log_clear', title: 'Event logs cleared', pattern: /wevtutil(?:\.exe)?\s+(?:cl|clear-log)\b|clear-eventlog\b/i, techniques: ['T1070.001'], tactic: 'Defense Evasion', level: 'high' },
  { id: 'lsass_dump', title: 'LSASS memory dumped', pattern: /(?:comsvcs(?:\.dll)?\W+minidump|procdump\S*\s+.*lsass|sekurlsa::|lsadump::)/i, techniques: ['T1003.001'], tactic: 'Credential Access', level: 'high', processRole: 'attack_tool' },
  { id: 'hive_dump', title: 'Registry hive saved (credential material)', pattern: /reg(?:\.exe)?\s+save\s+hklm\\(?:sam|system|security)\b/i, techniques: ['T1003.002'], tactic: 'Credential Access', level: 'high' },
  { id: 'ntds_dump', title: 'Active Directory database copied', pattern: /ntdsutil.*ifm|\\ntds\.dit/i, techniques: ['T1003.003'], tactic: 'Credential Access', level: 'high' },
  { id: 'mshta_exec', title: 'Script run through mshta', pattern: /\bmshta(?:\.exe)?\s+\S+/i, techniques: ['T1218.005'], tactic: 'Defense Evasion', level: 'medium' },
  { id: 'rundll32_exec', title: 'Code run through rundll32', pattern: /\brundll32(?:\.exe)?\s+[^,\s]+\.(?:dll|cpl|ocx|dat|tmp)?\S*,\s*\S+/i, techniques: ['T1218.011'], tactic: 'Defense Evasion', level: 'low' },
  { id: 'regsvr32_exec', title: 'Scriptlet run through regsvr32', pattern: /regsvr32(?:\.exe)?\s+.*\/i:\s*https?:|regsvr32.*scrobj/i, techniques: ['T1218.010'], tactic: 'Defense Evasion', level: 'high' },
  { id: 'whoami', title: 'Current user enumerated (whoami)', pattern: /(?:^|[\\/\s"])whoami(?:\.exe)?(?:["\s]|$)/i, techniques: ['T1033'], tactic: 'Discovery', level: 'low', processRole: 'recon_tool' },
  { id: 'system_info', title: 'System information enumerated', pattern: /(?:^|[\\/\s"])systeminfo(?:\.exe)?(?:["\s]|$)|\bhostname(?:\.exe)?$/i, techniques: ['T1082'], tactic: 'Discovery', level: 'low', processRole: 'recon_tool' },
  { id: 'network_config', title: 'Network configuration enumerated', pattern: /(?:^|[\\/\s"])(?:ipconfig(?:\.exe)?\s+\/all|arp(?:\.exe)?\s+-a|route(?:\.exe)?\s+print)/i, techniques: ['T1016'], tactic: 'Discovery', level: 'low', processRole: 'recon_tool' },
  { id: 'account_discovery', title: 'Accounts or groups enumerated', pattern: /\bnet1?(?:\.exe)?\s+(?:user|group|localgroup)(?:\s+(?:\/domain|"[^"]+"|[^/\s]+))*\s*$|get-aduser|get-adgroupmember/i, techniques: ['T1087'], tactic: 'Discovery', level: 'low', processRole: 'recon_tool' },
  { id: 'domain_trust_discovery', title: 'Domain trusts enumerated', pattern: /nltest(?:\.exe)?\s+.*\/(?:domain_trusts|dclist)|get-adtrust/i, techniques: ['T1482'], tactic: 'Discovery', level: 'medium', processRole: 'recon_tool' },
  { id: 'firewall_disable', title: 'Host firewall disabled or opened', pattern: /netsh\s+(?:adv)?firewall\s+.*(?:state\s+off|opmode\s+disable|add\s+rule)|set-netfirewallprofile.*-enabled\s+false/i, techniques: ['T1562.004'], tactic: 'Defense Evasion', level: 'high' },
  { id: 'defender_disable', title: 'Microsoft Defender tampered with', pattern: /set-mppreference.*-disable\w*\s+\$?true|add-mppreference.*-exclusion/i, techniques: ['T1562.001'], tactic: 'Defense Evasion', level: 'high' },
  { id: 'wmi_exec', title: 'Remote process created through WMI', pattern: /wmic(?:\.exe)?\s+.*\/node:.*process\s+call\s+create|invoke-wmimethod.*win32_process/i, techniques: ['T1047'], tactic: 'Execution', level: 'high' },
  { id: 'dcom_lateral', title: 'Remote code execution through DCOM objects', pattern: /GetTypeFromProgID|GetTypeFromCLSID|MMC20\.Application|ShellBrowserWindow|ShellWindows|9BA05972-F6A8-11CF-A442-00A0C90A8F39|C08AFD90-F2A1-11D1-8455-00A0C91F3880/i, techniques: ['T1021.003'], tactic: 'Lateral Movement', level: 'high' },
  { id: 'obfuscated_invocation', title: 'Obfuscated PowerShell invocation', pattern: /\$pshome\[\d+\]|\$env:comspec\[\d+|\$shellid\[\d+\]|\[string\]\[char\[\]\]|(?:\(\s*\d{2,3}\s*,\s*){8}|-join\s*\(?\s*\[char/i, techniques: ['T1027.010'], tactic: 'Defense Evasion', level: 'high' },
  { id: 'vbscript_exec', title: 'VBScript run by a script host', pattern: /\b[wc]script(?:\.exe)?\b.*\.(?:vbs|vbe)\b/i, techniques: ['T1059.005'], tactic: 'Execution', level: 'medium' },
  { id: 'jscript_exec', title: 'JScript run by a script host', pattern: /\b[wc]script(?:\.exe)?\b.*\.(?:js|jse)\b/i, techniques: ['T1059.007'], tactic: 'Execution', level: 'medium' },
  { id: 'signed_proxy_execution', title: 'Payload run through a signed system proxy binary', pattern: /register-cimprovider(?:\.exe)?\W.*-path\s|odbcconf(?:\.exe)?\s.*(?:\/a\s*\{?\s*regsvr|-f\s)|installutil(?:\.exe)?\s.*\/u\b|\b(?:regasm|regsvcs)(?:\.exe)?\s+\S+\.dll|cmstp(?:\.exe)?\s.*\/s\b|mavinject(?:\.exe)?\s.*\/injectrunning|msiexec(?:\.exe)?\s.*\/q\S*\s.*https?:|control(?:\.exe)?\s+\S+\.cpl/i, techniques: ['T1218'], tactic: 'Defense Evasion', level: 'medium' },
  { id: 'sam_registry_read', title: 'Local account hashes read from the SAM registry hive', pattern: /\\sam\\sam\\domains\\account|hklm:\\sam\b/i, techniques: ['T1003.002'], tactic: 'Credential Access', level: 'high' },
  { id: 'psexec', title: 'PsExec-style remote execution', pattern: /\bpsexec(?:64)?(?:\.exe)?\s+\\\\/i, techniques: ['T1569.002', 'T1021.002'], tactic: 'Lateral Movement', level: 'high', processRole: 'attack_tool' },
];

export function commandTraits(text: string): CommandTrait[] {
  const out: CommandTrait[] = [];
  for (const { pattern, ...trait } of PATTERNS) if (pattern.test(text)) out.push(trait);
  return out;
}
