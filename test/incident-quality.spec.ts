/**
 * What a senior responder checks in Lantern's deterministic findings, on realistic incident
 * batches in formats beyond the shared scenarios (test/fixtures/incidents): who attacked, which
 * accounts and hosts are compromised, what the attacker left behind, which techniques, how bad,
 * whether the timeline counts repeats instead of listing them, and whether the recommendations
 * name the things to act on. Repo rules only, so it runs without ../shared.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAttackCatalog } from '../src/engine/attack';
import { analyze, buildAnalysisData, narrateDeterministic } from '../src/engine/analyze';
import type { AnalysisData, AnalysisRequest } from '../src/engine/model';
import { loadRuleSet } from '../src/engine/sigma';

const FIXTURES = path.resolve(__dirname, 'fixtures/incidents');
const ruleSet = loadRuleSet([path.resolve(__dirname, '../rules')]);
const catalog = loadAttackCatalog();

function run(name: string): AnalysisData {
  const request = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as AnalysisRequest;
  const findings = analyze(request, { ruleSet, catalog });
  return buildAnalysisData(findings, narrateDeterministic(findings));
}

const HOSTILE = ['attacker', 'c2', 'exfil_destination', 'payload_host', 'malware', 'webshell'];

function roleOf(data: AnalysisData, value: string): string | undefined {
  return data.indicators.find((i) => i.value.toLowerCase() === value.toLowerCase())?.role;
}

function mapped(data: AnalysisData): string[] {
  return data.attack_mapping.map((t) => t.technique_id);
}

function entry(data: AnalysisData, pattern: RegExp): AnalysisData['timeline'][number] | undefined {
  return data.timeline.find((t) => pattern.test(t.description));
}

function recommends(data: AnalysisData, ...words: string[]): boolean {
  return data.recommendations.some((r) => words.every((w) => r.toLowerCase().includes(w.toLowerCase())));
}

const cases = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));

describe('every incident batch reads as a report', () => {
  it.each(cases)('%s: sentences without placeholders, hostile indicators taken from the events, at most 10 recommendations', (name) => {
    const data = run(name);
    const raw = fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8').toLowerCase();
    for (const text of [data.summary, data.impact, data.root_cause, ...data.recommendations, ...data.timeline.map((t) => t.description)]) {
      expect(text).not.toMatch(/undefined|\[object|NaN|(?:^|\s)null(?:\s|$)/);
    }
    for (const i of data.indicators.filter((x) => HOSTILE.includes(x.role))) expect(raw).toContain(i.value.toLowerCase().split('?')[0]);
    expect(data.indicators.filter((i) => i.role === 'compromised_account').map((i) => i.value.toLowerCase())).not.toContain('localsystem');
    expect(data.recommendations.length).toBeGreaterThan(0);
    expect(data.recommendations.length).toBeLessThanOrEqual(10);
  });
});

describe('Linux auth.log: SSH brute force, password logon, sudo, backdoor user, cron download', () => {
  const data = run('linux_authlog_ssh_bruteforce_persistence');

  it('names the attacker, the guessed account, the backdoor account, the host and the staging server', () => {
    expect(roleOf(data, '193.32.162.77')).toBe('attacker');
    expect(roleOf(data, 'deploy')).toBe('compromised_account');
    expect(roleOf(data, 'sysupd')).toBe('created_account');
    expect(roleOf(data, 'web-02')).toBe('compromised_host');
    expect(['payload_host', 'c2']).toContain(roleOf(data, '91.240.118.222'));
    // The admin's routine key logon from the internal network is not part of the attack.
    expect(roleOf(data, '10.20.0.5')).toBeUndefined();
    expect(roleOf(data, 'ops')).toBeUndefined();
  });

  it('maps guessing, SSH, the new account and cron', () => {
    const ids = mapped(data);
    expect(ids.some((t) => t.startsWith('T1110'))).toBe(true);
    expect(ids).toContain('T1021.004');
    expect(ids).toContain('T1136.001');
    expect(ids).toContain('T1053.003');
    expect(['high', 'critical']).toContain(data.severity);
  });

  it('counts the 12 failures in one step and reads sudo and cron lines as sentences', () => {
    const failures = entry(data, /failed SSH logons/);
    expect(failures?.count).toBe(12);
    expect(failures?.description).toMatch(/^12 failed SSH logons for 5 accounts .* from 193\.32\.162\.77 to web-02/);
    expect(data.timeline.filter((t) => /failed SSH logons/.test(t.description))).toHaveLength(1);
    expect(entry(data, /^deploy ran \/bin\/bash as root via sudo on web-02$/)).toBeDefined();
    expect(entry(data, /^cron ran as root on web-02: curl .*91\.240\.118\.222/)).toBeDefined();
    expect(entry(data, /^Added sysupd to group sudo on web-02$/)).toBeDefined();
  });

  it('tells the story in order and recommends acting on the named account, backdoor, source and crontab', () => {
    expect(data.summary).toMatch(/193\.32\.162\.77 guessed passwords by brute force, then logged on over SSH as deploy/);
    expect(recommends(data, 'deploy', 'reset')).toBe(true);
    expect(recommends(data, 'sysupd', 'remove')).toBe(true);
    expect(recommends(data, 'block', '193.32.162.77')).toBe(true);
    expect(recommends(data, 'crontab', 'web-02')).toBe(true);
    expect(recommends(data, 'ssh key-based')).toBe(true);
  });
});

describe('AWS CloudTrail: console sign-in without MFA, backdoor IAM user with keys and admin policy, trail stopped, bulk S3 reads', () => {
  const data = run('aws_cloudtrail_console_no_mfa_persistence_exfil');

  it('keeps one indicator per person and calls the attacker-made user a created account', () => {
    expect(roleOf(data, '77.91.68.52')).toBe('attacker');
    expect(roleOf(data, 'j.doe')).toBe('compromised_account');
    expect(roleOf(data, 'svc-backup-sync')).toBe('created_account');
    expect(data.indicators.filter((i) => /^arn:aws:iam::\d+:user\//.test(i.value))).toEqual([]);
    expect(roleOf(data, 'corp-finance-exports')).toBe('targeted_data');
    // The CI runner's routine call from the VPC is not evidence.
    expect(roleOf(data, 'ci-runner')).toBeUndefined();
  });

  it('maps cloud sign-in, account creation, extra credentials, logging stopped and data from cloud storage', () => {
    const ids = mapped(data);
    expect(ids).toContain('T1078.004');
    expect(ids).toContain('T1136.003');
    expect(ids.some((t) => t === 'T1098.001' || t === 'T1098.003')).toBe(true);
    expect(ids.some((t) => t === 'T1685.002' || t === 'T1562.008')).toBe(true);
    expect(ids).toContain('T1530');
    expect(['high', 'critical']).toContain(data.severity);
  });

  it('reads API calls as who did what to which object, says MFA was not used and counts the 40 reads once', () => {
    expect(data.timeline[0].description).toBe('Successful sign-in as j.doe from 77.91.68.52 without MFA');
    expect(entry(data, /AttachUserPolicy\): AdministratorAccess to user svc-backup-sync/)).toBeDefined();
    expect(entry(data, /^svc-backup-sync: Stop logging \(StopLogging\): org-audit-trail/)).toBeDefined();
    expect(entry(data, /GetObject/)?.count).toBe(40);
  });

  it('blames the missing MFA and recommends removing the backdoor, restarting the trail and assessing the bucket', () => {
    expect(data.root_cause).toMatch(/no MFA/);
    expect(recommends(data, 'svc-backup-sync', 'access keys')).toBe(true);
    expect(recommends(data, 'j.doe', 'reset')).toBe(true);
    expect(recommends(data, 'audit trail')).toBe(true);
    expect(recommends(data, 'corp-finance-exports')).toBe(true);
  });
});

describe('Entra ID: password spray, MFA fatigue, accepted sign-in', () => {
  const data = run('entra_spray_mfa_fatigue_success');

  it('separates the one compromised account from the sprayed ones and ignores the office sign-in', () => {
    expect(roleOf(data, '5.188.206.14')).toBe('attacker');
    expect(roleOf(data, 'f.novak@contoso-retail.com')).toBe('compromised_account');
    expect(roleOf(data, 'a.kovacs@contoso-retail.com')).toBe('targeted_account');
    expect(roleOf(data, 'h.silva@contoso-retail.com')).not.toBe('compromised_account');
    expect(roleOf(data, '10.60.1.25')).toBeUndefined();
  });

  it('maps spraying, MFA request generation and the cloud account', () => {
    const ids = mapped(data);
    expect(ids).toContain('T1110.003');
    expect(ids).toContain('T1621');
    expect(ids).toContain('T1078.004');
    expect(['high', 'critical']).toContain(data.severity);
  });

  it('counts failed passwords and refused MFA prompts as two different steps', () => {
    expect(entry(data, /^10 failed sign-ins for 10 accounts from 5\.188\.206\.14/)?.count).toBe(10);
    expect(entry(data, /^7 MFA requests denied or failed for f\.novak@contoso-retail\.com/)?.count).toBe(7);
  });

  it('tells spray, fatigue, sign-in in that order and blames push MFA without number matching', () => {
    expect(data.summary).toMatch(/sprayed passwords .*, then flooded the user with MFA push requests .*, then signed in as f\.novak@contoso-retail\.com/);
    expect(data.root_cause).toMatch(/number matching/);
    expect(recommends(data, 'number matching')).toBe(true);
    expect(recommends(data, 'f.novak@contoso-retail.com', 'reset')).toBe(true);
  });
});

describe('Web access log: scanner, SQL injection, upload, web shell', () => {
  const data = run('web_access_sqli_webshell');

  it('names the web shell page, the attacker and the staging server named inside a request; refused probes are not indicators', () => {
    expect(roleOf(data, '45.148.10.81')).toBe('attacker');
    expect(roleOf(data, '/uploads/img_2231.php')).toBe('webshell');
    expect(roleOf(data, '185.234.216.40')).toBe('payload_host');
    for (const probe of ['/.env', '/admin/', '/.git/config', '/wp-login.php']) expect(roleOf(data, probe)).toBeUndefined();
    expect(roleOf(data, '81.2.69.160')).toBeUndefined();
  });

  it('maps exploitation and the web shell, rated at least high', () => {
    expect(mapped(data)).toEqual(expect.arrayContaining(['T1190', 'T1505.003']));
    expect(['high', 'critical']).toContain(data.severity);
  });

  it('collapses the probe burst and the shell commands, decoding what the attacker sent', () => {
    expect(entry(data, /^8 requests from 45\.148\.10\.81 for 8 different paths \(HTTP 404\), user agent Nikto/)?.count).toBe(8);
    const shell = entry(data, /^3 requests from 45\.148\.10\.81 to \/uploads\/img_2231\.php/);
    expect(shell?.description).toContain('cmd=cat /etc/passwd');
    expect(entry(data, /UNION SELECT username,password FROM users/)).toBeDefined();
  });

  it('says the attack worked and recommends removing the shell and fixing the injection', () => {
    expect(data.summary).toMatch(/attack succeeded.*\/uploads\/img_2231\.php/);
    expect(data.root_cause).toMatch(/SQL injection in \/products/);
    expect(recommends(data, '/uploads/img_2231.php', 'offline')).toBe(true);
    expect(recommends(data, 'sql injection', '/products')).toBe(true);
  });
});

describe('Suricata EVE: malware alert, DNS and regular beaconing', () => {
  const data = run('suricata_c2_beaconing');

  it('makes the beaconing host compromised and its peers c2, never a well-known domain or a bystander', () => {
    expect(roleOf(data, '194.26.29.113')).toBe('c2');
    expect(roleOf(data, 'cdn-telemetry-sync.net')).toBe('c2');
    expect(roleOf(data, '10.30.4.17')).toBe('compromised_host');
    expect(roleOf(data, 'www.google.com')).toBeUndefined();
    expect(HOSTILE).not.toContain(roleOf(data, '142.250.74.36'));
    expect(roleOf(data, '10.30.4.22')).not.toBe('compromised_host');
  });

  it('maps application-layer C2 and rates it high', () => {
    expect(mapped(data).some((t) => t.startsWith('T1071'))).toBe(true);
    expect(['high', 'critical']).toContain(data.severity);
  });

  it('collapses the 12 connections and names the alert signature', () => {
    expect(entry(data, /outbound connection from 10\.30\.4\.17 to 194\.26\.29\.113:443/)?.count).toBe(12);
    expect(entry(data, /^Network sensor alert "ET MALWARE Cobalt Strike Beacon Observed": 10\.30\.4\.17 to 194\.26\.29\.113:443/)).toBeDefined();
  });

  it('recommends isolating the host and blocking the infrastructure', () => {
    expect(data.summary).toMatch(/10\.30\.4\.17/);
    expect(recommends(data, 'isolate', '10.30.4.17')).toBe(true);
    expect(recommends(data, 'block', '194.26.29.113')).toBe(true);
  });
});

describe('Windows evtx (Event.System / Event.EventData): network logon, PsExec service, LSASS dump', () => {
  const data = run('windows_evtx_psexec_lateral_movement');

  it('finds where the attack came from, the account used, the host and the tool; built-in and routine accounts stay out', () => {
    expect(roleOf(data, '10.10.5.23')).toBe('attacker');
    expect(roleOf(data, 'CORP\\svc_deploy')).toBe('compromised_account');
    expect(roleOf(data, 'FS-02.corp.example')).toBe('compromised_host');
    expect(roleOf(data, 'PSEXESVC')).toBe('attack_tool');
    expect(roleOf(data, 'LocalSystem')).toBeUndefined();
    expect(roleOf(data, 'CORP\\backup_agent')).toBeUndefined();
    expect(roleOf(data, '10.10.1.40')).toBeUndefined();
  });

  it('maps admin shares, service execution and LSASS dumping', () => {
    expect(mapped(data)).toEqual(expect.arrayContaining(['T1021.002', 'T1569.002', 'T1003.001']));
    expect(['high', 'critical']).toContain(data.severity);
  });

  it('dates the incident from the attacker logon, not from an unrelated backup logon, and describes the logon', () => {
    expect(data.summary).toMatch(/between 22:41:07 and 22:42:31 UTC/);
    expect(data.timeline[0].description).toBe('Successful network logon (NTLM) as CORP\\svc_deploy from 10.10.5.23 (WS-044) to FS-02.corp.example');
    expect(entry(data, /accessed PSEXESVC\.exe on share \\\\\*\\ADMIN\$ from 10\.10\.5\.23/)).toBeDefined();
  });

  it('blames reusable admin credentials and recommends isolating both machines and restricting remote service creation', () => {
    expect(data.root_cause).toMatch(/CORP\\svc_deploy/);
    expect(recommends(data, 'isolate', 'WS-044', '10.10.5.23')).toBe(true);
    expect(recommends(data, 'isolate', 'FS-02.corp.example')).toBe(true);
    expect(recommends(data, 'svc_deploy', 'reset')).toBe(true);
    expect(recommends(data, 'remote service creation')).toBe(true);
  });
});
