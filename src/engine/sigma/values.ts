/**
 * Sigma string values: wildcards (`*`, `?`) and escapes, as in pySigma's SigmaString.
 * A value is parsed once into parts; every transforming modifier works on parts, and the
 * compiler turns the final parts into one matcher closure over the (lowercased) event string.
 */

export type Part = string | typeof ANY | typeof ONE;
export const ANY = Symbol('*');
export const ONE = Symbol('?');

/** A parsed Sigma string. `cased` values compare case-sensitively. */
export interface SigmaPattern {
  parts: Part[];
  cased: boolean;
}

/**
 * Parse a value as written in YAML: `\*`, `\?`, `\\` are escapes; a backslash before any
 * other character (Windows paths) is a literal backslash.
 */
export function parsePattern(text: string): Part[] {
  const parts: Part[] = [];
  let lit = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        lit += next;
        i++;
      } else {
        lit += c;
      }
      continue;
    }
    if (c === '*' || c === '?') {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(c === '*' ? ANY : ONE);
      continue;
    }
    lit += c;
  }
  if (lit) parts.push(lit);
  return normalizeParts(parts);
}

/** Merge adjacent literals and collapse repeated `*`. */
export function normalizeParts(parts: Part[]): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string') {
      if (p === '') continue;
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else if (!(p === ANY && last === ANY)) {
      out.push(p);
    }
  }
  return out;
}

export function hasWildcards(parts: Part[]): boolean {
  return parts.some((p) => typeof p !== 'string');
}

/** The plain text of a wildcard-free pattern. */
export function literalText(parts: Part[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p === ANY ? '*' : '?')).join('');
}

/** Readable form with wildcards, for messages. */
export function describeParts(parts: Part[]): string {
  return literalText(parts);
}

/** Literal fragments between wildcards: every one must occur in a matching value. */
export function literalFragments(parts: Part[]): string[] {
  return parts.filter((p): p is string => typeof p === 'string');
}

export type StringTest = (s: string) => boolean;

/**
 * Compile parts into a test over a string. The caller passes the lowercased event string for
 * case-insensitive patterns (and lowercases the pattern via `lowerParts`).
 */
export function compileParts(parts: Part[]): StringTest {
  const n = parts.length;
  if (n === 0) return (s) => s === '';
  if (n === 1) {
    const p = parts[0];
    if (typeof p === 'string') return (s) => s === p;
    if (p === ANY) return () => true;
    return (s) => s.length === 1;
  }
  const first = parts[0];
  const last = parts[n - 1];
  if (n === 2) {
    if (first === ANY && typeof last === 'string') return (s) => s.endsWith(last);
    if (last === ANY && typeof first === 'string') return (s) => s.startsWith(first);
  }
  if (n === 3 && first === ANY && last === ANY && typeof parts[1] === 'string') {
    const mid = parts[1];
    return (s) => s.includes(mid);
  }
  return (s) => globMatch(parts, s);
}

/**
 * Linear-backtracking glob match (the classic two-pointer algorithm): `*` matches any run,
 * `?` one character. No regex, so no catastrophic backtracking on attacker-written values.
 */
export function globMatch(parts: Part[], s: string): boolean {
  let pi = 0;
  let si = 0;
  let starPi = -1;
  let starSi = 0;
  while (si <= s.length) {
    if (pi < parts.length) {
      const p = parts[pi];
      if (p === ANY) {
        starPi = pi++;
        starSi = si;
        continue;
      }
      if (p === ONE) {
        if (si < s.length) {
          pi++;
          si++;
          continue;
        }
      } else if (s.startsWith(p, si)) {
        pi++;
        si += p.length;
        continue;
      }
    } else if (si === s.length) {
      return true;
    }
    if (starPi < 0) return false;
    pi = starPi + 1;
    starSi++;
    si = starSi;
    if (si > s.length) return false;
  }
  return false;
}

export function lowerParts(parts: Part[]): Part[] {
  return parts.map((p) => (typeof p === 'string' ? p.toLowerCase() : p));
}

/** contains/startswith/endswith: add the wildcards pySigma adds (never doubled). */
export function wrapParts(parts: Part[], before: boolean, after: boolean): Part[] {
  const out = parts.slice();
  if (before && out[0] !== ANY) out.unshift(ANY);
  if (after && out[out.length - 1] !== ANY) out.push(ANY);
  return out;
}

// Captured once: hot paths should not look globals up (slow inside Jest's vm contexts).
const toNumber = Number;
const toStr = String;
const isFiniteNumber = Number.isFinite;

/** Canonical string view of a scalar event value; undefined for objects/null. */
export function scalarString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return isFiniteNumber(v) ? toStr(v) : undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  return undefined;
}

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The number an event value stands for: numbers and numeric strings. */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number') return isFiniteNumber(v) ? v : undefined;
  if (typeof v === 'string' && NUMERIC.test(v)) return toNumber(v);
  if (typeof v === 'bigint') return toNumber(v);
  return undefined;
}
