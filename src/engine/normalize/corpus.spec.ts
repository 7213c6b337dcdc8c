import * as fs from 'fs';
import * as path from 'path';
import { normalizeRequestEvents } from './normalize';

/** Real telemetry and the scenario requests: read in place, never copied into the repository. */
/** The shared data sits beside the repository (`<repo>/../shared`) unless LANTERN_SHARED says otherwise. */
const SHARED = process.env.LANTERN_SHARED ?? path.resolve(__dirname, '../../../../shared');
const DEV = path.join(SHARED, 'cases/dev');
const SCENARIOS = path.join(SHARED, 'cases/scenarios');

function caseFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...caseFiles(p));
    else if (entry.name.endsWith('.json') && !entry.name.endsWith('.expected.json') && entry.name !== 'index.json') out.push(p);
  }
  return out.sort();
}

function requestEvents(file: string): Record<string, unknown> {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { events?: Record<string, unknown>; request?: { events: Record<string, unknown> } };
  return doc.request?.events ?? doc.events ?? {};
}

const EXPECTED_CATEGORY: Record<string, string | undefined> = {
  'sysmon:1': 'process_creation',
  'sysmon:3': 'network_connection',
  'sysmon:11': 'file_event',
  'sysmon:13': 'registry_set',
  'sysmon:22': 'dns_query',
  'security:4624': undefined,
  'security:4625': undefined,
  'security:4688': 'process_creation',
};

const files = [...caseFiles(DEV), ...caseFiles(SCENARIOS)];
const run = files.length > 0 ? describe : describe.skip;

run('normalising every shared case', () => {
  const formats: Record<string, number> = {};
  let total = 0;
  let untimed = 0;
  const problems: string[] = [];

  beforeAll(() => {
    for (const file of files) {
      const r = normalizeRequestEvents(requestEvents(file));
      total += r.events.length;
      untimed += r.untimed;
      for (const [k, v] of Object.entries(r.formats)) formats[k] = (formats[k] ?? 0) + v;
      for (const ev of r.events) {
        const raw = ev.raw as Record<string, unknown>;
        if (typeof raw !== 'object' || raw === null || raw.EventID === undefined || raw.Channel === undefined) continue;
        const channel = String(raw.Channel).toLowerCase();
        const expectedProduct = channel.startsWith('linux-') ? 'linux' : 'windows';
        if (ev.logsource.product !== expectedProduct) problems.push(`${path.basename(file)} ${ev.ref}: product ${ev.logsource.product}`);
        const service = channel === 'microsoft-windows-sysmon/operational' ? 'sysmon' : channel === 'security' ? 'security' : undefined;
        const key = `${service}:${raw.EventID}`;
        if (key in EXPECTED_CATEGORY && ev.logsource.category !== EXPECTED_CATEGORY[key]) {
          problems.push(`${path.basename(file)} ${ev.ref}: ${key} -> ${ev.logsource.category}`);
        }
      }
    }
    process.stdout.write(`normalised ${total} events from ${files.length} cases; untimed ${untimed}; formats ${JSON.stringify(formats)}\n`);
  });

  it('normalises every event without throwing and gives each a time', () => {
    expect(total).toBeGreaterThan(1000);
    expect(untimed).toBe(0);
  });

  it('gives every Windows event product windows and the THOR category for Sysmon 1/3/11/13/22 and Security 4624/4625/4688', () => {
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('recognises every event of the shared cases (no unknown format)', () => {
    expect(formats.unknown ?? 0).toBe(0);
  });
});
