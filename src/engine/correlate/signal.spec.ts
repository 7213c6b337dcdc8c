import { loadAttackCatalog } from '../attack';
import { discriminatingSignals, makeSignal } from './signal';
import { event, lookupOf } from './testing/events';

const catalog = loadAttackCatalog();
const dns = (i: number, src: string, query: string): ReturnType<typeof event> =>
  event(i, new Date(Date.UTC(2026, 5, 30, 1, 0, i)).toISOString(), { format: 'zeek', action: 'dns_query', logsource: { product: 'zeek', service: 'dns', category: 'dns' }, entities: { srcIp: src, domain: query } });

describe('discriminating signals', () => {
  const events = [
    ...Array.from({ length: 24 }, (_, i) => dns(i, '10.8.0.44', `x${i}aaaaaaaaaaaaaaaaaaaaaaa.t.tunnel.example`)),
    ...Array.from({ length: 6 }, (_, i) => dns(24 + i, `10.8.0.${50 + i}`, 'login.microsoftonline.com')),
  ];
  const lookup = lookupOf(events);
  const everyQuery = makeSignal('detection', 'all', { id: 'all', title: 'Flag on every query', level: 'medium', tags: ['attack.t1095'] }, events.map((e) => e.index), lookup, catalog);
  const tunnel = makeSignal('detection', 'long', { id: 'long', title: 'Long label', level: 'low', tags: ['attack.t1071.004'] }, events.slice(0, 24).map((e) => e.index), lookup, catalog);

  it('drops a rule that fires on every event of its source for every client: it cannot tell the attacker from bystanders', () => {
    expect(discriminatingSignals([everyQuery, tunnel], events, lookup)).toEqual([tunnel]);
  });

  it('keeps it when it is the only finding, or when it fires on one client only', () => {
    expect(discriminatingSignals([everyQuery], events, lookup)).toEqual([everyQuery]);
    expect(discriminatingSignals([tunnel], events, lookup)).toEqual([tunnel]);
  });
});
