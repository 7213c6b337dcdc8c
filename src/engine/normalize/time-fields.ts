import { TIME_FIELDS } from './field-mappings';
import { getPath } from './paths';
import { parseTimestamp } from './time';

/** The first usable time among `candidates` (paths), then the shared TIME_FIELDS list. */
export function timeFrom(obj: Record<string, unknown>, candidates: readonly string[] = []): number | undefined {
  for (const c of candidates) {
    const t = parseTimestamp(getPath(obj, c));
    if (t !== undefined) return t;
  }
  for (const k of TIME_FIELDS) {
    const v = obj[k];
    if (v === undefined) continue;
    if (k === 'time' || k === 'date') {
      const split = splitStamp(obj);
      if (split !== undefined) return split;
    }
    const t = parseTimestamp(v);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** Exports that split the stamp (`date` + `time`, as IIS and many CSV exports do) are read together. */
function splitStamp(obj: Record<string, unknown>): number | undefined {
  const date = obj.date;
  const clock = obj.time;
  if (typeof date !== 'string' || typeof clock !== 'string') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{1,2}:\d{2}/.test(clock)) return undefined;
  return parseTimestamp(`${date}T${clock}`);
}
