/**
 * Indicator roles, most important first. When evidence gives one value several roles, the highest
 * wins (the source of a brute force that later logs on is the attacker, not just a client).
 */
export const ROLE_PRIORITY: readonly string[] = [
  'attacker', 'c2', 'exfil_destination', 'malware', 'webshell', 'payload_host', 'phishing_sender',
  // An account the attacker created is a backdoor to remove, even when the attacker also used it.
  'created_account', 'compromised_account', 'persistence', 'payload', 'payload_url', 'exploit_url', 'attack_tool',
  'recon_tool', 'exploited_service', 'exploited_application', 'compromised_host', 'target', 'targeted_account', 'targeted_service', 'targeted_data', 'suspicious_source',
  'remote_account', 'suspicious_process', 'source_host', 'affected_host', 'suspicious_file', 'modified_registry',
];

export function rolePriority(role: string): number {
  const i = ROLE_PRIORITY.indexOf(role);
  return i === -1 ? ROLE_PRIORITY.length : i;
}

/** Roles that must never be given to well-known benign infrastructure. */
export const HOSTILE_ROLES = new Set(['attacker', 'c2', 'exfil_destination', 'payload_host', 'malware', 'phishing_sender', 'webshell']);

/** Process roles by the tactic of the signal that names the process. */
export const PROCESS_ROLE_BY_TACTIC: Record<string, string> = {
  Discovery: 'recon_tool',
  'Credential Access': 'attack_tool',
  'Lateral Movement': 'attack_tool',
  Collection: 'attack_tool',
  'Command and Control': 'malware',
  Exfiltration: 'attack_tool',
  Impact: 'malware',
  Persistence: 'persistence',
};
