/**
 * Sound literal prefilter for one group of rules. A rule's need (compiler.ts) is a few clauses,
 * each a disjunction of (field, literal) atoms that every matching event satisfies; the rule is a
 * candidate only when every clause has an atom present in the event (a literal in the lowercased
 * value of its field, or a number among its values). Rules without a need are always candidates.
 *
 * Matching many literals at once: each literal is indexed by one 4-character gram of it (the
 * gram fewest literals share); an event string is scanned once, each position's gram looked up,
 * and a hit verified with `startsWith` at the implied offset. Shorter literals are tested
 * directly. A literal that occurs always has its gram at the right offset, so nothing is missed.
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
  /** Lowercased simple field name (no dots) for the cheap presence test; undefined otherwise. */
  lowerSimple: string | undefined;
  /** Few literals: test each with `includes` instead of scanning grams. */
  direct: Entry[] | undefined;
  grams: Map<number, Entry[]>;
  /** One byte per hashed gram: a cheap "certainly not indexed" test before the Map lookup. */
  bloom: Uint8Array;
  short: Entry[];
  /** Numeric atoms: number -> entry (compared with the numeric value of each leaf). */
  nums: Map<number, Entry>;
}

const GRAM_MASK = 0xfffffff;
/** Up to this many literals, `includes` per literal beats a gram scan (V8's indexOf skips ahead). */
const DIRECT_MAX = 24;
const DIRECT_WORK = 1024;
const BLOOM_BITS = 16;
const BLOOM_MASK = (1 << BLOOM_BITS) - 1;

function gramAt(s: string, i: number): number {
  // 7 bits a char keeps ASCII grams distinct; other characters only collide (a wasted check).
  return (
    ((s.charCodeAt(i) & 0x7f) << 21) |
    ((s.charCodeAt(i + 1) & 0x7f) << 14) |
    ((s.charCodeAt(i + 2) & 0x7f) << 7) |
    (s.charCodeAt(i + 3) & 0x7f)
  );
}

/** Fold the 28-bit gram to BLOOM_BITS (no global lookups: hot loop, and Jest's vm globals are slow). */
function bloomSlot(g: number): number {
  return (g ^ (g >>> 12)) & BLOOM_MASK;
}

export class Prefilter {
  private readonly always: number[] = [];
  private readonly fields: FieldIndex[] = [];
  private readonly clauseRule: number[] = [];
  private readonly ruleClauses: Uint8Array;
  private readonly ruleStamp: Int32Array;
  private readonly ruleCount: Uint8Array;
  private readonly clauseStamp: Int32Array;
  private readonly entryStamp: Int32Array;
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
    }
    this.entryStamp = new Int32Array(nextId);
  }

  /** Number of rules that always run (no literal need). */
  get unconditional(): number {
    return this.always.length;
  }

  /** Rule positions (ascending) that may match the event in `ctx`. */
  candidates(ctx: EventContext): number[] {
    const gen = ++this.gen;
    const out = this.always.slice();
    const { ruleStamp, ruleCount, ruleClauses, clauseStamp, clauseRule, entryStamp } = this;
    const hit = (e: Entry): void => {
      entryStamp[e.id] = gen;
      for (const cid of e.clauses) {
        if (clauseStamp[cid] === gen) continue;
        clauseStamp[cid] = gen;
        const r = clauseRule[cid];
        if (ruleStamp[r] !== gen) {
          ruleStamp[r] = gen;
          ruleCount[r] = 0;
        }
        if (++ruleCount[r] === ruleClauses[r]) out.push(r);
      }
    };
    for (const fi of this.fields) {
      if (fi.field === null) {
        // NUL-joined haystack: a literal found across a boundary only adds a candidate.
        scan(ctx.allJoined(), fi, entryStamp, gen, hit);
        continue;
      }
      if (fi.lowerSimple !== undefined && !ctx.mayHave(fi.field, fi.lowerSimple)) continue;
      const fv = ctx.get(fi.field);
      if (!fv.present) continue;
      if (fi.nums.size > 0) scanNumbers(fv.leaves, fi, entryStamp, gen, hit);
      if (fi.grams.size === 0 && fi.short.length === 0 && fi.direct === undefined) continue;
      for (const s of ctx.lowsOf(fv)) scan(s, fi, entryStamp, gen, hit);
    }
    if (out.length > this.always.length) out.sort((a, b) => a - b);
    return out;
  }
}

function scan(s: string, fi: FieldIndex, entryStamp: Int32Array, gen: number, hit: (e: Entry) => void): void {
  // Few literals over a short value: one `includes` each. Otherwise one gram pass over the value.
  if (fi.direct !== undefined && s.length * fi.direct.length <= DIRECT_WORK) {
    for (const e of fi.direct) {
      if (entryStamp[e.id] !== gen && s.includes(e.lit)) hit(e);
    }
    return;
  }
  for (const e of fi.short) {
    if (entryStamp[e.id] !== gen && s.includes(e.lit)) hit(e);
  }
  const grams = fi.grams;
  if (grams.size === 0 || s.length < Q) return;
  const bloom = fi.bloom;
  // Rolling gram: the window [i-3, i] after reading character i.
  let g = ((s.charCodeAt(0) & 0x7f) << 14) | ((s.charCodeAt(1) & 0x7f) << 7) | (s.charCodeAt(2) & 0x7f);
  for (let i = 3; i < s.length; i++) {
    g = ((g << 7) | (s.charCodeAt(i) & 0x7f)) & GRAM_MASK;
    if (bloom[bloomSlot(g)] === 0) continue;
    const bucket = grams.get(g);
    if (bucket === undefined) continue;
    for (const e of bucket) {
      if (entryStamp[e.id] === gen) continue;
      const start = i - (Q - 1) - e.off;
      if (start >= 0 && s.startsWith(e.lit, start)) hit(e);
    }
  }
}

function scanNumbers(leaves: unknown[], fi: FieldIndex, entryStamp: Int32Array, gen: number, hit: (e: Entry) => void): void {
  for (const leaf of leaves) {
    const n = numericValue(leaf);
    if (n === undefined) continue;
    const e = fi.nums.get(n);
    if (e !== undefined && entryStamp[e.id] !== gen) hit(e);
  }
}

function addTo<K>(byField: Map<string | null, Map<K, number[]>>, field: string | null, key: K, id: number): void {
  let m = byField.get(field);
  if (!m) byField.set(field, (m = new Map()));
  const ids = m.get(key);
  if (!ids) m.set(key, [id]);
  else if (ids[ids.length - 1] !== id) ids.push(id);
}

/** Index each literal under its least shared gram, so common grams (".exe") rarely trigger checks. */
function buildFieldIndex(field: string | null, entries: Entry[]): FieldIndex {
  const freq = new Map<number, number>();
  for (const e of entries) {
    if (e.lit.length < Q) continue;
    const seen = new Set<number>();
    for (let i = 0; i + Q <= e.lit.length; i++) seen.add(gramAt(e.lit, i));
    for (const g of seen) freq.set(g, (freq.get(g) ?? 0) + 1);
  }
  const grams = new Map<number, Entry[]>();
  const bloom = new Uint8Array(1 << BLOOM_BITS);
  const short: Entry[] = [];
  for (const e of entries) {
    if (e.lit.length < Q) {
      short.push(e);
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
    bloom[bloomSlot(g)] = 1;
    const bucket = grams.get(g);
    if (bucket) bucket.push(e);
    else grams.set(g, [e]);
  }
  const lowerSimple = field !== null && !field.includes('.') ? field.toLowerCase() : undefined;
  const direct = entries.length > 0 && entries.length <= DIRECT_MAX ? entries : undefined;
  return { field, lowerSimple, direct, grams, bloom, short, nums: new Map() };
}
