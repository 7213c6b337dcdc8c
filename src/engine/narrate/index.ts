import type { Findings, Indicator, Narrative } from '../model';
import { contextFactors } from '../severity/context';
import { isInternalIp } from '../indicators/ip';

/**
 * The deterministic narrator: writes the contract's narrative from findings alone, specific
 * enough to act on (names the hosts, accounts and addresses) and safe to ship without a model.
 */
export function narrateDeterministic(findings: Findings): Narrative {
  return {
    summary: summaryOf(findings),
    impact: impactOf(findings),
    root_cause: rootCauseOf(findings),
    recommendations: recommendationsOf(findings),
  };
}

const MAX_RECOMMENDATIONS = 12;

function withRole(findings: Findings, ...roles: string[]): Indicator[] {
  const seen = new Set<string>();
  return findings.indicators.filter((i) => {
    const key = i.value.toLowerCase();
    if (!roles.includes(i.role) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function named(i: Indicator): string {
  return i.intel && i.intel.length > 0 ? `${i.value} (${i.intel.join(', ')})` : i.value;
}

function list(values: string[], max = 3): string {
  const shown = values.slice(0, max);
  const more = values.length > max ? ` and ${values.length - max} more` : '';
  if (shown.length <= 1) return `${shown.join('')}${more}`;
  return `${shown.slice(0, -1).join(', ')}${more ? `, ${shown[shown.length - 1]}${more}` : ` and ${shown[shown.length - 1]}`}`;
}

function ruleIdsSeen(findings: Findings): Set<string> {
  return new Set(findings.chains.flatMap((c) => c.steps.flatMap((s) => s.rule_ids)));
}

function hasTechnique(findings: Findings, prefix: string): boolean {
  return findings.techniques.some((t) => t.technique_id === prefix || t.technique_id.startsWith(`${prefix}.`));
}

function stagesOf(findings: Findings): string[] {
  const main = findings.chains[0];
  if (!main) return [];
  return [...new Set(main.steps.map((s) => s.stage).filter((s) => s !== 'Unknown'))];
}

function when(findings: Findings): string {
  if (findings.scope === 'campaign' && findings.incidents && findings.incidents.length > 1) {
    const firsts = findings.incidents.map((i) => i.first_seen).filter((t): t is string => !!t).sort();
    const lasts = findings.incidents.map((i) => i.last_seen).filter((t): t is string => !!t).sort();
    if (firsts.length > 0 && lasts.length > 0) return ` between ${firsts[0]} and ${lasts[lasts.length - 1]}`;
  }
  const main = findings.chains[0];
  if (main?.firstTime === undefined || main.lastTime === undefined) return '';
  const a = new Date(main.firstTime).toISOString().replace('.000Z', 'Z');
  const b = new Date(main.lastTime).toISOString().replace('.000Z', 'Z');
  return a === b ? ` at ${a}` : ` between ${a} and ${b}`;
}

function artifactSummary(f: Findings): string | undefined {
  const a = f.artifact;
  if (!a) return undefined;
  const kind = a.type.replace('_', ' ');
  const layers = a.layers.length > 0 ? ` It decodes through ${a.layers.length} layer${a.layers.length > 1 ? 's' : ''} (${a.layers.map((l) => l.method.replace(/_/g, ' ')).join(' → ')}) to: ${a.decoded.replace(/\s+/g, ' ').slice(0, 200)}.` : ' It carries no encoding layer.';
  const traits = a.traits.length > 0 ? ` Recognised behaviour: ${list(a.traits, 4)}.` : '';
  const infra = withRole(f, 'payload_url', 'payload_host', 'c2', 'attacker').map(named);
  const where = infra.length > 0 ? ` It reaches out to ${list(infra, 3)}.` : '';
  const top = f.techniques.slice(0, 3).map((t) => `${t.name} (${t.technique_id})`);
  return `${capitalise(f.severity)}-severity ${kind} (event ${a.event_index ?? '?'}).${layers}${traits}${where}${top.length > 0 ? ` ATT&CK: ${list(top, 3)}.` : ''}`;
}

function summaryOf(f: Findings): string {
  const artifact = f.scope === 'artifact' ? artifactSummary(f) : undefined;
  if (artifact) return artifact;
  if (f.severity === 'info') {
    const observed = f.chains.length > 0 ? `; ${f.chains.length} informational observation${f.chains.length > 1 ? 's' : ''} of normal activity` : '; no detection rule or behaviour heuristic matched';
    return `No malicious activity was identified in ${f.stats.events} events (${Object.keys(f.stats.formats).join(', ') || 'no recognised format'})${observed}.`;
  }
  const attackers = withRole(f, 'attacker').map(named);
  const accounts = withRole(f, 'compromised_account').map((i) => i.value);
  const hosts = withRole(f, 'compromised_host', 'target').map((i) => i.value);
  const top = f.techniques.slice(0, 3).map((t) => `${t.name} (${t.technique_id})`);
  const stages = stagesOf(f);
  const story = storyOf(f);
  let text = `${capitalise(f.severity)}-severity ${f.scope === 'campaign' ? 'campaign' : 'incident'}${when(f)}: ${story || (top.length > 0 ? list(top, 3) : 'suspicious activity')}.`;
  const who: string[] = [];
  if (attackers.length > 0) who.push(`attacker ${list(attackers)}`);
  if (accounts.length > 0) who.push(`compromised account${accounts.length > 1 ? 's' : ''} ${list(accounts)}`);
  if (hosts.length > 0) who.push(`affected ${list(hosts)}`);
  if (who.length > 0) text += ` ${capitalise(who.join('; '))}.`;
  if (story && top.length > 0) text += ` ATT&CK: ${list(top, 3)}.`;
  if (stages.length > 1) text += ` The activity progressed through ${stages.length} ATT&CK stages (${stages.join(' → ')}).`;
  if (f.incidents && f.incidents.length > 1) text += ` ${f.incidents.length} related incidents were identified.`;
  return text;
}

/** The main chain as a sentence: its steps in time order, strongest first when there are many. */
function storyOf(f: Findings): string {
  const steps = f.chains[0]?.steps ?? [];
  const confidence = new Map(f.techniques.map((t) => [t.technique_id, t.confidence]));
  const weight = (techniques: string[]): number => Math.max(0, ...techniques.map((t) => confidence.get(t) ?? confidence.get(t.split('.')[0]) ?? 0));
  const ranked = [...steps].filter((s) => weight(s.techniques) > 0 || s.rule_ids.some((r) => r.startsWith('lantern.')))
    .sort((a, b) => weight(b.techniques) - weight(a.techniques) || b.event_indices.length - a.event_indices.length).slice(0, 3);
  const ordered = ranked.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
  const seen = new Set<string>();
  const covered = new Set<string>();
  const parts: string[] = [];
  for (const s of ordered) {
    const d = s.description.replace(/\.$/, '');
    // A rule and a heuristic often describe the same step: say it once.
    if (seen.has(d) || (s.techniques.length > 0 && s.techniques.every((t) => covered.has(t)))) continue;
    seen.add(d);
    for (const t of s.techniques) covered.add(t);
    parts.push(d);
  }
  return parts.join(', then ');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function impactOf(f: Findings): string {
  if (f.severity === 'info') return 'No impact identified: the events show no successful or attempted malicious activity.';
  const sentences: string[] = [];
  const accounts = withRole(f, 'compromised_account').map((i) => i.value);
  const hosts = withRole(f, 'compromised_host').map((i) => i.value);
  const targets = withRole(f, 'target').map((i) => i.value);
  const created = withRole(f, 'created_account').map((i) => i.value);
  if (accounts.length > 0) sentences.push(`The account${accounts.length > 1 ? 's' : ''} ${list(accounts)} must be considered compromised.`);
  if (hosts.length > 0) sentences.push(`Attacker-controlled activity ran on ${list(hosts)}.`);
  else if (targets.length > 0) sentences.push(`${list(targets)} ${targets.length > 1 ? 'were' : 'was'} targeted.`);
  if (created.length > 0) sentences.push(`A new account (${list(created)}) gives the attacker persistent access.`);
  if (hasTechnique(f, 'T1003') || hasTechnique(f, 'T1558')) sentences.push('Credential material was exposed; further accounts may be compromised offline.');
  if (hasTechnique(f, 'T1071') || hasTechnique(f, 'T1048') || hasTechnique(f, 'T1041')) sentences.push('An outbound channel to attacker infrastructure was active: data may have left the network.');
  if (hasTechnique(f, 'T1486') || hasTechnique(f, 'T1490')) sentences.push('Recovery options were destroyed or data encrypted: business disruption is likely.');
  if (hasTechnique(f, 'T1087') || hasTechnique(f, 'T1033') || hasTechnique(f, 'T1082') || hasTechnique(f, 'T1016')) sentences.push('The attacker performed discovery, typically preparing lateral movement or data theft.');
  const ctx = contextFactors(f.context);
  if (ctx.sensitive.length > 0) sentences.push(`Business context: ${ctx.sensitive.join(', ')} — ${ctx.sensitive.includes('personal data') ? 'a personal-data breach must be assessed' : 'the affected asset is business critical'}.`);
  if (sentences.length === 0) sentences.push(`Suspicious activity rated ${f.severity}; no confirmed compromise in the supplied events.`);
  sentences.push(`Severity ${f.severity}: ${f.severityReasons.join('; ')}.`);
  return sentences.join(' ');
}

function rootCauseOf(f: Findings): string {
  const rules = ruleIdsSeen(f);
  const has = (fragment: string): boolean => [...rules].some((r) => r.includes(fragment));
  const account = withRole(f, 'compromised_account')[0]?.value;
  const attacker = withRole(f, 'attacker')[0];
  const from = attacker ? ` from ${named(attacker)}` : '';
  if (has('brute_force_success')) return `Password-only remote access: the account ${account ?? '(unknown)'} had a guessable password and no lockout or rate limiting stopped repeated failed logons${from}.`;
  if (has('password_spraying') || has('brute_force')) return `Remote logon exposed to password guessing${from}; the attempts did not succeed in the supplied events.`;
  if (has('mfa_fatigue_success')) return `Push-based MFA without number matching: after repeated unsolicited prompts the user approved one, letting an attacker holding the password of ${account ?? 'the account'} sign in${from}.`;
  if (has('mfa_fatigue')) return `The password of ${account ?? 'an account'} is known to an attacker${from}, who is trying to get an MFA push approved.`;
  if (has('kerberoasting')) return `Service accounts with SPNs accept RC4-encrypted Kerberos tickets, which ${account ?? 'an authenticated account'} requested for offline password cracking; weak service-account passwords make this exploitable.`;
  if (has('external_logon')) return `Valid credentials for ${account ?? 'an account'} were used${from} over an internet-exposed remote-access service; the credentials were stolen, reused or guessed outside the supplied logs.`;
  if (has('dns_tunnel')) return `A host runs a DNS tunnelling client and the network lets internal clients resolve arbitrary external domains; the initial infection is not in the supplied events.`;
  if (has('download_cradle') || has('decoded_payload') || hasTechnique(f, 'T1218')) return `User-context execution of an obfuscated script (${parentChain(f) ?? 'a script host'}) that downloaded and ran a payload; the initial delivery (e.g. a phishing attachment or link) precedes the supplied events.`;
  const first = [...(f.chains[0]?.steps ?? [])].sort((a, b) => (a.time ?? Infinity) - (b.time ?? Infinity))[0];
  if (first) return `Not determinable from the supplied events alone; the earliest malicious step observed is "${first.description}" (${first.stage}).`;
  return 'No root cause: no malicious activity was identified.';
}

function parentChain(f: Findings): string | undefined {
  const tools = withRole(f, 'attack_tool', 'suspicious_process', 'malware').map((i) => i.value);
  return tools.length > 0 ? list(tools, 2) : undefined;
}

function recommendationsOf(f: Findings): string[] {
  if (f.severity === 'info') return ['No action required; keep collecting these sources and re-run the analysis if new alerts arrive.'];
  const out: string[] = [];
  const add = (text: string): void => {
    if (!out.includes(text)) out.push(text);
  };
  for (const h of withRole(f, 'compromised_host').slice(0, 3)) add(`Isolate ${h.value} from the network now to stop further attacker activity and lateral movement`);
  const accessGained = [...ruleIdsSeen(f)].some((r) => /brute_force_success|mfa_fatigue_success|external_logon/.test(r));
  if (withRole(f, 'compromised_host').length === 0) {
    for (const t of withRole(f, 'target').filter((i) => i.type === 'ip' || i.type === 'host').slice(0, 2)) {
      add(accessGained ? `Isolate ${t.value} for investigation: the attacker obtained access to it` : `Review ${t.value} for signs of compromise: it was targeted`);
    }
  }
  for (const a of withRole(f, 'attacker').filter((i) => i.type === 'ip' && isInternalIp(i.value)).slice(0, 2)) add(`Isolate the internal source ${a.value} and find the machine and user behind it: it acted as the attacker`);
  for (const a of withRole(f, 'compromised_account').slice(0, 3)) add(`Reset the credentials of ${a.value}, revoke all its active sessions and tokens, and review its recent activity`);
  for (const c of withRole(f, 'created_account').slice(0, 3)) add(`Disable and remove the attacker-created account ${c.value} and any group memberships it was given`);
  const blocks = withRole(f, 'attacker', 'c2', 'exfil_destination', 'payload_host').filter((i) => (i.type === 'ip' && !isInternalIp(i.value)) || i.type === 'domain' || i.type === 'url');
  if (blocks.length > 0) add(`Block ${list(blocks.map(named), 4)} at the perimeter firewall, proxy and DNS resolver, and search all logs for other contact with ${blocks.length > 1 ? 'them' : 'it'}`);
  const persistence = withRole(f, 'persistence', 'malware', 'payload').filter((i) => ['file', 'scheduled_task', 'service', 'registry'].includes(i.type));
  if (persistence.length > 0) add(`Remove persistence and payloads: ${list(persistence.map((i) => `${i.type.replace('_', ' ')} ${i.value}`), 4)}; collect them for analysis first`);
  const hashes = f.indicators.filter((i) => ['sha256', 'sha1', 'md5'].includes(i.type));
  if (hashes.length > 0) add(`Sweep all endpoints for the file hash${hashes.length > 1 ? 'es' : ''} ${list(hashes.map((h) => h.value), 3)}`);
  const forensic = withRole(f, 'compromised_host')[0] ?? withRole(f, 'target')[0];
  if (forensic) add(`Perform a forensic analysis of ${forensic.value} (memory and disk) for further persistence and data access`);
  const ctx = contextFactors(f.context);
  if (ctx.sensitive.includes('personal data')) add('Audit access to the personal data on the affected systems for exfiltration and assess breach-notification obligations (e.g. GDPR 72 hours)');
  if (ctx.sensitive.includes('domain controller')) add('Treat the domain as at risk: review privileged group changes and Kerberos activity on all domain controllers');
  for (const r of hardening(f)) add(r);
  for (const m of (f.mitigations ?? []).slice(0, 3)) add(`ATT&CK ${m.id} ${m.name}: apply it against ${list(m.techniques, 3)}`);
  return out.slice(0, MAX_RECOMMENDATIONS);
}

/** Fixes for the weakness each recognised behaviour exploited. */
function hardening(f: Findings): string[] {
  const rules = [...ruleIdsSeen(f)];
  const has = (fragment: string): boolean => rules.some((r) => r.includes(fragment));
  const out: string[] = [];
  if (has('brute_force') || has('password_spraying') || hasTechnique(f, 'T1110')) out.push('Enforce account lockout and rate limiting on exposed logon services and require MFA for all remote access');
  if (hasTechnique(f, 'T1021.004')) out.push('Use SSH key-based authentication only and disable password logon on SSH-exposed servers');
  if (hasTechnique(f, 'T1021.001')) out.push('Remove direct internet exposure of RDP: put it behind a VPN or gateway with MFA');
  if (has('mfa_fatigue') || hasTechnique(f, 'T1621')) out.push('Enable MFA number matching and rate-limit push prompts; alert on repeated denials');
  if (hasTechnique(f, 'T1558')) out.push('Move service accounts to AES-only Kerberos and group-managed service accounts (gMSA) with long random passwords');
  if (hasTechnique(f, 'T1071.004') || hasTechnique(f, 'T1572')) out.push('Force all DNS through internal resolvers and block or inspect direct external DNS; alert on high-entropy subdomain volumes');
  if (hasTechnique(f, 'T1059.001')) out.push('Enable PowerShell script-block logging and Constrained Language Mode; restrict PowerShell for standard users');
  if (hasTechnique(f, 'T1218')) out.push('Block script hosts and proxy binaries (mshta, rundll32, regsvr32) for standard users with application control');
  if (hasTechnique(f, 'T1136') || hasTechnique(f, 'T1098')) out.push('Alert on account creation and privileged group changes, and review all current administrative group members');
  if (hasTechnique(f, 'T1053')) out.push('Review all scheduled tasks on the affected hosts and alert on task creation by non-administrative users');
  if (hasTechnique(f, 'T1003')) out.push('Enable LSASS protection (RunAsPPL / Credential Guard) and rotate credentials of every account that logged on to the affected hosts');
  return out;
}
