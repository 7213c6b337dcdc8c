/**
 * Sound literal prefilter for one group of rules. A rule's need (compiler.ts) is a few clauses,
 * each a disjunction of (field, literal) atoms that every matching event satisfies; the rule is a
 * candidate only when every clause has an atom present in the event (a literal in the lowercased
 * value of its field, or a number among its values). Rules without a need are always candidates.
 *
 * A field's literals are found in a value by one Aho-Corasick pass (multimatch.ts), which reports
 * every literal occurring in the lowercased value, so nothing is missed. Keyword atoms (no field)
 * are searched the same way in every string of the event, one string at a time. What a long
 * value holds is memoised per raw string (values such as command lines and hashes repeat).
 */
import type { Clause, Need } from './compiler';
import type { EventContext } from './fields';
import { type LiteralMatcher, literalMatcher, skipsFor } from './multimatch';
import { lowerName } from '../normalize/names';
import { numericValue } from './values';

interface Entry {
  id: number;
  lit: string;
  /** Clauses this atom satisfies. */
  clauses: number[];
}

interface FieldIndex {
  /** null = every string of the event (keyword atoms). */
  field: string | null;
  /** Lowercased simple field name (no dots); undefined for dotted names and keyword search. */
  lowerSimple: string | undefined;
  /** The field's literal entries; empty when it only has numeric atoms. */
  entries: Entry[];
  /**
   * Built on the first value to scan (many indexed fields never occur in a given input); reports
   * positions in `entries`, so routes with the same literals share one (MatcherCache).
   */
  matcher: LiteralMatcher<number> | undefined;
  /** Memoise long strings (a full scan costs more than hashing the string). */
  memo: boolean;
  /**
   * The route's keyword atoms are found (and memoised) with this field's own literals: a memoised value
   * of this field needs no keyword scan of its own. Set for memoising simple fields when keywords exist.
   */
  withKeywords: boolean;
  /** Length of the shortest literal: shorter strings hold none. */
  shortest: number;
  /** Numeric atoms: number -> entry (compared with the numeric value of each leaf). */
  nums: Map<number, Entry>;
  /** Last event generation that scanned this field (several event keys can share a lowercase name). */
  seen: number;
  /** Literals found per raw string, two generations: `young` fills, then replaces `old`. */
  young: Map<string, Entry[]>;
  old: Map<string, Entry[]>;
  youngChars: number;
}

/** Shorter strings are scanned again rather than memoised (a lookup hashes them anyway). */
const MEMO_SHORTEST = 32;
/** Skipping matchers with at least this shortest literal read too little of a value to memoise it. */
const SKIP_NO_MEMO = 8;
/** Memo bounds per field index and generation: distinct strings, total characters, longest string. */
const MEMO_ENTRIES = 4096;
const MEMO_CHARS = 1 << 19;
const MEMO_LONGEST = 8192;
const NONE: Entry[] = [];
const NO_INDEXES: FieldIndex[] = [];
const MAX_DEPTH = 32;

export class Prefilter {
  private readonly always: number[] = [];
  private readonly fields: FieldIndex[] = [];
  /** Simple field names (no dots) by lowercase name: found by walking the event's own keys. */
  private readonly simple = new Map<string, FieldIndex[]>();
  /** Dotted names: resolved one by one. */
  private readonly other: FieldIndex[] = [];
  /** Keyword atoms: searched in every string of the event. */
  private readonly keywords: FieldIndex | undefined;
  private readonly clauseRule: number[] = [];
  private readonly ruleClauses: Uint8Array;
  private readonly ruleStamp: Int32Array;
  private readonly ruleCount: Uint8Array;
  private readonly clauseStamp: Int32Array;
  private readonly entryStamp: Int32Array;
  private readonly collectStamp: Int32Array;
  private gen = 0;
  private readonly byKey = new Map<string, FieldIndex[]>();
  private out: number[] = [];
  /** Stamps entries already collected from the string being scanned. */
  private collectGen = 0;
  private found: Entry[] = NONE;
  /** Entries of the field index being scanned (matchers report positions in it). */
  private scanning: Entry[] = NONE;
  /** Bound once: the matcher calls it for every literal occurrence. */
  private readonly collectHit = (i: number): void => {
    const e = this.scanning[i];
    if (this.collectStamp[e.id] === this.collectGen) return;
    this.collectStamp[e.id] = this.collectGen;
    if (this.found === NONE) this.found = [];
    this.found.push(e);
  };
  /** Bound once: marks a literal found in the event being filtered. */
  private readonly markHit = (i: number): void => {
    const e = this.scanning[i];
    if (this.entryStamp[e.id] !== this.gen) this.hit(e, this.gen);
  };

  /** `matchers` may be shared by the prefilters of one rule set. */
  constructor(
    needs: Need[],
    private readonly matchers: MatcherCache = new Map(),
  ) {
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
      const clauses = keywordClausesPruned(need);
      this.ruleClauses[r] = clauses.length;
      for (const clause of clauses) {
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
    let keywords: FieldIndex | undefined;
    const fields = new Set([...byField.keys(), ...numsByField.keys()]);
    for (const field of fields) {
      const entries = [...(byField.get(field) ?? [])].map(([lit, clauses]) => ({ id: nextId++, lit, clauses }));
      const fi = buildFieldIndex(field, entries);
      for (const [num, clauses] of numsByField.get(field) ?? []) fi.nums.set(num, { id: nextId++, lit: String(num), clauses });
      this.fields.push(fi);
      if (field === null) {
        keywords = fi;
        continue;
      }
      if (fi.lowerSimple === undefined) {
        this.other.push(fi);
        continue;
      }
      const list = this.simple.get(fi.lowerSimple);
      if (list) list.push(fi);
      else this.simple.set(fi.lowerSimple, [fi]);
    }
    this.keywords = keywords;
    if (keywords !== undefined) for (const fi of this.fields) fi.withKeywords = fi !== keywords && fi.memo && fi.lowerSimple !== undefined && fi.entries.length > 0;
    this.entryStamp = new Int32Array(nextId);
    this.collectStamp = new Int32Array(nextId);
  }

  /** Builds every field's literal matcher now instead of on the first value it scans (compile at load). */
  prepare(): void {
    for (const fi of this.fields) if (fi.entries.length > 0) fi.matcher ??= matcherOf(fi, this.matchers);
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
    const keywords = this.keywords;
    // Keys and values read by the builtins (a keyed load per key goes megamorphic over many event shapes).
    const keys = Object.keys(fields);
    const values = Object.values(fields);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      const v = values[k];
      const isString = typeof v === 'string';
      // The value's keyword atoms were looked up with a field's own literals (withKeywords).
      let keywordsDone = false;
      const list = this.indexesOfKey(key);
      for (let i = 0; i < list.length; i++) {
        const fi = list[i];
        if (fi.seen === gen) continue;
        fi.seen = gen;
        // The key as the rule spells it holds one string: that is what ctx.get would resolve (an
        // exact key wins), scanned without building the field's cached view (rules that run build it).
        if (isString && fi.field === key && fi.nums.size === 0) {
          if ((v as string).length < fi.shortest) continue;
          if (fi.withKeywords && memoises(fi, v as string)) keywordsDone = true;
          this.scanString(fi, v as string, gen);
        } else this.scanField(fi, ctx, gen);
      }
      // Keyword atoms: every string of the event, walked in the same pass over its keys.
      if (keywords === undefined || keywordsDone) continue;
      if (isString) {
        if ((v as string).length >= keywords.shortest) {
          this.scanning = keywords.entries;
          (keywords.matcher ??= matcherOf(keywords, this.matchers)).scan(v as string, this.markHit);
        }
      } else if (v !== null && typeof v === 'object') this.scanStrings(keywords, v, gen, 1);
    }
    for (const fi of this.other) this.scanField(fi, ctx, gen);
    if (out.length > this.always.length) out.sort((a, b) => a - b);
    return out;
  }

  /** Field indexes an event key can resolve to, by the key as written (keys repeat across events). */
  private indexesOfKey(key: string): FieldIndex[] {
    let list = this.byKey.get(key);
    if (list === undefined) {
      list = this.simple.get(lowerName(key)) ?? NO_INDEXES;
      if (this.byKey.size >= BY_KEY_MAX) this.byKey.clear();
      this.byKey.set(key, list);
    }
    return list;
  }

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
    if (fi.entries.length === 0) return;
    const strs = fv.strs;
    for (let i = 0; i < strs.length; i++) if (strs[i].length >= fi.shortest) this.scanString(fi, strs[i], gen);
  }

  /** Every string of the event, nested objects and arrays included (as EventContext.allStrings). */
  private scanStrings(fi: FieldIndex, v: unknown, gen: number, depth: number): void {
    if (typeof v === 'string') {
      if (v.length >= fi.shortest) this.scanString(fi, v, gen);
      return;
    }
    if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return;
    if (isArray(v)) {
      for (const x of v) this.scanStrings(fi, x, gen, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      if (hasOwn.call(o, k)) this.scanStrings(fi, o[k], gen, depth + 1);
    }
  }

  /** Marks the literals of `fi` found in the lowercased `raw`; long strings memoised. */
  private scanString(fi: FieldIndex, raw: string, gen: number): void {
    if (!memoises(fi, raw)) {
      // Straight to the rules' clauses: no list of what was found.
      const matcher = (fi.matcher ??= matcherOf(fi, this.matchers));
      this.scanning = fi.entries;
      matcher.scan(raw, this.markHit);
      return;
    }
    const found = this.memoised(fi, raw);
    const entryStamp = this.entryStamp;
    for (let i = 0; i < found.length; i++) {
      const e = found[i];
      if (entryStamp[e.id] !== gen) this.hit(e, gen);
    }
  }

  private memoised(fi: FieldIndex, raw: string): Entry[] {
    let found = fi.young.get(raw);
    if (found !== undefined) return found;
    found = fi.old.get(raw);
    if (found === undefined) found = this.collect(fi, raw);
    if (fi.young.size >= MEMO_ENTRIES || fi.youngChars + raw.length > MEMO_CHARS) {
      fi.old = fi.young;
      fi.young = new Map();
      fi.youngChars = 0;
    }
    fi.young.set(raw, found);
    fi.youngChars += raw.length;
    return found;
  }

  /** Every literal of `fi` (and the route's keyword atoms, withKeywords) occurring in `raw` lowercased, each once. */
  private collect(fi: FieldIndex, raw: string): Entry[] {
    const matcher = (fi.matcher ??= matcherOf(fi, this.matchers));
    this.scanning = fi.entries;
    this.collectGen++;
    this.found = NONE;
    matcher.scan(raw, this.collectHit);
    const keywords = this.keywords;
    if (fi.withKeywords && keywords !== undefined && raw.length >= keywords.shortest) {
      this.scanning = keywords.entries;
      (keywords.matcher ??= matcherOf(keywords, this.matchers)).scan(raw, this.collectHit);
    }
    const found = this.found;
    this.found = NONE;
    return found;
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Whether scanString memoises what `fi` finds in `raw`. */
function memoises(fi: FieldIndex, raw: string): boolean {
  return fi.memo && raw.length >= MEMO_SHORTEST && raw.length <= MEMO_LONGEST;
}
const isArray = Array.isArray;
/** Distinct event keys a prefilter remembers the field indexes of. */
const BY_KEY_MAX = 50000;

/** Matchers by their literal list: logsources meeting overlapping rule sets often index the same literals. */
export type MatcherCache = Map<string, LiteralMatcher<number>>;

function matcherOf(fi: FieldIndex, cache: MatcherCache): LiteralMatcher<number> {
  const key = fi.entries.map((e) => e.lit).join('\u0000');
  let matcher = cache.get(key);
  if (matcher === undefined) {
    matcher = literalMatcher(fi.entries.map((e, i) => ({ value: i, lit: e.lit })));
    cache.set(key, matcher);
  }
  return matcher;
}

function scanNumbers(leaves: unknown[], fi: FieldIndex, pf: { hitNumber(e: Entry, gen: number): void }, gen: number): void {
  for (const leaf of leaves) {
    const n = numericValue(leaf);
    if (n === undefined) continue;
    const e = fi.nums.get(n);
    if (e !== undefined) pf.hitNumber(e, gen);
  }
}

/** Keyword atoms shorter than this keep their field index from skipping through text. */
const KEYWORD_SHORT = 6;

/**
 * Keyword atoms are searched in every string of the event: a clause with a short keyword atom is
 * left out when the rule has another clause (a weaker need is still sound; the rule runs more often).
 */
function keywordClausesPruned(need: Clause[]): Clause[] {
  if (need.length < 2) return need;
  const short = (c: Clause): boolean => c.some((a) => a.field === null && a.num === undefined && a.lit.length < KEYWORD_SHORT);
  const kept = need.filter((c) => !short(c));
  return kept.length > 0 ? kept : need;
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
  // Lowercasing can lengthen non-ASCII text (U+0130 becomes two characters): no length bound then.
  let shortest = Infinity;
  for (const e of entries) shortest = Math.min(shortest, /[^\x00-\x7f]/.test(e.lit) ? 1 : e.lit.length);
  // Keyword atoms are never memoised (every string of the event would be hashed); a field value is,
  // unless the skipping matcher reads so little of it that hashing the value would cost more.
  const memo = field !== null && (!skipsFor(entries.map((e) => e.lit)) || shortest < SKIP_NO_MEMO);
  return { field, lowerSimple, entries, matcher: undefined, memo, withKeywords: false, shortest, nums: new Map(), seen: 0, young: new Map(), old: new Map(), youngChars: 0 };
}
