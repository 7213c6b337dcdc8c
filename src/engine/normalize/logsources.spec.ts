import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LogSource } from '../model';
import { knownLogsources } from './logsources';
import { normalizeRequestEvents } from './normalize';
import { WINDOWS_CHANNEL_SERVICES, WINDOWS_EVENT_CATEGORIES } from './windows-logsource';

const SHARED = process.env.LANTERN_SHARED ?? resolve(__dirname, '../../../../shared');

const key = (ls: LogSource): string => `${ls.product ?? '-'}/${ls.service ?? '-'}/${ls.category ?? '-'}`;
const known = new Set(knownLogsources().map(key));

describe('knownLogsources', () => {
  it('lists each logsource once', () => {
    expect(known.size).toBe(knownLogsources().length);
  });

  it('holds the logsource of an event from every mapped Windows channel, with every EventID that names a category', () => {
    const missing: string[] = [];
    for (const [channel, service] of Object.entries(WINDOWS_CHANNEL_SERVICES)) {
      const ids = Object.keys(WINDOWS_EVENT_CATEGORIES[service] ?? {}).map(Number);
      for (const id of [...ids, 1]) {
        const extra = service === 'sysmon' && id === 12 ? [{ EventType: 'CreateKey' }, { EventType: 'DeleteValue' }, {}] : [{}];
        for (const more of extra) {
          const raw = { EventID: id, Channel: channel, Computer: 'ws1', TimeCreated: '2024-03-01T10:00:00Z', ...more };
          const ls = normalizeRequestEvents({ events: [raw] }).events[0].logsource;
          if (!known.has(key(ls))) missing.push(`${channel} ${id}: ${key(ls)}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  const dev = join(SHARED, 'cases', 'dev');
  (existsSync(dev) ? it : it.skip)('holds the logsource of every Windows event of the dev cases', () => {
    const missing = new Set<string>();
    let windows = 0;
    for (const file of readdirSync(dev).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json') && f !== 'index.json')) {
      const doc = JSON.parse(readFileSync(join(dev, file), 'utf8')) as { request?: { events?: unknown }; events?: unknown };
      const events = (doc.request ?? doc).events;
      if (!events || typeof events !== 'object') continue;
      for (const event of normalizeRequestEvents(events as Record<string, unknown>).events) {
        if (event.logsource.product !== 'windows') continue;
        windows++;
        if (!known.has(key(event.logsource))) missing.add(key(event.logsource));
      }
    }
    expect(windows).toBeGreaterThan(1000);
    expect([...missing]).toEqual([]);
  });
});
