/**
 * Aho-Corasick automaton over lowercase literals: one pass over a string reports every literal
 * occurring in the string's lowercase form, whatever the number of literals (and possibly more:
 * see below). Characters are mapped to classes (characters in no literal share class 0, which
 * always leads back to the root; all non-ASCII characters share one class, so a literal holding
 * one may be reported where the text has another non-ASCII character in its place); the
 * trie's edges are kept compactly, and full DFA rows are built lazily for the states real text
 * reaches (bounded: the row pool is dropped and rebuilt when it outgrows its cap).
 *
 * Case: literals are lowercase, and text is folded character by character (ASCII uppercase to
 * lowercase). Only two non-ASCII characters lowercase to something holding ASCII: KELVIN SIGN
 * (to `k`) and LATIN CAPITAL LETTER I WITH DOT ABOVE (to `i` + U+0307); they fold to `k` and `i`.
 * For an all-ASCII literal set, an occurrence in `s.toLowerCase()` is then always an occurrence in
 * the folded text (the fold can only find more: `i` where the lowercase has `i` + U+0307). A set
 * with non-ASCII literals scans `s.toLowerCase()` whenever `s` has a non-ASCII character.
 *
 * A set whose literals are all ASCII and at least SKIP_MIN long uses SkipMatcher instead
 * (Wu-Manber: it reads about one character in `shortest - 1`).
 */

/** Finds literals in text; `hit` may be called more than once for a value (callers deduplicate). */
export interface LiteralMatcher<T> {
  scan(s: string, hit: (value: T) => void): void;
  /** Scanning reads only part of the text (cheaper than hashing it for a memo). */
  readonly skips: boolean;
}

const KELVIN = 0x212a;
const DOTTED_I = 0x130;
/** Shortest literal for which skipping pays. */
const SKIP_MIN = 4;

function isAsciiText(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
}

/** Whether literalMatcher picks the skipping matcher for these literals. */
export function skipsFor(lits: string[]): boolean {
  return lits.length > 0 && lits.every((lit) => lit.length >= SKIP_MIN && isAsciiText(lit) && !lit.includes('\u0000'));
}

/** The matcher for a literal set: skipping when every literal is ASCII and long enough. */
export function literalMatcher<T>(entries: Array<Output<T>>): LiteralMatcher<T> {
  return skipsFor(entries.map((e) => e.lit)) ? new SkipMatcher(entries) : new MultiMatcher(entries);
}

/** ASCII lowercase fold; KELVIN SIGN and DOTTED I fold to `k` and `i`; 0 for every other character. */
const FOLD = new Uint8Array(128);
for (let c = 1; c < 128; c++) FOLD[c] = c >= 65 && c <= 90 ? c + 32 : c;

function foldCode(c: number): number {
  if (c < 128) return FOLD[c];
  return c === KELVIN ? 107 : c === DOTTED_I ? 105 : 0;
}

/**
 * Wu-Manber over 2-character blocks of the folded text: the window is the shortest literal's
 * length `m`; the block ending the window gives how far no literal can start (SHIFT), and a
 * block with shift 0 has its literals verified in place. ASCII literals only (see the header).
 */
export class SkipMatcher<T> implements LiteralMatcher<T> {
  readonly skips = true;
  private readonly m: number;
  private readonly shift: Uint8Array;
  /** Literals by the block ending their first `m` characters (indexed like `shift`). */
  private readonly buckets: Array<Array<Output<T>> | undefined> = new Array(1 << 14);

  constructor(entries: Array<Output<T>>) {
    let m = Infinity;
    for (const e of entries) m = Math.min(m, e.lit.length);
    this.m = Math.min(m, 255);
    this.shift = new Uint8Array(1 << 14).fill(this.m - 1);
    for (const e of entries) {
      for (let j = 1; j < this.m; j++) {
        const b = (e.lit.charCodeAt(j - 1) << 7) | e.lit.charCodeAt(j);
        const sh = this.m - 1 - j;
        if (sh < this.shift[b]) this.shift[b] = sh;
      }
      const last = (e.lit.charCodeAt(this.m - 2) << 7) | e.lit.charCodeAt(this.m - 1);
      const bucket = this.buckets[last];
      if (bucket) bucket.push(e);
      else this.buckets[last] = [e];
    }
  }

  scan(s: string, hit: (value: T) => void): void {
    const m = this.m;
    const shift = this.shift;
    const n = s.length;
    let pos = m - 1;
    while (pos < n) {
      const b = (foldCode(s.charCodeAt(pos - 1)) << 7) | foldCode(s.charCodeAt(pos));
      const sh = shift[b];
      if (sh !== 0) {
        pos += sh;
        continue;
      }
      const start = pos - m + 1;
      const bucket = this.buckets[b] as Array<Output<T>>;
      for (let k = 0; k < bucket.length; k++) {
        const e = bucket[k];
        if (start + e.lit.length <= n && foldedAt(s, e.lit, start)) hit(e.value);
      }
      pos++;
    }
  }
}

function foldedAt(s: string, lit: string, start: number): boolean {
  for (let j = 0; j < lit.length; j++) if (foldCode(s.charCodeAt(start + j)) !== lit.charCodeAt(j)) return false;
  return true;
}

export interface Output<T> {
  value: T;
  /** Lowercase literal. */
  lit: string;
}

/** Row pool cap (Int32 cells), about 16 MiB: adversarial text cannot grow it further. */
const ROW_CAP = 1 << 22;
/**
 * Automata up to this many DFA cells (states x classes, 4 MiB) get their whole DFA at construction: one
 * table load a character, no lazily built rows. Larger ones (the corpus's CommandLine set) stay lazy.
 */
const EAGER_CELLS = 1 << 20;

export class MultiMatcher<T> implements LiteralMatcher<T> {
  readonly skips = false;
  private readonly ascii = new Uint16Array(128);
  /** Next state from the root by ASCII character (case folded). */
  private readonly root = new Int32Array(128);
  /** The one class of every non-ASCII character (0 when every literal is ASCII). */
  private readonly wide: number;
  /** Every literal is ASCII: non-ASCII text is folded, not lowercased. */
  private readonly asciiOnly: boolean;
  private readonly classes: number;
  private readonly edgeStart: Int32Array;
  private readonly edgeCls: Uint16Array;
  private readonly edgeTo: Int32Array;
  private readonly fail: Int32Array;
  private readonly depth: Int32Array;
  /** Outputs ending at a state: `outputs[outStart[s] .. outStart[s + 1])`. */
  private readonly outStart: Int32Array;
  private readonly outputs: T[];
  /** Nearest state on the failure chain (itself excluded) with outputs of its own; -1 for none. */
  private readonly dict: Int32Array;
  /** 1 when a state or its failure chain has outputs. */
  private readonly reports: Uint8Array;
  private readonly rowOf: Int32Array;
  private rows: Int32Array;
  /**
   * The full DFA when small enough (EAGER_CELLS): cell `row + class` holds the next state's row offset
   * (state x classes), negated when that state reports.
   */
  private readonly dfa: Int32Array | undefined;
  private rowsUsed = 0;
  private readonly rowCap: number;
  readonly size: number;

  /** `rowCap` (Int32 cells of lazily built rows) is only lowered by tests. */
  constructor(entries: Array<Output<T>>, rowCap = ROW_CAP) {
    // One class per ASCII character of the literals; all non-ASCII characters share one class, so
    // a literal holding one may be reported for any non-ASCII character in its place (more, never fewer).
    const classOf = new Map<number, number>();
    let next = 1;
    let wide = 0;
    for (const e of entries) {
      for (let i = 0; i < e.lit.length; i++) {
        const c = e.lit.charCodeAt(i);
        if (c >= 128) {
          if (wide === 0) wide = next++;
          classOf.set(c, wide);
        } else if (!classOf.has(c)) {
          classOf.set(c, next++);
        }
      }
    }
    this.classes = next;
    for (const [c, k] of classOf) {
      if (c >= 128) continue;
      this.ascii[c] = k;
      // Uppercase ASCII folds onto the lowercase letter's class (literals are lowercase).
      if (c >= 97 && c <= 122) this.ascii[c - 32] = k;
    }
    this.wide = wide;
    this.size = entries.length;
    this.asciiOnly = wide === 0;
    const trie = buildTrie(entries, classOf, this.classes);
    const states = trie.depth.length;
    this.depth = Int32Array.from(trie.depth);
    ({ edgeStart: this.edgeStart, edgeCls: this.edgeCls, edgeTo: this.edgeTo } = compactEdges(trie.edges, states, this.classes));
    this.fail = new Int32Array(states);
    this.dict = new Int32Array(states).fill(-1);
    this.reports = new Uint8Array(states);
    this.outStart = new Int32Array(states + 1);
    this.outputs = [];
    for (let s = 0; s < states; s++) {
      this.outStart[s] = this.outputs.length;
      for (const v of trie.out.get(s) ?? []) this.outputs.push(v);
    }
    this.outStart[states] = this.outputs.length;
    this.linkFailures(trie.edges, states);
    this.rowOf = new Int32Array(states).fill(-1);
    let deepest = 0;
    for (const d of trie.depth) if (d > deepest) deepest = d;
    // A row chain as deep as the deepest state always fits.
    this.rowCap = Math.max(rowCap, this.classes * (deepest + 1));
    this.rows = new Int32Array(Math.min(this.rowCap, this.classes * 64));
    for (let e = this.edgeStart[0]; e < this.edgeStart[1]; e++) {
      for (let c = 0; c < 128; c++) if (this.ascii[c] === this.edgeCls[e]) this.root[c] = this.edgeTo[e];
    }
    this.dfa = states * this.classes <= Math.min(EAGER_CELLS, rowCap) ? this.buildDfa(states) : undefined;
  }

  /** Rows in breadth-first order: a state's failure state is shallower, so its row is complete first. */
  private buildDfa(states: number): Int32Array {
    const nc = this.classes;
    const dfa = new Int32Array(states * nc);
    const cell = (to: number): number => (this.reports[to] === 1 ? -(to * nc) : to * nc);
    const queue = new Int32Array(states);
    let tail = 0;
    for (let e = this.edgeStart[0]; e < this.edgeStart[1]; e++) {
      dfa[this.edgeCls[e]] = cell(this.edgeTo[e]);
      queue[tail++] = this.edgeTo[e];
    }
    for (let head = 0; head < tail; head++) {
      const u = queue[head];
      const f = this.fail[u];
      dfa.copyWithin(u * nc, f * nc, f * nc + nc);
      for (let e = this.edgeStart[u]; e < this.edgeStart[u + 1]; e++) {
        dfa[u * nc + this.edgeCls[e]] = cell(this.edgeTo[e]);
        queue[tail++] = this.edgeTo[e];
      }
    }
    return dfa;
  }

  private scanDfa(dfa: Int32Array, s: string, hit: (value: T) => void): void {
    const ascii = this.ascii;
    const nc = this.classes;
    let st = 0;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 128) {
        if (!this.asciiOnly) {
          this.scanLowered(s.toLowerCase(), hit);
          return;
        }
        c = foldCode(c);
      }
      st = dfa[st + ascii[c]];
      if (st < 0) {
        st = -st;
        this.report(st / nc, hit);
      }
    }
  }

  /**
   * Calls `hit` for every occurrence of every literal in `s.toLowerCase()` (a literal found at
   * several places is reported each time; callers deduplicate).
   */
  scan(s: string, hit: (value: T) => void): void {
    if (this.dfa !== undefined) {
      this.scanDfa(this.dfa, s, hit);
      return;
    }
    const root = this.root;
    const ascii = this.ascii;
    const rowOf = this.rowOf;
    const reports = this.reports;
    let rows = this.rows;
    let st = 0;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 128) {
        if (!this.asciiOnly) {
          this.scanLowered(s.toLowerCase(), hit);
          return;
        }
        c = foldCode(c);
      }
      if (st === 0) {
        // Most text keeps the automaton at its root: one table load a character there.
        st = root[c];
        if (st !== 0 && reports[st] === 1) this.report(st, hit);
        continue;
      }
      let row = rowOf[st];
      if (row < 0) {
        row = this.materialize(st);
        rows = this.rows;
      }
      st = rows[row + ascii[c]];
      if (reports[st] === 1) this.report(st, hit);
    }
  }

  private scanLowered(s: string, hit: (value: T) => void): void {
    const ascii = this.ascii;
    const wide = this.wide;
    const dfa = this.dfa;
    if (dfa !== undefined) {
      const nc = this.classes;
      let at = 0;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        at = dfa[at + (c < 128 ? ascii[c] : wide)];
        if (at < 0) {
          at = -at;
          this.report(at / nc, hit);
        }
      }
      return;
    }
    const rowOf = this.rowOf;
    const reports = this.reports;
    let st = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const k = c < 128 ? ascii[c] : wide;
      if (k === 0) {
        st = 0;
        continue;
      }
      let row = rowOf[st];
      if (row < 0) row = this.materialize(st);
      st = this.rows[row + k];
      if (reports[st] === 1) this.report(st, hit);
    }
  }

  private report(st: number, hit: (value: T) => void): void {
    const { outStart, outputs, dict } = this;
    for (let t = outStart[st] < outStart[st + 1] ? st : dict[st]; t >= 0; t = dict[t]) {
      for (let j = outStart[t]; j < outStart[t + 1]; j++) hit(outputs[j]);
    }
  }

  /** The DFA row of `st`: its failure state's row with its own trie edges on top. */
  private materialize(st: number): number {
    const nc = this.classes;
    // The failure chain is strictly shallower: depth + 1 rows at most are built below.
    if (this.rowsUsed + nc * (this.depth[st] + 1) > this.rows.length) this.grow(nc * (this.depth[st] + 1));
    const rows = this.rows;
    const row = this.rowsUsed;
    if (st === 0) {
      this.rowsUsed += nc;
      rows.fill(0, row, row + nc);
    } else {
      const f = this.fail[st];
      let frow = this.rowOf[f];
      if (frow < 0) frow = this.materialize(f);
      const at = this.rowsUsed;
      this.rowsUsed += nc;
      rows.copyWithin(at, frow, frow + nc);
      this.rowOf[st] = at;
      for (let e = this.edgeStart[st]; e < this.edgeStart[st + 1]; e++) rows[at + this.edgeCls[e]] = this.edgeTo[e];
      return at;
    }
    for (let e = this.edgeStart[0]; e < this.edgeStart[1]; e++) rows[row + this.edgeCls[e]] = this.edgeTo[e];
    this.rowOf[0] = row;
    return row;
  }

  private grow(needed: number): void {
    const want = this.rowsUsed + needed;
    if (want <= this.rowCap) {
      let size = this.rows.length;
      while (size < want) size *= 2;
      const next = new Int32Array(Math.min(size, this.rowCap));
      next.set(this.rows.subarray(0, this.rowsUsed));
      this.rows = next;
      return;
    }
    // Past the cap: forget every row and start again (rows are rebuilt on demand).
    this.rowOf.fill(-1);
    this.rowsUsed = 0;
    if (this.rows.length < needed) this.rows = new Int32Array(Math.min(this.rowCap, needed * 2));
  }

  /** Breadth-first failure links, dictionary links and report flags. */
  private linkFailures(edges: Map<number, number>, states: number): void {
    const nc = this.classes;
    const queue = new Int32Array(states);
    let head = 0;
    let tail = 0;
    for (let e = this.edgeStart[0]; e < this.edgeStart[1]; e++) queue[tail++] = this.edgeTo[e];
    while (head < tail) {
      const u = queue[head++];
      for (let e = this.edgeStart[u]; e < this.edgeStart[u + 1]; e++) {
        const k = this.edgeCls[e];
        const v = this.edgeTo[e];
        let f = this.fail[u];
        let to = edges.get(f * nc + k);
        while (to === undefined && f !== 0) {
          f = this.fail[f];
          to = edges.get(f * nc + k);
        }
        this.fail[v] = to ?? 0;
        queue[tail++] = v;
      }
    }
    for (let i = 0; i < tail; i++) {
      const v = queue[i];
      const f = this.fail[v];
      this.dict[v] = this.outStart[f] < this.outStart[f + 1] ? f : this.dict[f];
      this.reports[v] = this.outStart[v] < this.outStart[v + 1] || this.dict[v] >= 0 ? 1 : 0;
    }
  }
}

interface Trie<T> {
  /** (state * classes + class) -> child state. */
  edges: Map<number, number>;
  depth: number[];
  out: Map<number, T[]>;
}

function buildTrie<T>(entries: Array<Output<T>>, classOf: Map<number, number>, nc: number): Trie<T> {
  const edges = new Map<number, number>();
  const depth = [0];
  const out = new Map<number, T[]>();
  for (const e of entries) {
    let st = 0;
    for (let i = 0; i < e.lit.length; i++) {
      const key = st * nc + (classOf.get(e.lit.charCodeAt(i)) as number);
      let next = edges.get(key);
      if (next === undefined) {
        next = depth.length;
        depth.push(i + 1);
        edges.set(key, next);
      }
      st = next;
    }
    const list = out.get(st);
    if (list) list.push(e.value);
    else out.set(st, [e.value]);
  }
  return { edges, depth, out };
}

function compactEdges(edges: Map<number, number>, states: number, nc: number): { edgeStart: Int32Array; edgeCls: Uint16Array; edgeTo: Int32Array } {
  const edgeStart = new Int32Array(states + 1);
  for (const key of edges.keys()) edgeStart[Math.floor(key / nc) + 1]++;
  for (let s = 0; s < states; s++) edgeStart[s + 1] += edgeStart[s];
  const fill = edgeStart.slice(0, states);
  const edgeCls = new Uint16Array(edges.size);
  const edgeTo = new Int32Array(edges.size);
  for (const [key, to] of edges) {
    const s = Math.floor(key / nc);
    const at = fill[s]++;
    edgeCls[at] = key - s * nc;
    edgeTo[at] = to;
  }
  return { edgeStart, edgeCls, edgeTo };
}
