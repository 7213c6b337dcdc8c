/**
 * Compiles a rule's `detection` into one closure over an EventContext, plus a "need": a set of
 * (field, literal) atoms at least one of which provably occurs (lowercased) in every event the
 * rule can match. The prefilter uses needs to skip rules; a rule without a need always runs.
 */
import ipaddr from 'ipaddr.js';
import { type Cond, parseCondition } from './condition';
import type { EventContext, FieldValue } from './fields';
import { type ModifierOptions, type RuleValue, type ValueState, applyModifiers } from './modifiers';
import { literalMatcher } from './multimatch';
import { compileRegex, requiredLiterals } from './regex';
import { SigmaRuleError } from './types';
import {
  ANY,
  type Part,
  type StringTest,
  compileParts,
  hasWildcards,
  literalFragments,
  lowerParts,
  numericValue,
  wrapParts,
} from './values';

export type Predicate = (ctx: EventContext) => boolean;

/**
 * `field` null: any string of the event (keyword search). `lit` is lowercase. With `num` set the
 * atom means "a leaf of the field is this number" (numbers and numeric strings), not a substring.
 */
export interface Atom {
  field: string | null;
  lit: string;
  num?: number;
}

/** Atoms OR-ed: at least one holds in every event the (sub)expression matches. Empty = never matches. */
export type Clause = Atom[];

/**
 * Clauses AND-ed (a small CNF): every clause holds in every matching event. null = nothing known.
 * At most MAX_CLAUSES, the cheapest (most selective-looking) kept.
 */
export type Need = Clause[] | null;

const MAX_CLAUSES = 3;

export interface Compiled {
  match: Predicate;
  need: Need;
}

export interface CompileResult extends Compiled {
  warnings: string[];
  /** The search identifiers the condition uses, each compiled on its own (for explanations). */
  selections: Array<{ name: string; match: Predicate }>;
  /** Field names the detection reads. */
  fields: string[];
}

const NEVER: Predicate = () => false;
const ALWAYS: Predicate = () => true;

class DetectionCompiler {
  readonly warnings: string[] = [];
  readonly items = new Map<string, Compiled>();
  readonly fields = new Set<string>();

  constructor(
    private readonly detection: Record<string, unknown>,
    private readonly opts: ModifierOptions,
  ) {}

  compile(): Compiled {
    const cond = this.detection.condition;
    const texts = Array.isArray(cond) ? cond : [cond];
    if (texts.length === 0 || texts.some((t) => typeof t !== 'string' || t.trim() === '')) {
      throw new SigmaRuleError('detection.condition must be a non-empty string');
    }
    const identifiers = Object.keys(this.detection).filter((k) => k !== 'condition' && k !== 'timeframe');
    // A list of conditions (Sigma v1) means any of them, as pySigma turns each into its own query.
    const parts = (texts as string[]).map((t) => this.compileCond(parseCondition(t, identifiers)));
    // Identifiers the condition leaves unused are still checked: a broken one is a broken rule.
    for (const name of identifiers) this.item(name);
    return parts.length === 1 ? parts[0] : orOf(parts);
  }

  private item(name: string): Compiled {
    let c = this.items.get(name);
    if (!c) {
      c = this.compileItem(name, this.detection[name]);
      this.items.set(name, c);
    }
    return c;
  }

  private compileCond(c: Cond): Compiled {
    switch (c.t) {
      case 'id':
        return this.item(c.name);
      case 'and':
        return andOf(c.items.map((x) => this.compileCond(x)));
      case 'or':
        return orOf(c.items.map((x) => this.compileCond(x)));
      case 'not': {
        const inner = this.compileCond(c.item).match;
        return { match: (ctx) => !inner(ctx), need: null };
      }
      case 'const':
        return c.value ? { match: ALWAYS, need: null } : { match: NEVER, need: [[]] };
    }
  }

  /** A search identifier: a map (AND of fields), a list (OR of maps / keywords) or a keyword. */
  private compileItem(name: string, def: unknown): Compiled {
    if (def === null || def === undefined) throw new SigmaRuleError(`detection '${name}' is empty`);
    if (Array.isArray(def)) {
      if (def.length === 0) throw new SigmaRuleError(`detection '${name}' is an empty list`);
      const maps = def.filter(isPlainObject);
      const keywords = def.filter((x) => !isPlainObject(x));
      const alts = maps.map((m) => this.compileMap(name, m));
      if (keywords.length > 0) alts.push(this.compileFieldSpec('', keywords));
      return orOf(alts);
    }
    if (isPlainObject(def)) return this.compileMap(name, def);
    return this.compileFieldSpec('', [def]);
  }

  private compileMap(name: string, map: Record<string, unknown>): Compiled {
    const entries = Object.entries(map);
    if (entries.length === 0) throw new SigmaRuleError(`detection '${name}' has an empty map`);
    return andOf(
      entries.map(([key, value]) => {
        if (isPlainObject(value)) throw new SigmaRuleError(`detection '${name}': field '${key}' has a nested map value`);
        return this.compileFieldSpec(key, Array.isArray(value) ? value : [value]);
      }),
    );
  }

  /** `Field|mods: values`; an empty field name is a keyword search over every string of the event. */
  private compileFieldSpec(key: string, values: unknown[]): Compiled {
    if (values.some((v) => Array.isArray(v) || isPlainObject(v))) {
      throw new SigmaRuleError(`field '${key}': nested lists or maps are not Sigma values`);
    }
    const state = applyModifiers(key, values, this.opts);
    if (state.field === '') return this.compileKeywords(state);
    return this.compileField(state);
  }

  private compileKeywords(state: ValueState): Compiled {
    if (state.match !== 'default' && state.match !== 're') {
      throw new SigmaRuleError(`keyword search cannot use '${state.match}'`);
    }
    if (state.match === 'default') {
      // Keywords are full-text terms: they match inside any string of the event.
      state.values = state.values.map(asKeywordTerm);
    }
    // Each value searches the original strings (regex, cased, encoded) or the lowercased ones.
    const tests: Predicate[] = state.values.map((v) => {
      const t = this.stringTest(v, state);
      if (state.match === 're' || isCased(v, state)) return (ctx) => ctx.allStrings().some(t);
      return (ctx) => ctx.allLows().some(t);
    });
    const need = this.valuesNeed(null, state);
    if (state.all) {
      const groups = byGroup(state.values, tests);
      return { match: (ctx) => groups.every((g) => g.some((t) => t(ctx))), need };
    }
    return { match: tests.length === 1 ? tests[0] : (ctx) => tests.some((t) => t(ctx)), need };
  }

  /** One string test; case-insensitive tests expect the lowercased string. */
  private stringTest(v: RuleValue, state: ValueState): StringTest {
    if (state.match === 're') {
      if (v.kind !== 'str') throw new SigmaRuleError(`'re' needs a string value`);
      const re = compileRegex(v.raw, state.reFlags);
      if (re.warning) this.warnings.push(re.warning);
      return re.test;
    }
    if (v.kind === 'bytes') return compileParts([v.buf.toString('latin1')]);
    if (v.kind !== 'str') throw new SigmaRuleError(`value ${v.raw} cannot be used here`);
    return compileParts(isCased(v, state) ? v.parts : lowerParts(v.parts));
  }

  private compileField(state: ValueState): Compiled {
    const name = state.field;
    this.fields.add(name);
    if (state.match === 'fieldref') for (const v of state.values) this.fields.add(v.raw);
    const match = this.fieldPredicate(state);
    return { match, need: state.negate ? null : this.valuesNeed(name, state) };
  }

  private fieldPredicate(state: ValueState): Predicate {
    const name = state.field;
    switch (state.match) {
      case 'exists': {
        if (state.values.length !== 1) throw new SigmaRuleError(`'exists' takes one boolean`);
        const v = state.values[0];
        const want = v.kind === 'bool' ? v.b : v.kind === 'str' ? parseBool(v.raw) : undefined;
        if (want === undefined) throw new SigmaRuleError(`'exists' takes true or false, not ${v.raw}`);
        return (ctx) => ctx.get(name).present === want;
      }
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        return this.combine(state, state.values.map((v) => compareTest(state.match, v)));
      case 'cidr':
        return this.combine(state, state.values.map((v) => cidrTest(v)));
      case 'fieldref':
        return negatedFieldref(this.combine(state, state.values.map((v) => fieldrefTest(v, state))), state);
      case 're': {
        const tests = state.values.map((v) => this.stringTest(v, state));
        return this.combine(
          state,
          tests.map((t) => (fv: FieldValue) => fv.strs.some(t)),
        );
      }
      case 'default':
        return this.defaultPredicate(state);
    }
  }

  private defaultPredicate(state: ValueState): Predicate {
    const name = state.field;
    const stringVals = state.values.filter((v) => v.kind === 'str' || v.kind === 'bytes');
    const others = state.values.filter((v) => v.kind !== 'str' && v.kind !== 'bytes');
    const otherTests = others.map((v) => scalarTest(v));
    let pred: Predicate;
    if (state.all) {
      const tests = state.values.map((v) => (v.kind === 'str' || v.kind === 'bytes' ? this.leafStringTest(v, state) : scalarTest(v)));
      const groups = byGroup(state.values, tests);
      pred = (ctx) => {
        const fv = ctx.get(name);
        for (const g of groups) if (!g.some((t) => t(fv, ctx))) return false;
        return groups.length > 0;
      };
    } else {
      // Any-of over string values: one grouped test per case mode (sets, suffix lists, ...).
      const lowered = stringVals.filter((v) => !isCased(v, state));
      const cased = stringVals.filter((v) => isCased(v, state));
      const tests: FieldTest[] = [...otherTests];
      if (lowered.length > 0) {
        const t = groupedTest(lowered.map((v) => lowerParts(partsOf(v))));
        tests.push((fv, ctx) => ctx.lowsOf(fv).some(t));
      }
      if (cased.length > 0) {
        const t = groupedTest(cased.map(partsOf));
        tests.push((fv) => fv.strs.some(t));
      }
      const any = tests.length === 1 ? tests[0] : (fv: FieldValue, ctx: EventContext) => tests.some((t) => t(fv, ctx));
      pred = (ctx) => any(ctx.get(name), ctx);
    }
    if (!state.negate) return pred;
    return (ctx) => ctx.get(name).present && !pred(ctx);
  }

  private leafStringTest(v: RuleValue, state: ValueState): FieldTest {
    const t = this.stringTest(v, state);
    if (isCased(v, state)) return (fv) => fv.strs.some(t);
    return (fv, ctx) => ctx.lowsOf(fv).some(t);
  }

  /** `tests` are aligned with `state.values`. */
  private combine(state: ValueState, tests: FieldTest[]): Predicate {
    const name = state.field;
    if (state.all) {
      const groups = byGroup(state.values, tests);
      return (ctx) => {
        const fv = ctx.get(name);
        return groups.every((g) => g.some((t) => t(fv, ctx)));
      };
    }
    return (ctx) => {
      const fv = ctx.get(name);
      return tests.some((t) => t(fv, ctx));
    };
  }

  /**
   * Necessary literals of one field spec: one clause (any value), or with `all` one clause per
   * written value (its expansions OR-ed); a value without a literal gives no clause.
   */
  private valuesNeed(field: string | null, state: ValueState): Need {
    if ((state.match !== 'default' && state.match !== 're') || state.negate) return null;
    const atoms = state.values.map((v) => (state.match === 're' ? regexAtom(field, v, state) : valueAtom(field, v, state)));
    if (!state.all) return atoms.every((a) => a !== null) ? [dedupe(atoms as Atom[])] : null;
    const clauses = byGroup(state.values, atoms)
      .filter((g) => g.every((a) => a !== null))
      .map((g) => dedupe(g as Atom[]));
    return clauses.length > 0 ? bestClauses(clauses) : null;
  }
}

type FieldTest = (fv: FieldValue, ctx: EventContext) => boolean;

/** Items aligned with values, gathered by the written value they came from (in order). */
function byGroup<T>(values: RuleValue[], items: T[]): T[][] {
  const groups = new Map<number, T[]>();
  values.forEach((v, i) => {
    const g = groups.get(v.group);
    if (g) g.push(items[i]);
    else groups.set(v.group, [items[i]]);
  });
  return [...groups.values()];
}

/** A keyword is a full-text term: it matches inside any string (numbers as written). */
function asKeywordTerm(v: RuleValue): RuleValue {
  if (v.kind === 'str') return { ...v, parts: wrapParts(v.parts, true, true) };
  if (v.kind === 'num' || v.kind === 'bool') return { kind: 'str', parts: [ANY, v.raw, ANY], raw: v.raw, group: v.group };
  return v;
}

function partsOf(v: RuleValue): Part[] {
  if (v.kind === 'bytes') return [v.buf.toString('latin1')];
  if (v.kind === 'str') return v.parts;
  return [v.raw];
}

function isCased(v: RuleValue, state: ValueState): boolean {
  return state.cased || (v.kind === 'str' && v.forceCased === true) || v.kind === 'bytes';
}

/** Many values of one field OR-ed: exact values go to a Set, the rest are tried in turn. */
function groupedTest(all: Part[][]): StringTest {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  const prefixes: string[] = [];
  const infixes: string[] = [];
  const rest: StringTest[] = [];
  for (const parts of all) {
    if (!hasWildcards(parts)) exact.add(parts.length === 0 ? '' : (parts[0] as string));
    else if (parts.length === 2 && parts[0] === ANY && typeof parts[1] === 'string') suffixes.push(parts[1]);
    else if (parts.length === 2 && parts[1] === ANY && typeof parts[0] === 'string') prefixes.push(parts[0]);
    else if (parts.length === 3 && parts[0] === ANY && parts[2] === ANY && typeof parts[1] === 'string') infixes.push(parts[1]);
    else rest.push(compileParts(parts));
  }
  const tests: StringTest[] = [];
  if (exact.size > 0) tests.push((s) => exact.has(s));
  if (suffixes.length > 0) tests.push(affixTest(suffixes, 'end'));
  if (prefixes.length > 0) tests.push(affixTest(prefixes, 'start'));
  if (infixes.length > 0) tests.push(infixTest(infixes));
  return anyOf([...tests, ...rest]);
}

/** Lists at least this long are looked up by length (affixes) or found in one pass (infixes). */
const LONG_LIST = 8;

/**
 * Any of `affixes` at the end (or start) of a string. A long list (SigmaHQ filters name hundreds of
 * DLLs or folders) is grouped by length: one set lookup per distinct length, not one comparison each.
 */
function affixTest(affixes: string[], at: 'start' | 'end'): StringTest {
  if (affixes.length < LONG_LIST) {
    return at === 'end' ? (s) => affixes.some((a) => s.endsWith(a)) : (s) => affixes.some((a) => s.startsWith(a));
  }
  const byLength = new Map<number, Set<string>>();
  for (const a of affixes) {
    const set = byLength.get(a.length);
    if (set) set.add(a);
    else byLength.set(a.length, new Set([a]));
  }
  const lengths = [...byLength.keys()].sort((x, y) => x - y);
  const sets = lengths.map((n) => byLength.get(n) as Set<string>);
  return (s) => {
    for (let i = 0; i < lengths.length; i++) {
      const n = lengths[i];
      if (n > s.length) return false;
      if (sets[i].has(at === 'end' ? s.slice(s.length - n) : s.slice(0, n))) return true;
    }
    return false;
  };
}

/**
 * Any of `infixes` inside a string. A long ASCII list is searched in one pass of a literal matcher
 * (it folds case, so it may report a literal that is not there but never misses one), each report checked.
 */
function infixTest(infixes: string[]): StringTest {
  // ASCII only: the matcher's folding of other characters is exact for ASCII literals alone.
  if (infixes.length < LONG_LIST || infixes.some((x) => x === '' || !isAscii(x))) return (s) => infixes.some((x) => s.includes(x));
  const matcher = literalMatcher(infixes.map((x, i) => ({ value: i, lit: x.toLowerCase() })));
  let subject = '';
  let found = false;
  const check = (i: number): void => {
    if (!found && subject.includes(infixes[i])) found = true;
  };
  return (s) => {
    subject = s;
    found = false;
    matcher.scan(s, check);
    subject = '';
    return found;
  };
}

function anyOf(tests: StringTest[]): StringTest {
  if (tests.length === 1) return tests[0];
  return (s) => {
    for (const t of tests) if (t(s)) return true;
    return false;
  };
}

function parseBool(s: string): boolean | undefined {
  const l = s.toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : undefined;
}

/** null: absent or null. Numbers: numbers and numeric strings. YAML booleans: booleans and "true"/"false". */
function scalarTest(v: RuleValue): FieldTest {
  if (v.kind === 'null') return (fv) => !fv.present;
  if (v.kind === 'num') return (fv) => fv.leaves.some((l) => numericValue(l) === v.n);
  if (v.kind === 'bool') {
    return (fv) => fv.leaves.some((l) => l === v.b || (typeof l === 'string' && parseBool(l) === v.b));
  }
  throw new SigmaRuleError(`unexpected value ${v.raw}`);
}

function compareTest(kind: ValueState['match'], v: RuleValue): FieldTest {
  const n = v.kind === 'num' ? v.n : v.kind === 'str' ? numericValue(v.raw) : undefined;
  if (n === undefined) throw new SigmaRuleError(`'${kind}' needs a number, not ${v.raw}`);
  const cmp =
    kind === 'lt' ? (x: number) => x < n : kind === 'lte' ? (x: number) => x <= n : kind === 'gt' ? (x: number) => x > n : (x: number) => x >= n;
  return (fv) =>
    fv.leaves.some((l) => {
      const x = numericValue(l);
      return x !== undefined && cmp(x);
    });
}

type IpAddr = ipaddr.IPv4 | ipaddr.IPv6;

function cidrTest(v: RuleValue): FieldTest {
  if (v.kind !== 'str') throw new SigmaRuleError(`'cidr' needs a network, not ${v.raw}`);
  let range: [IpAddr, number];
  try {
    range = v.raw.includes('/') ? ipaddr.parseCIDR(v.raw) : [ipaddr.parse(v.raw), v.raw.includes(':') ? 128 : 32];
  } catch {
    throw new SigmaRuleError(`'cidr': invalid network ${v.raw}`);
  }
  const [net, bits] = range;
  const kind = net.kind();
  return (fv) =>
    ipsOf(fv).some((ip) => {
      if (ip.kind() === kind) return ip.match(net, bits);
      // An IPv4 network also holds IPv4-mapped IPv6 addresses (::ffff:10.0.0.1).
      if (kind === 'ipv4' && ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
        return (ip as ipaddr.IPv6).toIPv4Address().match(net, bits);
      }
      return false;
    });
}

function ipsOf(fv: FieldValue): IpAddr[] {
  if (!fv.present) return [];
  const memo = fv.memo ?? (fv.memo = new Map());
  let ips = memo.get('ip') as IpAddr[] | undefined;
  if (!ips) {
    ips = [];
    for (const s of fv.strs) {
      const ip = parsedIp(s);
      if (ip !== null) ips.push(ip);
    }
    memo.set('ip', ips);
  }
  return ips;
}

/** Addresses repeat across events and parsing one costs microseconds: each distinct string is parsed once. */
const parsedIps = new Map<string, IpAddr | null>();
const PARSED_IPS_MAX = 8192;

function parsedIp(s: string): IpAddr | null {
  let ip = parsedIps.get(s);
  if (ip !== undefined) return ip;
  const t = s.trim();
  const bare = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
  ip = ipaddr.isValid(bare) ? ipaddr.parse(bare) : null;
  if (parsedIps.size >= PARSED_IPS_MAX) parsedIps.clear();
  parsedIps.set(s, ip);
  return ip;
}

/**
 * `fieldref`: the field equals the value of the named field, case-insensitively unless `cased`.
 * After startswith/endswith/contains the named field's value is a prefix, suffix or substring of
 * the field's value (pySigma's SigmaFieldReference starts_with/ends_with; contains sets both).
 */
function fieldrefTest(v: RuleValue, state: ValueState): FieldTest {
  if (v.kind !== 'str' || hasWildcards(v.parts)) {
    throw new SigmaRuleError(`'fieldref' needs a plain field name, not ${v.raw} (startswith, endswith, contains go after fieldref)`);
  }
  const other = v.raw;
  const cased = state.cased;
  const relate = refRelation(state.refWild);
  return (fv, ctx) => {
    const ov = ctx.get(other);
    if (!fv.present || !ov.present) return false;
    const mine = cased ? fv.strs : ctx.lowsOf(fv);
    const theirs = cased ? ov.strs : ctx.lowsOf(ov);
    if (!relate) {
      const set = new Set(theirs);
      return mine.some((s) => set.has(s));
    }
    return mine.some((s) => theirs.some((t) => relate(s, t)));
  };
}

function refRelation(wild: ValueState['refWild']): ((mine: string, theirs: string) => boolean) | null {
  if (wild.before && wild.after) return (s, t) => s.includes(t);
  if (wild.after) return (s, t) => s.startsWith(t);
  if (wild.before) return (s, t) => s.endsWith(t);
  return null;
}

/** `fieldref|neq`: both fields present and the field relates to none of the referenced values. */
function negatedFieldref(pred: Predicate, state: ValueState): Predicate {
  if (!state.negate) return pred;
  const others = state.values.map((v) => v.raw);
  return (ctx) => ctx.get(state.field).present && others.every((o) => ctx.get(o).present) && !pred(ctx);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * The longest literal fragment of a string value, lowercased. Sound for case-insensitive values
 * (the matcher compares lowercased pattern and value). For case-sensitive values only ASCII
 * fragments are used: their lowercase form provably occurs in the lowercased event string.
 */
function valueAtom(field: string | null, v: RuleValue, state: ValueState): Atom | null {
  let frags: string[];
  if (v.kind === 'num') return field === null ? null : { field, lit: v.raw, num: v.n };
  if (v.kind === 'str') frags = literalFragments(v.parts);
  else if (v.kind === 'bytes') frags = [v.buf.toString('latin1')];
  else return null;
  let best = '';
  for (const f of frags) if (f.length > best.length) best = f;
  if (best === '') return null;
  // Keyword atoms are searched in one lowercased haystack (EventContext.allJoined): ASCII only.
  if ((isCased(v, state) || field === null) && !isAscii(best)) return null;
  return { field, lit: best.toLowerCase() };
}

function regexAtom(field: string | null, v: RuleValue, state: ValueState): Atom | null {
  if (v.kind !== 'str') return null;
  let best = '';
  for (const lit of requiredLiterals(v.raw, state.reFlags)) if (lit.length > best.length) best = lit;
  return best ? { field, lit: best } : null;
}

export function atomCost(a: Atom): number {
  return 1 + 8 / a.lit.length;
}

export function clauseCost(c: Clause): number {
  let cost = 0;
  for (const a of c) cost += atomCost(a);
  return cost;
}

function atomKey(a: Atom): string {
  return `${a.field ?? ''}\u0000${a.num !== undefined ? '#' : ''}${a.lit}`;
}

function clauseKey(c: Clause): string {
  return c.length === 1 ? atomKey(c[0]) : c.map(atomKey).sort().join('\u0001');
}

function dedupe(atoms: Atom[]): Atom[] {
  if (atoms.length < 2) return atoms;
  const seen = new Set<string>();
  return atoms.filter((a) => {
    const k = atomKey(a);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Unique clauses, cheapest first, at most MAX_CLAUSES; an empty clause (never) wins outright. */
function bestClauses(clauses: Clause[]): Need {
  if (clauses.some((c) => c.length === 0)) return [[]];
  if (clauses.length === 1) return clauses;
  const seen = new Set<string>();
  const unique = clauses.filter((c) => {
    const k = clauseKey(c);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (unique.length === 0) return null;
  return unique.sort((a, b) => clauseCost(a) - clauseCost(b)).slice(0, MAX_CLAUSES);
}

export function andOf(parts: Compiled[]): Compiled {
  if (parts.length === 1) return parts[0];
  const need = bestClauses(parts.flatMap((p) => p.need ?? []));
  const fns = parts.map((p) => p.match);
  if (fns.length === 2) {
    const [a, b] = fns;
    return { match: (ctx) => a(ctx) && b(ctx), need };
  }
  return {
    match: (ctx) => {
      for (const f of fns) if (!f(ctx)) return false;
      return true;
    },
    need,
  };
}

/**
 * (A1 and A2) or (B1 and B2) implies (Ai or Bj) for every i and j. The need keeps up to MAX_CLAUSES of
 * those: the i-th clause joins each part's i-th best clause (its last one when it has fewer), so a
 * rule whose parts each need several literals is skipped unless one part's literals are all there.
 */
export function orOf(parts: Compiled[]): Compiled {
  if (parts.length === 1) return parts[0];
  const need: Need = parts.some((p) => p.need === null) ? null : disjunctionNeed(parts.map((p) => p.need as Clause[]));
  const fns = parts.map((p) => p.match);
  if (fns.length === 2) {
    const [a, b] = fns;
    return { match: (ctx) => a(ctx) || b(ctx), need };
  }
  return {
    match: (ctx) => {
      for (const f of fns) if (f(ctx)) return true;
      return false;
    },
    need,
  };
}

function disjunctionNeed(needs: Clause[][]): Need {
  let widest = 0;
  for (const n of needs) widest = Math.max(widest, n.length);
  const clauses: Clause[] = [];
  for (let i = 0; i < Math.min(widest, MAX_CLAUSES); i++) clauses.push(dedupe(needs.flatMap((n) => n[Math.min(i, n.length - 1)])));
  return bestClauses(clauses);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Compile a `detection` (or filter) section. Throws SigmaRuleError with the reason. */
export function compileDetection(detection: unknown, opts: ModifierOptions = {}): CompileResult {
  if (!isPlainObject(detection)) throw new SigmaRuleError('detection must be a map');
  const c = new DetectionCompiler(detection, opts);
  const out = c.compile();
  const selections = [...c.items].map(([name, item]) => ({ name, match: item.match }));
  return { ...out, warnings: c.warnings, selections, fields: [...c.fields] };
}
