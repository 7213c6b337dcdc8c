/**
 * Field names and event keys repeat from event to event: each is lowercased, or split at its dots, once (bounded
 * memos, cleared when full so that events with ever-new keys cannot grow them).
 */
const MEMO_MAX = 50000;
/** Longer names are worked out each time: the memos hold names, not text. */
const LONGEST = 256;
const lowered = new Map<string, string>();
const segments = new Map<string, string[]>();

/** `name.toLowerCase()`, memoised. */
export function lowerName(name: string): string {
  if (name.length > LONGEST) return name.toLowerCase();
  let low = lowered.get(name);
  if (low === undefined) {
    if (lowered.size >= MEMO_MAX) lowered.clear();
    low = name.toLowerCase();
    lowered.set(name, low);
  }
  return low;
}

/** `name.split('.')`, memoised: callers must not change the array. */
export function segmentsOf(name: string): readonly string[] {
  if (name.length > LONGEST) return name.split('.');
  let segs = segments.get(name);
  if (segs === undefined) {
    if (segments.size >= MEMO_MAX) segments.clear();
    segs = name.split('.');
    segments.set(name, segs);
  }
  return segs;
}
