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
    const t = parseTimestamp(v);
    if (t !== undefined) return t;
  }
  return undefined;
}
