/**
 * Field access over `event.fields`, cached per event: each field a rule names is resolved once
 * per event and each of its strings lowercased once, however many rules look at it.
 */
import { lowerName, segmentsOf } from '../normalize/names';
import { scalarString } from './values';

/** One field of one event, as every matcher of that field sees it. */
export interface FieldValue {
  /** The field resolved to something other than null/undefined. */
  present: boolean;
  /** Non-null leaf values; arrays are flattened (any element may match). */
  leaves: unknown[];
  /** String views of the scalar leaves (numbers and booleans stringified). */
  strs: string[];
  /** `strs` lowercased; filled on first use. */
  lows?: string[];
  /** Per-matcher derived data (parsed IPs, numbers), filled on first use. */
  memo?: Map<string, unknown>;
}

const ABSENT: FieldValue = Object.freeze({ present: false, leaves: [], strs: [], lows: [] }) as FieldValue;

interface Slot {
  gen: number;
  fv: FieldValue;
}

/** Distinct field names kept (rule sets name a few thousand; callers asking for arbitrary names stay bounded). */
const SLOTS_MAX = 100_000;

const hasOwn = Object.prototype.hasOwnProperty;
const isArray = Array.isArray;

/** Per-event evaluation context: the field cache plus lazily built whole-event views. */
export class EventContext {
  fields: Record<string, unknown> = {};
  /**
   * Resolved fields by name, kept from event to event (rules ask for the same few thousand names): a
   * slot is valid for the event whose generation it carries, so no map is cleared or grown per event.
   */
  private readonly slots = new Map<string, Slot>();
  private gen = 0;
  private lowerKeys: Map<string, string> | undefined;
  private allLowsCache: string[] | undefined;
  private allStrsCache: string[] | undefined;
  private allJoinedCache: string | undefined;
  /**
   * FieldValues of single strings, reused from event to event (most fields are one string): a
   * FieldValue is only valid until the next reset, and nothing keeps one longer.
   */
  private readonly pool: FieldValue[] = [];
  private pooled = 0;

  reset(fields: Record<string, unknown>): this {
    this.fields = fields;
    this.pooled = 0;
    this.gen++;
    this.lowerKeys = undefined;
    this.allLowsCache = undefined;
    this.allStrsCache = undefined;
    this.allJoinedCache = undefined;
    return this;
  }

  get(name: string): FieldValue {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      if (this.slots.size >= SLOTS_MAX) this.slots.clear();
      slot = { gen: 0, fv: ABSENT };
      this.slots.set(name, slot);
    } else if (slot.gen === this.gen) return slot.fv;
    const v = this.resolve(name);
    slot.fv = typeof v === 'string' ? this.stringValue(v) : toFieldValue(v);
    slot.gen = this.gen;
    return slot.fv;
  }

  private stringValue(v: string): FieldValue {
    let fv = this.pool[this.pooled];
    if (fv === undefined) {
      const one = [v];
      fv = { present: true, leaves: one, strs: one, lows: undefined, memo: undefined };
      this.pool.push(fv);
    } else {
      // leaves and strs are the same one-element array.
      fv.leaves[0] = v;
      fv.lows = undefined;
      fv.memo = undefined;
    }
    this.pooled++;
    return fv;
  }

  lows(name: string): string[] {
    return this.lowsOf(this.get(name));
  }

  lowsOf(fv: FieldValue): string[] {
    return fv.lows ?? (fv.lows = fv.strs.map(lower));
  }

  /** String values of the whole event, nested objects and arrays included (keyword search). */
  allStrings(): string[] {
    if (this.allStrsCache === undefined) {
      const out: string[] = [];
      collectStrings(this.fields, out, 0);
      this.allStrsCache = out;
    }
    return this.allStrsCache;
  }

  allLows(): string[] {
    return this.allLowsCache ?? (this.allLowsCache = this.allStrings().map(lower));
  }

  /**
   * Every string of the event joined by NUL and lowercased in one go: one haystack for keyword
   * literal search. Equal to joining the lowercased strings except for context-dependent
   * lowercasing (Greek final sigma), which only affects non-ASCII text: keyword atoms are ASCII.
   */
  allJoined(): string {
    return this.allJoinedCache ?? (this.allJoinedCache = this.allStrings().join('\u0000').toLowerCase());
  }

  /**
   * Flat key first (`process.name` as one key), then the dotted path into nested objects;
   * exact names first, then case-insensitively, because real logs vary in case.
   */
  private resolve(name: string): unknown {
    const f = this.fields;
    if (hasOwn.call(f, name)) return f[name];
    const segs = name.includes('.') ? segmentsOf(name) : undefined;
    if (segs !== undefined) {
      const v = walkPath(f, segs, 0, false);
      if (v !== undefined) return v;
    }
    const key = this.lowerKeyMap().get(lowerName(name));
    if (key !== undefined) return f[key];
    if (segs === undefined) return undefined;
    // Case-insensitively: the first segment through the event's own lowercase keys (built once an event).
    const first = hasOwn.call(f, segs[0]) ? segs[0] : this.lowerKeyMap().get(lowerName(segs[0]));
    return first === undefined ? undefined : walkPath(f[first], segs, 1, true);
  }

  private lowerKeyMap(): Map<string, string> {
    if (this.lowerKeys === undefined) {
      const m = new Map<string, string>();
      for (const k of Object.keys(this.fields)) {
        const lk = lowerName(k);
        if (!m.has(lk)) m.set(lk, k);
      }
      this.lowerKeys = m;
    }
    return this.lowerKeys;
  }
}

function lower(s: string): string {
  return s.toLowerCase();
}

function toFieldValue(v: unknown): FieldValue {
  if (v === undefined || v === null) return ABSENT;
  if (typeof v === 'string') {
    const one = [v];
    return { present: true, leaves: one, strs: one };
  }
  const leaves: unknown[] = [];
  flatten(v, leaves);
  const strs: string[] = [];
  for (const leaf of leaves) {
    const s = scalarString(leaf);
    if (s !== undefined) strs.push(s);
  }
  return { present: true, leaves, strs };
}

function flatten(v: unknown, out: unknown[]): void {
  if (isArray(v)) {
    for (const x of v) flatten(x, out);
  } else if (v !== null && v !== undefined) {
    out.push(v);
  }
}

function childOf(obj: Record<string, unknown>, key: string, ci: boolean): unknown {
  if (hasOwn.call(obj, key)) return obj[key];
  if (!ci) return undefined;
  const lk = lowerName(key);
  for (const k of Object.keys(obj)) if (lowerName(k) === lk) return obj[k];
  return undefined;
}

/** Follow a dotted path from segment `from`; arrays on the way fan out (any element may hold the rest of the path). */
function walkPath(root: unknown, segs: readonly string[], from: number, ci: boolean): unknown {
  // Plain objects all the way (most events): no list of nodes.
  let node = root;
  let i = from;
  for (; i < segs.length; i++) {
    if (node === null || typeof node !== 'object' || isArray(node)) break;
    const child = childOf(node as Record<string, unknown>, segs[i], ci);
    if (child === undefined) return undefined;
    node = child;
  }
  if (i === segs.length) return node;
  let cur: unknown[] = [node];
  for (; i < segs.length; i++) {
    const next: unknown[] = [];
    for (const item of cur.flatMap((n) => (isArray(n) ? n : [n]))) {
      if (item === null || typeof item !== 'object' || isArray(item)) continue;
      const child = childOf(item as Record<string, unknown>, segs[i], ci);
      if (child !== undefined) next.push(child);
    }
    if (next.length === 0) return undefined;
    cur = next;
  }
  return cur.length === 1 ? cur[0] : cur;
}

const MAX_DEPTH = 32;

function collectStrings(v: unknown, out: string[], depth: number): void {
  if (typeof v === 'string') {
    out.push(v);
    return;
  }
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return;
  if (isArray(v)) {
    for (const x of v) collectStrings(x, out, depth + 1);
    return;
  }
  for (const k in v as Record<string, unknown>) {
    if (hasOwn.call(v, k)) collectStrings((v as Record<string, unknown>)[k], out, depth + 1);
  }
}
