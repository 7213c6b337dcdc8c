import type { CanonicalEvent, EventEntities } from '../../model';

/** Hand-built canonical events for stage tests (what the normaliser would produce). */
export function event(index: number, iso: string | undefined, partial: Partial<CanonicalEvent> & { entities?: EventEntities } = {}): CanonicalEvent {
  const e: CanonicalEvent = {
    index,
    ref: `logs[${index}]`,
    format: 'generic',
    logsource: {},
    fields: {},
    outcome: 'unknown',
    entities: {},
    raw: {},
    ...partial,
  };
  if (iso) e.time = Date.parse(iso);
  return e;
}

export function lookupOf(events: CanonicalEvent[]): (i: number) => CanonicalEvent | undefined {
  const map = new Map(events.map((e) => [e.index, e]));
  return (i) => map.get(i);
}

/** `count` failed logons from `srcIp` every `stepSeconds`, cycling through `accounts`. */
export function failedLogons(start: number, count: number, srcIp: string, accounts: string[], stepSeconds = 2, fromIso = '2026-02-09T23:10:00Z'): CanonicalEvent[] {
  const t0 = Date.parse(fromIso);
  return Array.from({ length: count }, (_, n) =>
    event(start + n, new Date(t0 + n * stepSeconds * 1000).toISOString(), {
      format: 'windows',
      action: 'logon_failed',
      outcome: 'failure',
      fields: { EventID: 4625, Channel: 'Security', LogonType: 10 },
      logsource: { product: 'windows', service: 'security' },
      entities: { user: accounts[n % accounts.length], targetUser: accounts[n % accounts.length], srcIp, host: 'RDS-01' },
    }),
  );
}
