import type { DetectionHit, Findings, Indicator, TimelineEntry } from '../engine/model';
import { buildDigest, DEFAULT_DIGEST_MAX_CHARS } from './digest';
import { sshIntrusionFindings } from './testing/findings.fixture';

function largeFindings(): Findings {
  const timeline: TimelineEntry[] = Array.from({ length: 4000 }, (_, i) => ({
    timestamp: new Date(Date.UTC(2026, 3, 3, 0, 0, i)).toISOString(),
    description: `Outbound connection ${i} from 10.1.${Math.floor(i / 250)}.${i % 250} to 198.51.100.${i % 250} on port 443 ${'x'.repeat(50)}`,
    event_indices: [i],
  }));
  const indicators: Indicator[] = Array.from({ length: 900 }, (_, i) => ({ type: 'ip', value: `10.9.${Math.floor(i / 250)}.${i % 250}`, role: 'target', event_indices: [i] }));
  const detections: DetectionHit[] = Array.from({ length: 6000 }, (_, i) => ({
    rule: { id: `rule-${i % 60}`, title: `Rule number ${i % 60}`, level: i % 60 === 7 ? 'critical' : 'low', tags: [] },
    eventIndex: i,
  }));
  return sshIntrusionFindings({
    timeline,
    indicators,
    detections,
    stats: { events: 50000, formats: { zeek: 50000 }, untimed: 0, matched: 6000, rulesLoaded: 3000 },
  });
}

describe('buildDigest', () => {
  it('sends a small case whole, with a coverage line', () => {
    const digest = buildDigest(sshIntrusionFindings());
    const data = JSON.parse(digest.text);
    expect(digest.truncated).toBe(false);
    expect(data.coverage).toBe('6 events, 5 matched, 6 sent');
    expect(data.severity).toBe('critical');
    expect(data.timeline).toHaveLength(4);
    expect(data.indicators.map((i: { value: string }) => i.value)).toEqual(['185.220.101.42', '10.0.1.15', 'admin', 'whoami.exe']);
    expect(data.correlations[0]).toMatchObject({ rule: 'SSH Brute Force', group: { src_ip: '185.220.101.42' }, events: 3, value: 40 });
  });

  it('bounds a large case and says how much of it was sent', () => {
    const digest = buildDigest(largeFindings());
    const data = JSON.parse(digest.text);
    expect(digest.text.length).toBeLessThanOrEqual(DEFAULT_DIGEST_MAX_CHARS);
    expect(digest.truncated).toBe(true);
    expect(digest.coverage.events).toBe(50000);
    expect(digest.coverage.sent).toBeGreaterThan(0);
    expect(digest.coverage.sent).toBeLessThan(digest.coverage.matched);
    expect(data.coverage).toBe(`50000 events, 6000 matched, ${digest.coverage.sent} sent`);
    expect(data.omitted.timeline_entries).toBeGreaterThan(3900);
    expect(data.omitted.indicators).toBeGreaterThan(800);
  });

  it('keeps the start and the end of a long timeline', () => {
    const data = JSON.parse(buildDigest(largeFindings()).text);
    expect(data.timeline[0].description).toContain('Outbound connection 0 ');
    expect(data.timeline[data.timeline.length - 1].description).toContain('Outbound connection 3999 ');
  });

  it('counts repeated detections per rule, most severe first', () => {
    const data = JSON.parse(buildDigest(largeFindings()).text);
    expect(data.detections_by_rule[0]).toEqual({ rule: 'Rule number 7', level: 'critical', events: 100 });
    expect(data.omitted.rules).toBeGreaterThan(0);
  });

  it('passes every string from the findings through the spotlight marker', () => {
    const digest = buildDigest(sshIntrusionFindings(), { mark: (text) => `<${text}>` });
    const data = JSON.parse(digest.text);
    expect(data.timeline[0].description).toBe('<Firewall allowed inbound SSH connection from 185.220.101.42 to 10.0.1.15>');
    expect(data.context).toBe('<Production environment, srv-prod-01 handles customer PII>');
    expect(data.indicators[0].value).toBe('<185.220.101.42>');
  });
});
