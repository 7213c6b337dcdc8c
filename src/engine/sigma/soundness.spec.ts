/**
 * Prefilter soundness on events built from the corpus rules themselves: for every rule, events
 * made of its own detection values (as written, upper-cased, with Unicode look-alikes mixed in)
 * must get exactly the same hits with and without the prefilter. Real telemetry (the dev cases)
 * rarely fires most rules; these events reach deep into each rule's conditions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { knownLogsources } from '../normalize';
import { listRuleFiles } from './loader';
import { type RuleSet, loadRuleSet } from './ruleset';
import type { SigmaEvent } from './types';

/** The shared data sits beside the repository (`<repo>/../shared`) unless LANTERN_SHARED says otherwise. */
const SHARED = process.env.LANTERN_SHARED ?? resolve(__dirname, '../../../../shared');
const SIGMA = join(SHARED, 'sigma');
const FOLDERS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance'].map((f) => join(SIGMA, f));

function sample(value: unknown, mods: string[]): unknown {
  if (typeof value !== 'string') return value;
  let v = value.replace(/\\([*?\\])/g, '$1').replace(/\*/g, 'x').replace(/\?/g, 'y');
  if (mods.includes('contains')) v = `pre ${v} post`;
  else if (mods.includes('endswith')) v = `C:\\dir${v}`;
  else if (mods.includes('startswith')) v = `${v}tail`;
  return v;
}

/** One event per search identifier: its first map's fields set to their (first or all) values. */
function eventsFor(doc: Record<string, unknown>): Array<Record<string, unknown>> {
  const detection = doc.detection as Record<string, unknown>;
  const out: Array<Record<string, unknown>> = [];
  const merged: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(detection)) {
    if (name === 'condition') continue;
    const maps = (Array.isArray(def) ? def : [def]).filter((d) => d && typeof d === 'object') as Record<string, unknown>[];
    const keywords = (Array.isArray(def) ? def : []).filter((d) => typeof d === 'string') as string[];
    const fields: Record<string, unknown> = {};
    for (const m of maps.slice(0, 1)) {
      for (const [key, val] of Object.entries(m)) {
        const [field, ...mods] = key.split('|');
        if (!field || mods.some((x) => ['re', 'base64', 'base64offset', 'cidr', 'exists', 'fieldref', 'lt', 'lte', 'gt', 'gte', 'expand'].includes(x))) continue;
        const vals = Array.isArray(val) ? val : [val];
        fields[field] = mods.includes('all') ? vals.map((v) => sample(v, ['contains'])).join(' ') : sample(vals[0], mods);
      }
    }
    if (keywords.length > 0) fields.Message = `log line ${keywords[0]} end`;
    if (out.length === 0) out.push(fields);
    Object.assign(merged, fields);
  }
  out.push(merged);
  return out;
}

/** Variants that exercise case-insensitivity and lowercasing edge cases. */
function variants(fields: Record<string, unknown>): Array<Record<string, unknown>> {
  const map = (f: (s: string) => string) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? f(v) : v]));
  // Upper case; Kelvin sign and dotted capital I (lowercase to ASCII k / i + dot); Greek capital sigma.
  return [fields, map((s) => `\u03a3${s.toUpperCase().replace(/K/g, '\u212a').replace(/I/g, '\u0130')}\u03a3`)];
}

const haveCorpus = existsSync(join(SIGMA, 'rules'));
(haveCorpus ? describe : describe.skip)('prefilter soundness on rule-derived events', () => {
  let on: RuleSet;
  let off: RuleSet;
  beforeAll(() => {
    // The production path: routes of the normaliser's logsources compiled at load.
    on = loadRuleSet(FOLDERS, { logsources: knownLogsources() });
    off = loadRuleSet(FOLDERS, { prefilter: false });
  });

  it('finds the same rules with and without the prefilter for events built from every rule', () => {
    let events = 0;
    let hits = 0;
    const mismatches: string[] = [];
    for (const file of listRuleFiles(FOLDERS)) {
      for (const d of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const doc = d.toJS() as Record<string, unknown>;
        if (!doc?.detection || !doc.logsource) continue;
        const logsource = doc.logsource as SigmaEvent['logsource'];
        for (const base of eventsFor(doc)) {
          for (const fields of variants(base)) {
            const ev: SigmaEvent = { index: events++, fields, logsource };
            const a = on.matchEvent(ev).map((r) => r.id);
            const b = off.matchEvent(ev).map((r) => r.id);
            hits += b.length;
            if (a.join() !== b.join()) mismatches.push(`${file}: ${JSON.stringify(fields)} on=${a} off=${b}`);
          }
        }
      }
    }
    // eslint-disable-next-line no-console
    console.log(`rule-derived events: ${events}, hits without prefilter: ${hits}, mismatches: ${mismatches.length}`);
    expect(hits).toBeGreaterThan(3000);
    expect(mismatches.slice(0, 20)).toEqual([]);
  }, 300_000);
});
