/**
 * Sound literal prefilter for one group of rules. A rule's need (compiler.ts) is a few clauses,
 * each a disjunction of (field, literal) atoms that every matching event satisfies; the rule is a
 * candidate only when every clause has an atom present in the event (a literal in the lowercased
 * value of its field, or a number among its values). Rules without a need are always candidates.
 *
 * Finding a field's literals in a value, by how many there are: `includes` per literal (few
 * literals, short value); one native regex alternation (up to ALTERNATION_MAX literals); else a
 * gram scan: each literal is indexed by one 4-character gram of it (the gram fewest literals
 * share), the value is scanned once, each position's gram looked up (behind a bloom byte) and a
 * hit verified with `startsWith` at the implied offset; literals shorter than 4 characters are
 * looked up whole at every position. A literal that occurs always has its gram (or itself) at
 * the right offset, so nothing is missed.
 */
import type { Need } from './compiler';
import type { EventContext } from './fields';
import { numericValue } from './values';

const Q = 4;

interface Entry {
  id: number;
  lit: string;
  /** Offset of the indexed gram inside `lit`. */
  off: number;
  /** Clauses this atom satisfies. */
  clauses: number[];
}

interface FieldIndex {
  /** null = every string of the event (keyword atoms). */
  field: string | null;
  /** Lowercased simple field name (no dots); undefined for dotted names and keyword search. */
  lowerSimple: string | undefined;
  /** Few literals: test each with `includes` instead of scanning grams. */
  direct: Entry[] | undefined;
  /**
   * Up to ALTERNATION_MAX literals: one native regex alternation (longest first) finds them in a
   * single pass; `byLit` maps each literal to its entry plus the entries of its prefixes.
   */
  alternation: { re: RegExp; byLit: Map<string, Entry[]> } | undefined;
  grams: Map<number, Entry[]>;
  /** One byte per hashed gram: a cheap "certainly not indexed" test before the Map lookup. */
  bloom: Uint8Array;
  bloomShift: number;
  /** Literals shorter than Q, keyed by (length, packed chars); checked at every position. */
  short: Map<number, Entry[]>;
  shortBloom: Uint8Array;
  shortShift: number;
  /** Numeric atoms: number -> entry (compared with the numeric value of each leaf). */
  nums: Map<number, Entry>;
  /** Last event generation that scanned this field (several event keys can share a lowercase name). */
  seen: number;
  /** Literals found per raw string (values repeat across events); bounded, cleared when full. */
  memo: Map<string, Entry[]>;
  memoChars: number;
}

const GRAM_MASK = 0xfffffff;
/** Up to this many literals, `includes` per literal beats a gram scan (V8's indexOf skips ahead). */
const DIRECT_MAX = 24;
const DIRECT_WORK = 1024;
const ALTERNATION_MAX = 64;
/** Memo bounds per field index: distinct strings, total characters, longest string memoised. */
const MEMO_ENTRIES = 4096;
const MEMO_CHARS = 1 << 16;
const MEMO_LONGEST = 2048;
const NONE: Entry[] = [];
const NO_INDEXES: FieldIndex[] = [];

function gramAt(s: string, i: number): number {
  // 7 bits a char keeps ASCII grams distinct; other characters only collide (a wasted check).
  return (
    ((s.charCodeAt(i) & 0x7f) << 21) |
    ((s.charCodeAt(i + 1) & 0x7f) << 14) |
    ((s.charCodeAt(i + 2) & 0x7f) << 7) |
    (s.charCodeAt(i + 3) & 0x7f)
  );
}

// Captured once: a global lookup in this hot loop is slow inside Jest's vm contexts.
const imul = Math.imul;

/** Multiplicative (Fibonacci) hash of a gram to `32 - shift` bits: text grams differ mostly in low bits. */
function bloomSlot(g: number, shift: number): number {
  return imul(g, 0x9e3779b1) >>> shift;
}

/** About 32 slots per key (few false positives), between 1 KiB and 256 KiB. */
function bloomShift(keys: number): number {
  let bits = 10;
  while (bits < 18 && 1 << bits < keys * 32) bits++;
  return 32 - bits;
}

export class Prefilter {
  private readonly always: number[] = [];
  private readonly fields: FieldIndex[] = [];
  /** Simple field names (no dots) by lowercase name: found by walking the event's own keys. */
  private readonly simple = new Map<string, FieldIndex[]>();
  /** Dotted names and keyword search: resolved one by one. */
  private readonly other: FieldIndex[] = [];
  private readonly clauseRule: number[] = [];
  private readonly ruleClauses: Uint8Array;
  private readonly ruleStamp: Int32Array;
  private readonly ruleCount: Uint8Array;
  private readonly clauseStamp: Int32Array;
  private readonly entryStamp: Int32Array;
  private readonly collectStamp: Int32Array;
  private gen = 0;

  constructor(needs: Need[]) {
    this.ruleStamp = new Int32Array(needs.length);
    this.ruleCount = new Uint8Array(needs.length);
    this.ruleClauses = new Uint8Array(needs.length);
    const byField = new Map<string | null, Map<string, number[]>>();
    const numsByField = new Map<string | null, Map<number, number[]>>();
    needs.forEach((need, r) => {
      if (need === null) {
        this.always.push(r);
        return;
      }
      // A rule with an empty clause can never match: it is never a candidate.
      if (need.some((c) => c.length === 0)) return;
      this.ruleClauses[r] = need.length;
      for (const clause of need) {
        const cid = this.clauseRule.length;
        this.clauseRule.push(r);
        for (const atom of clause) {
          if (atom.num !== undefined) addTo(numsByField, atom.field, atom.num, cid);
          else addTo(byField, atom.field, atom.lit, cid);
        }
      }
    });
    this.clauseStamp = new Int32Array(this.clauseRule.length);
    let nextId = 0;
    const fields = new Set([...byField.keys(), ...numsByField.keys()]);
    for (const field of fields) {
      const entries = [...(byField.get(field) ?? [])].map(([lit, clauses]) => ({ id: nextId++, lit, off: 0, clauses }));
      const fi = buildFieldIndex(field, entries);
      for (const [num, clauses] of numsByField.get(field) ?? []) fi.nums.set(num, { id: nextId++, lit: String(num), off: 0, clauses });
      this.fields.push(fi);
      if (fi.lowerSimple === undefined) {
        this.other.push(fi);
        continue;
      }
      const list = this.simple.get(fi.lowerSimple);
      if (list) list.push(fi);
      else this.simple.set(fi.lowerSimple, [fi]);
    }
    this.entryStamp = new Int32Array(nextId);
    this.collectStamp = new Int32Array(nextId);
  }

  /** Number of rules that always run (no literal need). */
  get unconditional(): number {
    return this.always.length;
  }

  /** Rule positions (ascending) that may match the event in `ctx`. */
  candidates(ctx: EventContext): number[] {
    const gen = ++this.gen;
    const out = this.always.slice();
    this.out = out;
    // A simple field resolves (exactly or case-insensitively) only to one of the event's own keys,
    // so walking those keys finds every index field that can be present.
    const fields = ctx.fields;
    for (const key in fields) {
      if (!hasOwn.call(fields, key)) continue;
      const list = this.indexesOfKey(key);
      if (list === NO_INDEXES) continue;
      for (const fi of list) {
        if (fi.seen === gen) continue;
        fi.seen = gen;
        this.scanField(fi, ctx, gen);
      }
    }
    for (const fi of this.other) {
      if (fi.field === null) {
        // NUL-joined haystack: a literal found across a boundary only adds a candidate.
        const found = this.collect(fi, ctx.allJoined());
        for (const e of found) if (this.entryStamp[e.id] !== gen) this.hit(e, gen);
        continue;
      }
      this.scanField(fi, ctx, gen);
    }
    if (out.length > this.always.length) out.sort((a, b) => a - b);
    return out;
  }

  /** Field indexes an event key can resolve to, by the key as written (keys repeat across events). */
  private indexesOfKey(key: string): FieldIndex[] {
    let list = this.byKey.get(key);
    if (list === undefined) {
      list = this.simple.get(lowerKey(key)) ?? NO_INDEXES;
      if (this.byKey.size >= LOWER_MEMO_MAX) this.byKey.clear();
      this.byKey.set(key, list);
    }
    return list;
  }

  private readonly byKey = new Map<string, FieldIndex[]>();
  private out: number[] = [];
  /** Stamps entries already collected from the string being scanned. */
  private collectGen = 0;

  hitNumber(e: Entry, gen: number): void {
    if (this.entryStamp[e.id] !== gen) this.hit(e, gen);
  }

  private hit(e: Entry, gen: number): void {
    const { ruleStamp, ruleCount, ruleClauses, clauseStamp, clauseRule } = this;
    this.entryStamp[e.id] = gen;
    for (const cid of e.clauses) {
      if (clauseStamp[cid] === gen) continue;
      clauseStamp[cid] = gen;
      const r = clauseRule[cid];
      if (ruleStamp[r] !== gen) {
        ruleStamp[r] = gen;
        ruleCount[r] = 0;
      }
      if (++ruleCount[r] === ruleClauses[r]) this.out.push(r);
    }
  }

  private scanField(fi: FieldIndex, ctx: EventContext, gen: number): void {
    const fv = ctx.get(fi.field as string);
    if (!fv.present) return;
    if (fi.nums.size > 0) scanNumbers(fv.leaves, fi, this, gen);
    if (fi.grams.size === 0 && fi.short.size === 0 && fi.alternation === undefined) return;
    for (const s of fv.strs) this.scanString(fi, s, gen);
  }

  /** Marks the literals of `fi` found in the lowercased `raw`, memoised per raw string. */
  private scanString(fi: FieldIndex, raw: string, gen: number): void {
    let found = fi.memo.get(raw);
    if (found === undefined) {
      found = this.collect(fi, raw.toLowerCase());
      if (raw.length <= MEMO_LONGEST) {
        if (fi.memo.size >= MEMO_ENTRIES || fi.memoChars + raw.length > MEMO_CHARS) {
          fi.memo.clear();
          fi.memoChars = 0;
        }
        fi.memo.set(raw, found);
        fi.memoChars += raw.length;
      }
    }
    const entryStamp = this.entryStamp;
    for (let i = 0; i < found.length; i++) {
      const e = found[i];
      if (entryStamp[e.id] !== gen) this.hit(e, gen);
    }
  }

  /** Every literal of `fi` occurring in `s` (lowercase), each once. */
  private collect(fi: FieldIndex, s: string): Entry[] {
    const cgen = ++this.collectGen;
    const stamp = this.collectStamp;
    let found: Entry[] = NONE;
    scan(s, fi, (e) => {
      if (stamp[e.id] === cgen) return;
      stamp[e.id] = cgen;
      if (found === NONE) found = [];
      found.push(e);
    });
    return found;
  }
}

const hasOwn = Object.prototype.hasOwnProperty;
const LOWER_MEMO_MAX = 50000;
const lowerMemo = new Map<string, string>();

/** Event keys repeat across events: lowercase each once. */
function lowerKey(key: string): string {
  let low = lowerMemo.get(key);
  if (low === undefined) {
    if (lowerMemo.size >= LOWER_MEMO_MAX) lowerMemo.clear();
    low = key.toLowerCase();
    lowerMemo.set(key, low);
  }
  return low;
}

function scan(s: string, fi: FieldIndex, hit: (e: Entry) => void): void {
  // Few literals over a short value: one `includes` each. Otherwise one gram pass over the value.
  if (fi.direct !== undefined && s.length * fi.direct.length <= DIRECT_WORK) {
    for (const e of fi.direct) {
      if (s.includes(e.lit)) hit(e);
    }
    return;
  }
  if (fi.alternation !== undefined) {
    scanAlternation(s, fi.alternation, hit);
    return;
  }
  const grams = fi.grams;
  const bloom = fi.bloom;
  const short = fi.short.size > 0 ? fi.short : undefined;
  const shortBloom = fi.shortBloom;
  const shift = fi.bloomShift;
  const shortShift = fi.shortShift;
  // Rolling window of the last Q characters, 7 bits each, after reading character i.
  let g = 0;
  for (let i = 0; i < s.length; i++) {
    g = ((g << 7) | (s.charCodeAt(i) & 0x7f)) & GRAM_MASK;
    if (short !== undefined) {
      for (let len = 1; len < Q && len <= i + 1; len++) {
        const key = shortKey(g, len);
        if (shortBloom[bloomSlot(key, shortShift)] === 0) continue;
        const bucket = short.get(key);
        if (bucket !== undefined) verify(bucket, s, i - len + 1, hit);
      }
    }
    if (i < Q - 1 || bloom[bloomSlot(g, shift)] === 0) continue;
    const bucket = grams.get(g);
    if (bucket === undefined) continue;
    for (const e of bucket) {
      const start = i - (Q - 1) - e.off;
      if (start >= 0 && s.startsWith(e.lit, start)) hit(e);
    }
  }
}

/**
 * Every literal occurring in `s` is reported: the search restarts one character after each match,
 * so every start position is reached; at a position the longest literal wins, and any other
 * literal starting there is a prefix of it, reported with it.
 */
function scanAlternation(
  s: string,
  alt: { re: RegExp; byLit: Map<string, Entry[]> },
  hit: (e: Entry) => void,
): void {
  const re = alt.re;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    for (const e of alt.byLit.get(m[0]) as Entry[]) hit(e);
    re.lastIndex = m.index + 1;
  }
}

function buildAlternation(entries: Entry[]): { re: RegExp; byLit: Map<string, Entry[]> } {
  const lits = entries.map((e) => e.lit).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const byLit = new Map<string, Entry[]>();
  for (const e of entries) {
    // A literal reports itself and every shorter literal that is a prefix of it.
    byLit.set(e.lit, entries.filter((o) => e.lit.startsWith(o.lit)));
  }
  const re = new RegExp(lits.map(escapeRegExp).join('|'), 'g');
  return { re, byLit };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function verify(bucket: Entry[], s: string, start: number, hit: (e: Entry) => void): void {
  for (const e of bucket) {
    if (s.startsWith(e.lit, start)) hit(e);
  }
}

/** Key of the last `len` (< Q) characters of the rolling window; the length is part of the key. */
function shortKey(g: number, len: number): number {
  return (g & ((1 << (7 * len)) - 1)) | (len << 21);
}

function scanNumbers(leaves: unknown[], fi: FieldIndex, pf: { hitNumber(e: Entry, gen: number): void }, gen: number): void {
  for (const leaf of leaves) {
    const n = numericValue(leaf);
    if (n === undefined) continue;
    const e = fi.nums.get(n);
    if (e !== undefined) pf.hitNumber(e, gen);
  }
}

function addTo<K>(byField: Map<string | null, Map<K, number[]>>, field: string | null, key: K, id: number): void {
  let m = byField.get(field);
  if (!m) byField.set(field, (m = new Map()));
  const ids = m.get(key);
  if (!ids) m.set(key, [id]);
  else if (ids[ids.length - 1] !== id) ids.push(id);
}

function buildFieldIndex(field: string | null, entries: Entry[]): FieldIndex {
  const lowerSimple = field !== null && !field.includes('.') ? field.toLowerCase() : undefined;
  const direct = entries.length > 0 && entries.length <= DIRECT_MAX ? entries : undefined;
  const alternation = entries.length > 0 && entries.length <= ALTERNATION_MAX ? buildAlternation(entries) : undefined;
  // With an alternation the gram tables stay empty: scan() never reaches them.
  const gi = gramIndex(alternation ? [] : entries);
  return { field, lowerSimple, direct, alternation, ...gi, nums: new Map(), seen: 0, memo: new Map(), memoChars: 0 };
}

type GramIndex = Pick<FieldIndex, 'grams' | 'bloom' | 'bloomShift' | 'short' | 'shortBloom' | 'shortShift'>;

/** Index each literal under its least shared gram, so common grams (".exe") rarely trigger checks. */
function gramIndex(entries: Entry[]): GramIndex {
  const freq = new Map<number, number>();
  for (const e of entries) {
    if (e.lit.length < Q) continue;
    const seen = new Set<number>();
    for (let i = 0; i + Q <= e.lit.length; i++) seen.add(gramAt(e.lit, i));
    for (const g of seen) freq.set(g, (freq.get(g) ?? 0) + 1);
  }
  const grams = new Map<number, Entry[]>();
  const nShort = entries.filter((e) => e.lit.length < Q).length;
  const shift = bloomShift(entries.length - nShort);
  const bloom = new Uint8Array(1 << (32 - shift));
  const short = new Map<number, Entry[]>();
  const shortShift = bloomShift(nShort);
  const shortBloom = new Uint8Array(1 << (32 - shortShift));
  for (const e of entries) {
    if (e.lit.length < Q) {
      let g = 0;
      for (let i = 0; i < e.lit.length; i++) g = (g << 7) | (e.lit.charCodeAt(i) & 0x7f);
      const key = shortKey(g, e.lit.length);
      shortBloom[bloomSlot(key, shortShift)] = 1;
      const bucket = short.get(key);
      if (bucket) bucket.push(e);
      else short.set(key, [e]);
      continue;
    }
    let best = 0;
    let bestCount = Infinity;
    for (let i = 0; i + Q <= e.lit.length; i++) {
      const c = freq.get(gramAt(e.lit, i)) as number;
      if (c < bestCount) {
        bestCount = c;
        best = i;
      }
    }
    e.off = best;
    const g = gramAt(e.lit, best);
    bloom[bloomSlot(g, shift)] = 1;
    const bucket = grams.get(g);
    if (bucket) bucket.push(e);
    else grams.set(g, [e]);
  }
  return { grams, bloom, bloomShift: shift, short, shortBloom, shortShift };
}
