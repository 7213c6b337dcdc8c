import type { Findings, Indicator, Narrative } from '../model';
import { contextFactors } from '../severity/context';
import { isInternalIp } from '../indicators/ip';
import { storyClauses } from './story';
import { phraseOf } from './phrases';

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

const MAX_RECOMMENDATIONS = 10;

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
  // An artifact report speaks of the artifact only, not of the rest of the batch.
  if (findings.scope === 'artifact') return new Set(findings.techniques.flatMap((t) => t.rule_ids ?? []));
  return new Set(findings.chains.flatMap((c) => c.steps.flatMap((s) => s.rule_ids)));
}

function hasTechnique(findings: Findings, prefix: string): boolean {
  return findings.techniques.some((t) => t.technique_id === prefix || t.technique_id.startsWith(`${prefix}.`));
}

function artifactSummary(f: Findings): string | undefined {
  const a = f.artifact;
  if (!a) return undefined;
  const kind = a.type.replace('_', ' ');
  const layers = a.layers.length > 0 ? ` It decodes through ${a.layers.length} layer${a.layers.length > 1 ? 's' : ''} (${a.layers.map((l) => l.method.replace(/_/g, ' ')).join(' → ')}) to: ${a.decoded.replace(/\s+/g, ' ').slice(0, 200)}.` : ' It carries no encoding layer.';
  const traits = a.traits.length > 0 ? ` Recognised behaviour: ${list(a.traits, 4)}.` : '';
  const infra = withRole(f, 'payload_url', 'payload_host', 'c2').map(named);
  const senders = withRole(f, 'attacker').map(named);
  const where = `${infra.length > 0 ? ` It reaches out to ${list(infra, 3)}.` : ''}${senders.length > 0 && infra.length === 0 ? ` It was sent by ${list(senders, 2)}.` : ''}`;
  const top = f.techniques.slice(0, 3).map((t) => `${t.name} (${t.technique_id})`);
  return `${capitalise(f.severity)}-severity ${kind} (event ${a.event_index ?? '?'}).${layers}${traits}${where}${top.length > 0 ? ` ATT&CK: ${list(top, 3)}.` : ''}`;
}

function summaryOf(f: Findings): string {
  const artifact = f.scope === 'artifact' ? artifactSummary(f) : undefined;
  if (artifact) return artifact;
  if (f.severity === 'info') return quietSummary(f);
  return storySummary(f.scope === 'campaign' && (f.incidents?.length ?? 0) > 1 ? mainIncidentView(f) : f, f);
}

/** A campaign's summary tells its most severe incident: only that incident's indicators take part. */
function mainIncidentView(f: Findings): Findings {
  const entities = new Set((f.chains[0]?.entities ?? []).map((e) => e.slice(e.indexOf(':') + 1).toLowerCase()));
  const events = new Set(f.chains[0]?.steps.flatMap((st) => st.event_indices) ?? []);
  const inMain = (i: Indicator): boolean => entities.has(i.value.toLowerCase()) || (i.event_indices ?? []).some((e) => events.has(e));
  return { ...f, indicators: f.indicators.filter(inMain) };
}

function storySummary(f: Findings, whole: Findings): string {
  const accounts = withRole(f, 'compromised_account').map((i) => i.value);
  const told = storyClauses(f, accounts).map((c) => c.clause);
  // Only weak readings: say what they suggest rather than nothing.
  const clauses = told.length > 0 ? told : f.techniques.slice().sort((a, b) => b.confidence - a.confidence).slice(0, 2).map((t) => `possibly ${phraseOf(t.technique_id, t.name)}`);
  const kind = f.scope === 'campaign' ? 'campaign' : 'incident';
  const story = clauses.length > 0 ? clauses.join(', then ') : 'triggered detections without a recognised attack technique';
  let text = `${capitalise(f.severity)}-severity ${kind}${windowOf(f)}: ${subjectOf(f, accounts)} ${story}.`;
  text += ` ${outcomeSentence(f, accounts)}`;
  if (whole.incidents && whole.incidents.length > 1) text += ` ${whole.incidents.length} related incidents were identified; the most severe is described here.`;
  return text;
}

function quietSummary(f: Findings): string {
  const formats = Object.keys(f.stats.formats).join(', ') || 'no recognised format';
  const seen = f.chains.length > 0
    ? ` Only routine activity was seen (${list([...new Set(f.chains.flatMap((c) => c.steps.map((s) => s.description)))], 3)}), which matches normal operations.`
    : ' No detection rule or behaviour heuristic matched.';
  return `No malicious activity was identified in ${f.stats.events} events (${formats}): nothing indicates a compromise.${seen}`;
}

/** Who acted: the outside attacker when there is one, otherwise the account or host the activity ran under. */
function subjectOf(f: Findings, accounts: string[]): string {
  const attackers = withRole(f, 'attacker');
  const external = attackers.filter((a) => (a.type === 'ip' ? !isInternalIp(a.value) : a.type !== 'host'));
  if (external.length > 0) return `an attacker at ${list(external.map(named), 2)}`;
  const internal = attackers.map((a) => a.value);
  const hosts = withRole(f, 'compromised_host').map((i) => i.value);
  if (accounts.length > 0 && internal.length > 0) return `the account ${accounts[0]}, used from ${list(internal, 2)},`;
  if (accounts.length > 0 && hosts.length > 0) return `code running as ${accounts[0]} on ${hosts[0]}`;
  if (accounts.length > 0) return `the account ${accounts[0]}${internal.length > 0 ? `, used from ${list(internal, 2)},` : ''}`;
  // An internal machine the attack came from acts; the compromised host is where it acted.
  if (internal.length > 0) return `an attacker inside the network (${internal.slice(0, 2).join(', ')})`;
  if (hosts.length > 0) return `the host ${hosts[0]}`;
  const sources = withRole(f, 'source_host', 'affected_host').map((i) => i.value);
  if (sources.length > 0) return `the host ${list(sources, 2)}`;
  return 'the attacker';
}

/** Did it work, what was hit, and why the business should care. */
function outcomeSentence(f: Findings, accounts: string[]): string {
  const hosts = withRole(f, 'compromised_host', 'target').filter((i) => i.type === 'host' || i.type === 'ip').map((i) => i.value);
  const ctx = contextFactors(f.context).sensitive;
  const business = ctx.length > 0 ? ` (${ctx.join(', ')})` : '';
  const where = hosts.length > 0 ? `${list(hosts, 3)}${business}` : '';
  const proven = successProven(f);
  const shells = withRole(f, 'webshell').map((i) => i.value);
  if (shells.length > 0) return `The attack succeeded: the web shell ${list(shells, 2)} answered the attacker's requests, so the web server${where ? ` (${where})` : ''} runs attacker commands${business && !where ? business : ''}.`;
  if (accessGained(f) && !proven && (f.severity === 'medium' || f.severity === 'low')) {
    return `Suspicious activity ran${accounts.length > 0 ? ` as ${list(accounts, 2)}` : ''}${where ? ` on ${where}` : ''}; the events do not prove a compromise, so confirm with the owners whether it was expected.`;
  }
  if (accessGained(f) && proven) {
    const who = accounts.length > 0 ? `the account${accounts.length > 1 ? 's' : ''} ${list(accounts, 3)}` : '';
    if (who && where) return `The attack succeeded: ${who} ${accounts.length > 1 ? 'are' : 'is'} under attacker control, with activity on ${where}.`;
    if (who) return `The attack succeeded: ${who} ${accounts.length > 1 ? 'are' : 'is'} under attacker control${business}.`;
    return `The attack succeeded on ${where || 'the monitored systems'}.`;
  }
  if (accessGained(f)) {
    const owned = withRole(f, 'compromised_host').map((i) => i.value);
    const aimed = hosts.filter((h) => !owned.includes(h));
    const place = owned.length > 0 ? ` on ${list(owned, 3)}` : aimed.length > 0 ? ` against ${list(aimed, 3)}` : '';
    const what = `${accounts.length > 0 ? ` as ${list(accounts, 2)}` : ''}${place}${business}`;
    const compromised = [...accounts, ...owned];
    const them = compromised.length === 0 ? 'the systems involved' : compromised.length > 1 ? 'them' : accounts.length === 1 ? 'the account' : 'it';
    return `Malicious activity ran${what}: treat ${them} as compromised.`;
  }
  const targeted = withRole(f, 'targeted_account').map((i) => i.value);
  const aimed = [...hosts, ...targeted];
  return `No successful access is shown in the supplied events${aimed.length > 0 ? `; targeted: ${list(aimed, 4)}${business}` : business}.`;
}

function windowOf(f: Findings): string {
  if (f.scope === 'campaign' && f.incidents && f.incidents.length > 1) {
    const firsts = f.incidents.map((i) => i.first_seen).filter((t): t is string => !!t).sort();
    const lasts = f.incidents.map((i) => i.last_seen).filter((t): t is string => !!t).sort();
    if (firsts.length > 0 && lasts.length > 0) return ` between ${firsts[0]} and ${lasts[lasts.length - 1]}`;
  }
  const main = f.chains[0];
  if (main?.firstTime === undefined || main.lastTime === undefined) return '';
  const a = new Date(main.firstTime).toISOString();
  const b = new Date(main.lastTime).toISOString();
  if (a === b) return ` at ${a.slice(11, 19)} UTC on ${a.slice(0, 10)}`;
  if (a.slice(0, 10) === b.slice(0, 10)) return ` on ${a.slice(0, 10)} between ${a.slice(11, 19)} and ${b.slice(11, 19)} UTC`;
  return ` between ${a.replace('.000Z', 'Z')} and ${b.replace('.000Z', 'Z')}`;
}

/** A success heuristic saw the attacker's logon work. */
function successProven(f: Findings): boolean {
  return [...ruleIdsSeen(f)].some((r) => /brute_force_success|mfa_fatigue_success|external_logon/.test(r));
}

/** Access is gained when an account or host is compromised or a success heuristic fired. */
function accessGained(f: Findings): boolean {
  if (withRole(f, 'compromised_account', 'compromised_host', 'created_account', 'webshell').length > 0) return true;
  return [...ruleIdsSeen(f)].some((r) => /brute_force_success|mfa_fatigue_success|external_logon/.test(r));
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const PRIVILEGED_NAME = /^(?:.*\\)?(?:admin|administrator|root|domain admins?|enterprise admins?|sa|superuser)(?:@.*)?$/i;

function impactOf(f: Findings): string {
  if (f.severity === 'info') return 'No impact identified: nothing in the events shows successful or attempted malicious activity.';
  const sentences: string[] = [];
  const accounts = withRole(f, 'compromised_account').map((i) => i.value);
  const hosts = withRole(f, 'compromised_host').map((i) => i.value);
  const targets = withRole(f, 'target').map((i) => i.value);
  const created = withRole(f, 'created_account').map((i) => i.value);
  const privileged = accounts.filter((a) => PRIVILEGED_NAME.test(a));
  if (accounts.length > 0) {
    const level = privileged.length > 0 || hasTechnique(f, 'T1078.001') ? ' with administrative rights' : '';
    sentences.push(`The attacker holds working access to ${accounts.length > 1 ? 'the accounts' : 'the account'} ${list(accounts)}${level}${hosts.length > 0 ? ` and has run commands on ${list(hosts)}` : targets.length > 0 ? `, used against ${list(targets)}` : ''}.`);
  } else if (hosts.length > 0) sentences.push(`Attacker-controlled activity ran on ${list(hosts)}.`);
  else if (targets.length > 0) sentences.push(`${list(targets)} ${targets.length > 1 ? 'were' : 'was'} targeted; the events do not show that the attack succeeded.`);
  const granted = hasTechnique(f, 'T1098.001') || hasTechnique(f, 'T1098.003') ? ', given its own keys or extra permissions,' : hasTechnique(f, 'T1098.007') || hasTechnique(f, 'T1098') ? ', placed in a privileged group,' : '';
  if (created.length > 0) sentences.push(`The new account ${list(created)}${granted} gives the attacker a way back in even after the original credentials are reset.`);
  if (hasTechnique(f, 'T1098.005')) sentences.push('A new MFA device was registered, so a password reset alone will not lock the attacker out.');
  const persistence = withRole(f, 'persistence').filter((i) => ['scheduled_task', 'service', 'registry', 'file'].includes(i.type));
  if (persistence.length > 0) sentences.push(`Persistence is in place (${list(persistence.map((i) => `${i.type.replace('_', ' ')} ${i.value}`), 3)}): the foothold survives reboots and logons.`);
  const services = withRole(f, 'targeted_service').map((i) => i.value);
  if (hasTechnique(f, 'T1558')) sentences.push(`Credential material was exposed${services.length > 0 ? ` for ${services.length} service account${services.length > 1 ? 's' : ''} (${list(services, 3)})` : ''}: weak passwords among them can be cracked offline without further alerts.`);
  if (hasTechnique(f, 'T1003')) sentences.push(`Credentials were dumped${hosts.length > 0 ? ` on ${list(hosts, 2)}` : ''}: the hashes and tickets of every account logged on there can be reused to move further (pass-the-hash) until those passwords are changed.`);
  const shells = withRole(f, 'webshell').map((i) => i.value);
  if (shells.length > 0) sentences.push(`The web shell ${list(shells, 2)} gives the attacker command execution on the web server with the rights of the web application, and access to whatever it can reach (database, configuration secrets).`);
  const sprayed = withRole(f, 'targeted_account').map((i) => i.value);
  if (sprayed.length >= 3) sentences.push(`${sprayed.length} other accounts (${list(sprayed, 3)}) were tried from the same source; any of them with a guessable password is exposed too.`);
  const forwarded = withRole(f, 'exfil_destination').filter((i) => i.type === 'email').map((i) => i.value);
  if (forwarded.length > 0) sentences.push(`Mail is being forwarded to ${list(forwarded, 2)}: every message since the rule was set, and any sent later, is readable by the attacker, who can also use the mailbox for payment fraud.`);
  const data = withRole(f, 'targeted_data').map((i) => i.value);
  if (hasTechnique(f, 'T1530')) sentences.push(`Objects were read in bulk from cloud storage${data.length > 0 ? ` (${list(data, 2)})` : ''}: assume their content is in the attacker's hands.`);
  if (hasTechnique(f, 'T1685.002') || hasTechnique(f, 'T1562.008')) sentences.push('Cloud audit logging was stopped, so later activity may be missing from the trail.');
  if (hasTechnique(f, 'T1685.005') || hasTechnique(f, 'T1685.006') || hasTechnique(f, 'T1070.001') || hasTechnique(f, 'T1070.002')) sentences.push(`Logs were cleared${hosts.length > 0 ? ` on ${list(hosts, 2)}` : ''}: activity before the clearing may be missing, so these events are a lower bound.`);
  const channel = chainInfrastructure(f).filter((i) => i.role !== 'attacker' && (i.type === 'domain' || i.type === 'ip' || i.type === 'url')).map(named);
  if (hasTechnique(f, 'T1048') || hasTechnique(f, 'T1041') || hasTechnique(f, 'T1567')) sentences.push(`Data may have left the network${channel.length > 0 ? ` through ${list(channel, 2)}` : ''}; the volume and content cannot be confirmed from these logs.`);
  else if (hasTechnique(f, 'T1071') || hasTechnique(f, 'T1105')) sentences.push(`The host reached attacker infrastructure${channel.length > 0 ? ` (${list(channel, 2)})` : ''}, so further payloads or remote control are possible.`);
  if (hasTechnique(f, 'T1486') || hasTechnique(f, 'T1490')) sentences.push('Recovery options were destroyed or data encrypted: business disruption is likely.');
  if (['T1087', 'T1033', 'T1082', 'T1016', 'T1018', 'T1069'].some((t) => hasTechnique(f, t))) sentences.push('The discovery commands suggest preparation for lateral movement or data theft; no spread to other hosts is visible in the supplied events.');
  const ctx = contextFactors(f.context).sensitive;
  if (ctx.includes('personal data')) sentences.push('Personal data is stored on the affected system, so a personal-data breach must be assessed.');
  else if (ctx.length > 0) sentences.push(`The affected asset is business critical (${ctx.join(', ')}).`);
  if (sentences.length === 0) sentences.push(`Suspicious activity rated ${f.severity} (${f.severityReasons.join('; ')}); no confirmed compromise in the supplied events.`);
  return sentences.join(' ');
}

/** Infrastructure of the main attack chain (other indicators may be incidental traffic). */
function chainInfrastructure(f: Findings): Indicator[] {
  const entities = new Set((f.chains[0]?.entities ?? []).map((e) => e.slice(e.indexOf(':') + 1).toLowerCase()));
  const infra = withRole(f, 'attacker', 'c2', 'exfil_destination', 'payload_host', 'payload_url');
  if (entities.size === 0) return infra;
  return infra.filter((i) => entities.has(i.value.toLowerCase()));
}

function rootCauseOf(f: Findings): string {
  // Nothing malicious (the summary says so): routine matches are not an attacker's first step.
  if (f.severity === 'info' && f.scope !== 'artifact') return 'No root cause: no malicious activity was identified.';
  const rules = ruleIdsSeen(f);
  const has = (fragment: string): boolean => [...rules].some((r) => r.includes(fragment));
  const account = withRole(f, 'compromised_account')[0]?.value;
  const attacker = withRole(f, 'attacker')[0];
  const from = attacker ? ` from ${named(attacker)}` : '';
  if (has('mfa_fatigue_success')) {
    if (has('password_spraying') || has('brute_force')) {
      return `Password guessing${from} found the password of ${account ?? 'the account'}, and push-based MFA without number matching did the rest: after repeated unsolicited prompts the user approved one, letting the attacker sign in.`;
    }
    return `Push-based MFA without number matching: after repeated unsolicited prompts the user approved one, letting an attacker who already held the password of ${account ?? 'the account'} sign in${from}.`;
  }
  if (has('remote_service_execution')) return `The attacker already controlled ${attacker ? named(attacker) : 'another internal machine'} and held the credentials of ${account ?? 'an account'}, which has administrative rights on ${withRole(f, 'compromised_host').filter((h) => !attacker || h.value !== attacker.value).map((h) => h.value)[0] ?? 'the target'}: that was enough to copy a service binary over the admin share and start it remotely. How the first machine and the credentials were obtained is not in the supplied events.`;
  if (withRole(f, 'webshell').length > 0 || (hasTechnique(f, 'T1190') && withRole(f, 'exploit_url').length > 0)) return webRootCause(f, from);
  if (has('brute_force_success') && attacker?.type === 'ip' && isInternalIp(attacker.value)) {
    return `Password guessing from the internal machine ${named(attacker)} found the password of ${account ?? 'an account'}: no account lockout or alerting stopped the repeated failed logons. That machine is itself under attacker control; how it was compromised is not in the supplied events.`;
  }
  if (has('brute_force_success')) return `${capitalise(remoteService(f))} reachable from the internet with password-only logon: the account ${account ?? '(unknown)'} had a guessable password, and no account lockout, rate limiting or MFA stopped the repeated failed logons${from}.`;
  if (has('password_spraying') || has('brute_force')) return `Remote logon exposed to password guessing${from}; the attempts did not succeed in the supplied events.`;
  if (has('mfa_fatigue')) return `The password of ${account ?? 'an account'} is known to an attacker${from}, who is trying to get an MFA push approved.`;
  if (has('kerberoasting')) return `Service accounts with SPNs accept RC4-encrypted Kerberos tickets, which ${account ?? 'an authenticated account'} requested for offline password cracking; weak service-account passwords make this exploitable.`;
  if (has('external_logon') && f.timeline.some((t) => / without MFA$/.test(t.description))) {
    return `The cloud console accepted a password-only sign-in (no MFA) for ${account ?? 'an account'}${from}. The logs do not show how the password was obtained (phishing, reuse from another breach or a leaked credential file); any account without MFA is exposed the same way.`;
  }
  if (has('external_logon')) {
    const service = remoteService(f);
    const kind = hasTechnique(f, 'T1078.001') ? 'a default administrative account' : 'an account';
    return `${capitalise(service)} reachable from the internet accepted a password logon to ${kind} (${account ?? 'unknown'})${from} with no second factor. The logs do not show how the password was obtained: no failed attempts precede the logon, which points to a weak or default password guessed elsewhere, or credentials reused from another breach.`;
  }
  if (has('dns_tunnel')) return `A host runs a DNS tunnelling client and the network lets internal clients resolve arbitrary external domains; the initial infection is not in the supplied events.`;
  const document = withRole(f, 'exploited_application').find((i) => i.type === 'process');
  if (document && (has('download_cradle') || has('decoded_payload') || hasTechnique(f, 'T1218') || hasTechnique(f, 'T1105'))) {
    return `A malicious document opened${account ? ` by ${account}` : ''} in ${document.value} started ${parentChain(f) ?? 'a script host'}, which downloaded and ran a payload: active content in documents was allowed to run. How the document arrived (e-mail attachment or link) precedes the supplied events.`;
  }
  if (has('download_cradle') || has('decoded_payload') || hasTechnique(f, 'T1218')) {
    const obfuscated = hasTechnique(f, 'T1027') || hasTechnique(f, 'T1140') ? 'an obfuscated script' : 'system tools';
    return `User-context execution of ${obfuscated} (${parentChain(f) ?? 'a script host'}) that downloaded and ran a payload; the initial delivery (e.g. a phishing attachment or link) precedes the supplied events.`;
  }
  const first = [...(f.chains[0]?.steps ?? [])].sort((a, b) => (a.time ?? Infinity) - (b.time ?? Infinity))[0];
  if (first) return `The supplied events do not show how the attacker got in; the earliest malicious step observed is "${first.description.replace(/\.$/, '')}" (${first.stage}). Collect the preceding logs of the affected systems to find the entry point.`;
  return 'No root cause: no malicious activity was identified.';
}

const SQL_INJECTION = /union(?:\s|%20|\+)+(?:all(?:\s|%20|\+)+)?select|sleep(?:\(|%28)|benchmark(?:\(|%28)|'(?:\s|%20|\+)*or(?:\s|%20|\+)|%27(?:%20|\+)*or|information_schema|xp_cmdshell/i;

/** A web application let the attacker in: name the flaw the requests show and the shell it led to. */
function webRootCause(f: Findings, from: string): string {
  const exploits = withRole(f, 'exploit_url').map((i) => i.value);
  const sqli = exploits.find((u) => SQL_INJECTION.test(u));
  const page = (u: string): string => u.split('?')[0];
  const shells = withRole(f, 'webshell').map((i) => i.value);
  const flaw = sqli ? `SQL injection in ${page(sqli)}` : exploits.length > 0 ? `a vulnerability reached through ${page(exploits[0])}` : 'a vulnerability in the application';
  const upload = exploits.find((u) => /upload/i.test(u));
  const shell = shells.length > 0 ? `, then ${upload ? `a file upload (${page(upload)}) that stores executable scripts` : 'a writable, executable web directory'} let it plant the web shell ${list(shells, 2)}` : '';
  return `The internet-facing web application was exploitable${from}: ${flaw}${shell}. Input validation and upload restrictions were missing, and no web application firewall stopped the requests.`;
}

function remoteService(f: Findings): string {
  if (hasTechnique(f, 'T1021.004')) return 'SSH';
  if (hasTechnique(f, 'T1021.001')) return 'RDP';
  if (hasTechnique(f, 'T1078.004')) return 'the cloud sign-in';
  return 'a remote-access service';
}

function parentChain(f: Findings): string | undefined {
  const tools = withRole(f, 'attack_tool', 'suspicious_process', 'malware').filter((i) => i.type === 'process').map((i) => i.value);
  return tools.length > 0 ? list(tools, 2) : undefined;
}

function webFix(f: Findings): string {
  const sqli = withRole(f, 'exploit_url').map((i) => i.value).find((u) => SQL_INJECTION.test(u));
  const fix = sqli ? `Fix the SQL injection in ${sqli.split('?')[0]} (parameterised queries), rotate the database credentials and assume the queried tables were read` : 'Patch or fix the exploited web application and review its logs since deployment for earlier exploitation';
  return `${fix}; put the application behind a web application firewall`;
}

function recommendationsOf(f: Findings): string[] {
  if (f.severity === 'info') return ['No action required: nothing indicates a compromise. Keep collecting these sources and re-run the analysis if new alerts arrive.'];
  const low = f.severity === 'low';
  const out: string[] = [];
  const add = (text: string): void => {
    if (!out.some((o) => o.toLowerCase() === text.toLowerCase())) out.push(text);
  };
  if (low) add(`Review the flagged activity with the owners of ${list([...withRole(f, 'compromised_host', 'target', 'compromised_account').map((i) => i.value)], 3) || 'the systems involved'} to confirm it was expected`);
  else containment(f, add);
  const blocks = chainInfrastructure(f).filter((i) => (i.type === 'ip' && !isInternalIp(i.value)) || i.type === 'domain' || i.type === 'url');
  const tor = blocks.some((b) => (b.intel ?? []).some((l) => /\btor\b/i.test(l))) ? ' (and the published Tor exit-node list)' : '';
  if (blocks.length > 0) add(`${low ? 'Consider blocking' : 'Block'} ${list(blocks.map(named), 4)}${tor} at the perimeter firewall, proxy and DNS resolver, and search all logs for other contact with ${blocks.length > 1 ? 'them' : 'it'}`);
  if (!low) eradication(f, add);
  for (const r of hardening(f)) add(r);
  const said = out.join(' ').toLowerCase();
  for (const m of (f.mitigations ?? []).filter((m) => !(m.id === 'M1032' && /\bmfa\b|multi-factor/.test(said))).slice(0, 3)) {
    add(`Apply ATT&CK mitigation ${m.id} (${m.name}) against ${list(m.techniques.map((t) => techniqueName(f, t)), 3)}`);
  }
  return out.slice(0, MAX_RECOMMENDATIONS);
}

function techniqueName(f: Findings, id: string): string {
  const t = f.techniques.find((x) => x.technique_id === id);
  return t ? `${t.name.replace(/^[^:]+:\s*/, '')} (${id})` : id;
}

/** Stop the bleeding: named hosts, sources and accounts first. */
function containment(f: Findings, add: (text: string) => void): void {
  for (const h of withRole(f, 'compromised_host').slice(0, 3)) {
    // Cutting a domain controller off breaks the whole domain: contain through the accounts, recover with a plan.
    if (isDomainController(h.value)) add(`Investigate ${h.value} (domain controller): revert the accounts and group memberships changed through it and check it for attacker tools; isolate it only within a domain-recovery plan`);
    else add(`Isolate ${h.value} from the network now to stop further attacker activity and lateral movement`);
  }
  if (withRole(f, 'compromised_host').length === 0) {
    for (const t of withRole(f, 'target').filter((i) => i.type === 'ip' || i.type === 'host').slice(0, 2)) {
      add(successProven(f) ? `Isolate ${t.value} for investigation: the attacker obtained access to it` : `Review ${t.value} for signs of compromise: it was targeted`);
    }
  }
  for (const a of withRole(f, 'attacker').filter((i) => i.type === 'ip' && isInternalIp(i.value)).slice(0, 2)) {
    const machine = withRole(f, 'attacker').find((h) => h.type === 'host' && (h.event_indices ?? []).some((e) => (a.event_indices ?? []).includes(e)));
    add(machine ? `Isolate ${machine.value} (${a.value}), the internal machine the attack came from, and investigate how it was compromised` : `Isolate the internal source ${a.value} and find the machine and user behind it: it acted as the attacker`);
  }
  for (const a of withRole(f, 'compromised_account').slice(0, 3)) add(`Reset the credentials of ${a.value}, revoke all its active sessions and tokens${hasTechnique(f, 'T1098.005') ? ', remove MFA devices it did not enrol itself' : ''}, and review its recent activity`);
  for (const c of withRole(f, 'created_account').slice(0, 3)) add(`Disable and remove the attacker-created account ${c.value}${isCloud(f) ? ', its access keys and the policies attached to it' : ' and any group memberships it was given'}`);
  const forwards = withRole(f, 'exfil_destination').filter((i) => i.type === 'email').map((i) => i.value);
  if (forwards.length > 0) add(`Remove the mail forwarding to ${list(forwards, 2)} (inbox rules and mailbox forwarding) and review all rules of the affected mailboxes; warn finance of possible payment fraud`);
  const shells = withRole(f, 'webshell').map((i) => i.value);
  if (shells.length > 0) add(`Take the web shell ${list(shells, 2)} offline now (keep a copy for analysis) and isolate the web server, or put it in maintenance mode, until it is rebuilt`);
  const targeted = withRole(f, 'targeted_account').map((i) => i.value);
  const attackers = withRole(f, 'attacker').map((i) => i.value);
  if (hasTechnique(f, 'T1621') && withRole(f, 'compromised_account').length === 0 && targeted.length > 0) {
    add(`Reset the password of ${list(targeted, 2)} now: the MFA prompts show the attacker already has it; tell the user to deny any prompt they did not start`);
  }
  if (targeted.length > 0 && withRole(f, 'compromised_account').length > 0 && attackers.length > 0) {
    add(`Check the other targeted accounts (${list(targeted, 3)}) for successful sign-ins from ${list(attackers, 2)} and force a password change where the password may have been guessed`);
  }
}

function isDomainController(host: string): boolean {
  return /^(?:[a-z]+-)?dc\d*(?:[.-]|$)|^(?:ad|pdc|rodc)\d*(?:[.-]|$)/i.test(host);
}

/** Cloud control-plane evidence: identities are IAM users and roles, persistence is keys and policies. */
function isCloud(f: Findings): boolean {
  return Object.keys(f.stats.formats).some((k) => ['cloudtrail', 'gcp', 'entra_id', 'm365', 'okta', 'kubernetes'].includes(k));
}

/** Remove what the attacker left behind, then verify. */
function eradication(f: Findings, add: (text: string) => void): void {
  const persistence = withRole(f, 'persistence', 'malware', 'payload').filter((i) => ['file', 'scheduled_task', 'service', 'registry'].includes(i.type));
  if (persistence.length > 0) add(`Remove persistence and payloads: ${list(persistence.map((i) => `${i.type.replace('_', ' ')} ${i.value}`), 4)}; collect them for analysis first`);
  const hashes = f.indicators.filter((i) => ['sha256', 'sha1', 'md5'].includes(i.type));
  if (hashes.length > 0) add(`Sweep all endpoints for the file hash${hashes.length > 1 ? 'es' : ''} ${list(hashes.map((h) => h.value), 3)}`);
  const forensic = withRole(f, 'compromised_host')[0] ?? withRole(f, 'target')[0];
  if (forensic) add(`Perform a forensic analysis of ${forensic.value} (memory and disk) for further persistence and data access before returning it to service`);
  const services = withRole(f, 'targeted_service');
  if (services.length > 0 && hasTechnique(f, 'T1558')) add(`Rotate the passwords of the requested service accounts (${list(services.map((s) => s.value), 3)}) to long random values`);
  const ctx = contextFactors(f.context);
  if (ctx.sensitive.includes('personal data')) add('Audit access to the personal data on the affected systems for exfiltration and assess breach-notification obligations (e.g. GDPR 72 hours)');
  if (ctx.sensitive.includes('domain controller')) add('Treat the domain as at risk: review privileged group changes and Kerberos activity on all domain controllers');
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
  const hosts = withRole(f, 'compromised_host').filter((i) => i.type === 'host').map((i) => i.value);
  const on = hosts.length > 0 ? ` on ${list(hosts, 2)}` : ' on the affected hosts';
  const cloudAccounts = hasTechnique(f, 'T1136.003') || hasTechnique(f, 'T1098.001') || hasTechnique(f, 'T1098.003');
  if (cloudAccounts) out.push(Object.keys(f.stats.formats).includes('cloudtrail')
    ? 'Require MFA for every console user, alert on IAM user, access-key and policy changes, and review all identities with administrator policies'
    : 'Require phishing-resistant MFA for every account, alert on new accounts, credentials and administrator role grants, and review all holders of administrator roles');
  else if (hasTechnique(f, 'T1136') || hasTechnique(f, 'T1098.007') || (hasTechnique(f, 'T1098') && !hasTechnique(f, 'T1098.005'))) out.push('Alert on account creation and privileged group changes, and review all current administrative group members');
  if (hasTechnique(f, 'T1098.005')) out.push('Review the MFA devices of all accounts and alert on a factor enrolled shortly after failed MFA attempts');
  if (hasTechnique(f, 'T1685.002') || hasTechnique(f, 'T1562.008')) out.push('Restart the stopped audit trail now, deny StopLogging/DeleteTrail with an organisation policy, and cover the logging gap from other sources (storage access logs, threat-detection findings)');
  if (hasTechnique(f, 'T1685.005') || hasTechnique(f, 'T1685.006') || hasTechnique(f, 'T1070.001') || hasTechnique(f, 'T1070.002')) out.push(`Recover the cleared logs${on} from central collection or backups, forward logs off-host in real time, and alert on log clearing`);
  if (hasTechnique(f, 'T1530')) out.push(`Assess the objects read from ${list(withRole(f, 'targeted_data').map((i) => i.value), 2) || 'cloud storage'} for breach-notification duties, and alert on bulk reads by a single identity`);
  if (hasTechnique(f, 'T1053.003')) out.push(`Review the crontabs (/etc/crontab, /etc/cron.*, /var/spool/cron)${on} and remove entries the attacker added`);
  else if (hasTechnique(f, 'T1053')) out.push(`Review all scheduled tasks${on} and alert on task creation by non-administrative users`);
  if (hasTechnique(f, 'T1548.003')) out.push(`Review sudoers and the sudo/wheel group${on}: remove rights the attacker used or granted`);
  const web = withRole(f, 'webshell', 'exploit_url').length > 0 || has('server_app_shell');
  if (web && hasTechnique(f, 'T1505.003')) out.push('Block script execution in upload directories, compare the web root with a known-good deployment, and alert on new script files in it');
  if (web && hasTechnique(f, 'T1190')) out.push(webFix(f));
  if (hasTechnique(f, 'T1021.002') || hasTechnique(f, 'T1569.002')) out.push('Block SMB and remote service creation from workstations to servers, use unique local administrator passwords (LAPS), and restrict service and deployment accounts to the hosts they serve');
  if (hasTechnique(f, 'T1003')) out.push('Enable LSASS protection (RunAsPPL / Credential Guard) and rotate credentials of every account that logged on to the affected hosts');
  return out;
}
