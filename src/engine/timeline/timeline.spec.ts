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
    expect(timeline[0].description).toMatch(/^55 failed RDP logons for 4 accounts from 80\.94\.95\.112 to RDS-01 between 23:10:00 and 23:11:48/);
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
});
