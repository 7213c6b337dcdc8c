/**
 * The modifier registry: one entry per Sigma modifier word, applied left to right to the
 * values of one field specification. An unknown word fails here and only here.
 */
import { SigmaRuleError } from './types';
import { ANY, type Part, hasWildcards, literalText, normalizeParts, parsePattern, wrapParts } from './values';

/**
 * `group`: index of the value as written. Expanding modifiers (windash, base64offset, expand)
 * turn one written value into alternatives of the same group: `all` needs every group, any
 * alternative within it.
 */
export type RuleValue = { group: number } & (
  /** `forceCased`: produced by an encoding (base64 ...), whose text is case-significant. */
  | { kind: 'str'; parts: Part[]; raw: string; forceCased?: boolean }
  | { kind: 'bytes'; buf: Buffer; raw: string }
  | { kind: 'num'; n: number; raw: string }
  | { kind: 'bool'; b: boolean; raw: string }
  | { kind: 'null'; raw: string }
);

export type MatchKind = 'default' | 're' | 'cidr' | 'exists' | 'lt' | 'lte' | 'gt' | 'gte' | 'fieldref';

export interface ValueState {
  field: string;
  values: RuleValue[];
  match: MatchKind;
  /** `all`: every value must match instead of any. */
  all: boolean;
  cased: boolean;
  /** `neq`: the field is present and matches none of the values. */
  negate: boolean;
  /**
   * `fieldref` followed by startswith/endswith/contains: wildcards around the referenced value,
   * as pySigma's SigmaFieldReference.starts_with (any after) and ends_with (any before).
   */
  refWild: { before: boolean; after: boolean };
  reFlags: Set<'i' | 'm' | 's'>;
}

export interface ModifierOptions {
  placeholders?: Record<string, string[]>;
}

export type Modifier = (state: ValueState, opts: ModifierOptions) => void;

export function toRuleValue(v: unknown, group = 0): RuleValue {
  if (v === null || v === undefined) return { kind: 'null', raw: '', group };
  if (typeof v === 'string') return { kind: 'str', parts: parsePattern(v), raw: v, group };
  if (typeof v === 'number') return { kind: 'num', n: v, raw: String(v), group };
  if (typeof v === 'boolean') return { kind: 'bool', b: v, raw: v ? 'true' : 'false', group };
  throw new SigmaRuleError(`value of type ${Array.isArray(v) ? 'list inside a list' : typeof v} is not a Sigma value`);
}

/** Numbers and booleans used with string modifiers are taken as written. */
function asString(v: RuleValue, modifier: string): Extract<RuleValue, { kind: 'str' }> {
  if (v.kind === 'str') return v;
  if (v.kind === 'num' || v.kind === 'bool') return { kind: 'str', parts: parsePattern(v.raw), raw: v.raw, group: v.group };
  throw new SigmaRuleError(`modifier '${modifier}' cannot apply to ${v.kind === 'null' ? 'null' : 'a byte value'}`);
}

function mapStrings(state: ValueState, name: string, fn: (v: Extract<RuleValue, { kind: 'str' }>) => RuleValue[]): void {
  state.values = state.values.flatMap((v) => fn(asString(v, name)));
}

function wrap(before: boolean, after: boolean, name: string): Modifier {
  return (state) => {
    if (state.match === 'fieldref') {
      // pySigma sets flags on the reference and never clears one: contains = both sides.
      state.refWild.before ||= before;
      state.refWild.after ||= after;
      return;
    }
    requireDefault(state, name);
    mapStrings(state, name, (v) => [{ ...v, parts: wrapParts(v.parts, before, after) }]);
  };
}

function requireDefault(state: ValueState, name: string): void {
  if (state.match !== 'default') throw new SigmaRuleError(`modifier '${name}' cannot follow '${state.match}'`);
}

/** The bytes an encoding modifier works on: UTF-8 text unless a utf16 modifier ran before. */
function bytesOf(v: RuleValue, name: string): Buffer {
  if (v.kind === 'bytes') return v.buf;
  const s = asString(v, name);
  if (hasWildcards(s.parts)) throw new SigmaRuleError(`modifier '${name}' cannot encode a value with wildcards: ${s.raw}`);
  return Buffer.from(literalText(s.parts), 'utf8');
}

function encodedString(text: string, from: RuleValue): RuleValue {
  return { kind: 'str', parts: text ? [text] : [], raw: from.raw, forceCased: true, group: from.group };
}

const base64: Modifier = (state) => {
  state.values = state.values.map((v) => encodedString(bytesOf(v, 'base64').toString('base64'), v));
};

/** The three encodings of a value at every byte offset mod 3, as pySigma builds them. */
export function base64Offsets(buf: Buffer): string[] {
  const start = [0, 2, 3];
  const end = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, 0x20), buf]).toString('base64');
    out.push(enc.slice(start[i], end[(buf.length + i) % 3]));
  }
  return out;
}

const base64offset: Modifier = (state) => {
  state.values = state.values.flatMap((v) => base64Offsets(bytesOf(v, 'base64offset')).map((s) => encodedString(s, v)));
};

function utf16(name: string, encode: (s: string) => Buffer): Modifier {
  return (state) => {
    state.values = state.values.map((v) => {
      const s = asString(v, name);
      if (hasWildcards(s.parts)) throw new SigmaRuleError(`modifier '${name}' cannot encode a value with wildcards: ${s.raw}`);
      return { kind: 'bytes', buf: encode(literalText(s.parts)), raw: v.raw, group: v.group };
    });
  };
}

function utf16be(s: string): Buffer {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) {
    const t = le[i];
    le[i] = le[i + 1];
    le[i + 1] = t;
  }
  return le;
}

/** Dash variants the Sigma spec lists for windash: hyphen, slash, en dash, em dash, horizontal bar. */
export const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'];
const MAX_WINDASH_DASHES = 5;
const WORD = /[\p{L}\p{N}_]/u;

/** Positions (part index, char index) of option dashes: `\B[-/]\b` as pySigma matches them. */
function windashPositions(parts: Part[]): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  parts.forEach((p, pi) => {
    if (typeof p !== 'string') return;
    for (let j = 0; j < p.length; j++) {
      if (p[j] !== '-' && p[j] !== '/') continue;
      const prevWord = j > 0 && WORD.test(p[j - 1]);
      const nextWord = j + 1 < p.length && WORD.test(p[j + 1]);
      if (!prevWord && nextWord) found.push([pi, j]);
    }
  });
  return found;
}

const windash: Modifier = (state) => {
  requireDefault(state, 'windash');
  mapStrings(state, 'windash', (v) => {
    const positions = windashPositions(v.parts);
    if (positions.length === 0) return [v];
    if (positions.length > MAX_WINDASH_DASHES) {
      throw new SigmaRuleError(`modifier 'windash': too many dashes in ${v.raw}`);
    }
    let variants: Part[][] = [v.parts];
    for (const [pi, j] of positions) {
      variants = variants.flatMap((parts) =>
        WINDASH_CHARS.map((ch) => {
          const copy = parts.slice();
          const p = copy[pi] as string;
          copy[pi] = p.slice(0, j) + ch + p.slice(j + 1);
          return copy;
        }),
      );
    }
    return variants.map((parts) => ({ ...v, parts }));
  });
};

const PLACEHOLDER = /%([A-Za-z0-9_.-]+)%/;

const expand: Modifier = (state, opts) => {
  mapStrings(state, 'expand', (v) => expandParts(v.parts, opts.placeholders ?? {}).map((parts) => ({ ...v, parts })));
};

/** Replace `%name%` inside literal parts by each configured value (cartesian over several). */
function expandParts(parts: Part[], map: Record<string, string[]>): Part[][] {
  const idx = parts.findIndex((p) => typeof p === 'string' && PLACEHOLDER.test(p));
  if (idx < 0) return [parts];
  const lit = parts[idx] as string;
  const m = PLACEHOLDER.exec(lit) as RegExpExecArray;
  const values = map[m[1]];
  if (!values || values.length === 0) throw new SigmaRuleError(`unsupported: placeholder %${m[1]}% not configured`);
  const before = lit.slice(0, m.index);
  const after = lit.slice(m.index + m[0].length);
  return values.flatMap((val) => {
    const replaced = normalizeParts([...parts.slice(0, idx), before, ...parsePattern(val), after, ...parts.slice(idx + 1)]);
    return expandParts(replaced, map);
  });
}

function setMatch(kind: MatchKind): Modifier {
  return (state) => {
    requireDefault(state, kind);
    // Only plain values and field references can be negated (see `neq` below).
    if (state.negate && kind !== 'fieldref') throw new SigmaRuleError(`modifier '${kind}' cannot follow 'neq'`);
    state.match = kind;
  };
}

function reFlag(flag: 'i' | 'm' | 's', name: string): Modifier {
  return (state) => {
    if (state.match !== 're') throw new SigmaRuleError(`modifier '${name}' needs 're' before it`);
    state.reFlags.add(flag);
  };
}

const contains = wrap(true, true, 'contains');

/** Every modifier word Sigma v2 defines (plus pySigma's long flag names). */
export const MODIFIERS: Readonly<Record<string, Modifier>> = Object.freeze({
  contains,
  startswith: wrap(false, true, 'startswith'),
  endswith: wrap(true, false, 'endswith'),
  all: (state) => {
    state.all = true;
  },
  cased: (state) => {
    state.cased = true;
  },
  re: setMatch('re'),
  i: reFlag('i', 'i'),
  ignorecase: reFlag('i', 'ignorecase'),
  m: reFlag('m', 'm'),
  multiline: reFlag('m', 'multiline'),
  s: reFlag('s', 's'),
  dotall: reFlag('s', 'dotall'),
  base64,
  base64offset,
  utf16le: utf16('utf16le', (s) => Buffer.from(s, 'utf16le')),
  wide: utf16('wide', (s) => Buffer.from(s, 'utf16le')),
  utf16be: utf16('utf16be', utf16be),
  utf16: utf16('utf16', (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])),
  windash,
  cidr: setMatch('cidr'),
  exists: setMatch('exists'),
  lt: setMatch('lt'),
  lte: setMatch('lte'),
  gt: setMatch('gt'),
  gte: setMatch('gte'),
  fieldref: setMatch('fieldref'),
  expand,
  /*
   * The specification contradicts itself on `neq`: the modifiers appendix (v2.1.0) lists it as a
   * generic modifier for strings and numbers that combines with `fieldref`, and again under
   * "Numeric Modifiers" as numeric only. pySigma, the reference, first shipped it as
   * SigmaNotEqualModifier, a SigmaCompareModifier (sigma/modifiers.py): it only takes a number and
   * becomes `field != n`, which a backend only matches when the field is present. Later pySigma
   * versions make it a general negation of the detection item (SigmaNegateModifier), for strings
   * too. We follow that: a general not-equal over strings, numbers and field references, with the
   * present-field reading of `!=` (a missing field is not "different"), so numeric rules behave as
   * pySigma's `!=` does. Negating the other match kinds (re, cidr, lt ..., exists) is a load error
   * rather than a silently unnegated match.
   */
  neq: (state) => {
    if (state.match !== 'fieldref') requireDefault(state, 'neq');
    state.negate = true;
  },
});

/** Parse `Field|mod1|mod2` and run the modifier chain over the values. */
export function applyModifiers(key: string, rawValues: unknown[], opts: ModifierOptions): ValueState {
  const [field, ...mods] = key.split('|');
  const state: ValueState = {
    field,
    values: rawValues.map((v, i) => toRuleValue(v, i)),
    match: 'default',
    all: false,
    cased: false,
    negate: false,
    refWild: { before: false, after: false },
    reFlags: new Set(),
  };
  for (const mod of mods) {
    const fn = Object.prototype.hasOwnProperty.call(MODIFIERS, mod) ? MODIFIERS[mod] : undefined;
    if (!fn) throw new SigmaRuleError(`unknown modifier '${mod}' in '${key}'`);
    fn(state, opts);
  }
  return state;
}

export { ANY };
