/**
 * Regular expressions of the `re` modifier: RE2 (linear time, safe on attacker-written log
 * text) when the pattern compiles there; otherwise JS RegExp over a bounded input, reported
 * as a load warning because backtracking is then possible, and refused when the pattern nests
 * repetitions (exponential backtracking: no input bound makes that safe).
 */
import { type AST, RegExpParser } from '@eslint-community/regexpp';
import RE2 from 're2';
import { SigmaRuleError } from './types';

/** JS RegExp fallback only ever sees this many characters of a value. */
export const FALLBACK_INPUT_LIMIT = 4096;

export interface CompiledRegex {
  test: (s: string) => boolean;
  engine: 're2' | 'js';
  /** Why RE2 was not used (the warning text). */
  warning?: string;
}

/** `(?i)` / `(?s)` / `(?m)` prefixes (16 corpus rules) become flags: JS has no inline flags. */
export function splitInlineFlags(pattern: string): { source: string; flags: string } {
  const m = /^\(\?([imsx]+)\)/.exec(pattern);
  if (!m) return { source: pattern, flags: '' };
  return { source: pattern.slice(m[0].length), flags: m[1].replace(/x/g, '') };
}

export function compileRegex(pattern: string, flagSet: Iterable<string>): CompiledRegex {
  const inline = splitInlineFlags(pattern);
  const flags = [...new Set([...flagSet, ...inline.flags])].sort().join('');
  // No string shorter than the shortest possible match can match: skip the engine call.
  const min = minMatchLength(inline.source);
  try {
    const re = new RE2(inline.source, flags);
    const run = runTest(inline.source, flags);
    if (run) return { test: run, engine: 're2' };
    return { test: min > 0 ? (s) => s.length >= min && re.test(s) : (s) => re.test(s), engine: 're2' };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    let re: RegExp;
    try {
      re = new RegExp(inline.source, flags);
    } catch (jsError) {
      throw new SigmaRuleError(`invalid regex /${pattern}/: ${jsError instanceof Error ? jsError.message : String(jsError)}`);
    }
    const nested = nestedRepetition(inline.source, flags);
    if (nested !== undefined) {
      throw new SigmaRuleError(
        `unsupported: regex /${pattern}/ needs JS RegExp (RE2: ${reason}) and repeats '${nested}', which itself repeats: ` +
          'such a pattern can backtrack for minutes on one hostile value, so the rule is not loaded (rewrite it without the nested repetition)',
      );
    }
    return {
      test: (s) => s.length >= min && re.test(s.length > FALLBACK_INPUT_LIMIT ? s.slice(0, FALLBACK_INPUT_LIMIT) : s),
      engine: 'js',
      warning: `regex /${pattern}/ runs on JS RegExp with input bounded to ${FALLBACK_INPUT_LIMIT} chars (RE2: ${reason})`,
    };
  }
}

/**
 * The first repetition (`*`, `+`, `{n,}`, or a count over NESTED_MAX) whose body holds another such
 * repetition, as written; undefined when there is none. Nested repetition is what makes a backtracking
 * engine exponential (`(a+)+$` on `aaaa...!`): the JS fallback, which RE2 cannot stand in for, runs
 * only patterns without it. (Lookarounds and backreferences alone keep a bounded input polynomial.)
 */
export function nestedRepetition(source: string, flags: string): string | undefined {
  let ast: AST.Pattern;
  try {
    ast = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(source, 0, source.length, { unicode: flags.includes('u'), unicodeSets: flags.includes('v') });
  } catch {
    // The pattern compiled as a RegExp: a parser that disagrees must not let it through unchecked.
    return source;
  }
  return findNested(ast, false);
}

/** Repetitions with more iterations than this count as unbounded. */
const NESTED_MAX = 16;

type Node = AST.Node;

function children(node: Node): Node[] {
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return node.alternatives;
    case 'Assertion':
      return node.kind === 'lookahead' || node.kind === 'lookbehind' ? node.alternatives : [];
    case 'Alternative':
      return node.elements;
    case 'Quantifier':
      return [node.element];
    default:
      return [];
  }
}

function findNested(node: Node, insideRepetition: boolean): string | undefined {
  const repeats = node.type === 'Quantifier' && node.max > NESTED_MAX;
  if (repeats && insideRepetition) return node.raw;
  for (const child of children(node)) {
    const found = findNested(child, insideRepetition || repeats);
    if (found !== undefined) return repeats && !insideRepetition ? node.raw : found;
  }
  return undefined;
}

/** Counted repetitions at least this large are run scans: RE2 builds a state per count (tens of ms a call). */
const RUN_MIN_COUNT = 32;
const RUN_SHAPE = /^(\^?)(?:\((?:\?:)?(\.|\\[wWdDsS]|\[(?:[^\][\\]|\\.)+\])\)|(\.|\\[wWdDsS]|\[(?:[^\][\\]|\\.)+\]))\{(\d+)(,(\d*))?\}(\$?)$/;
/** Code points whose class membership is remembered, per pattern. */
const RUN_MEMO_MAX = 4096;

/**
 * A pattern that is one character class repeated {n,}, {n,m} or {n} times, n >= RUN_MIN_COUNT,
 * optionally anchored (`.{1000,}`, `[^/]{100,}$`): tested as "a run of at least n code points of
 * the class" (at the start, at the end, or the whole string for the anchors), which is what RE2
 * answers, in one linear pass. Class membership is RE2's own, asked once per distinct character.
 * Undefined for any other pattern (and with the m flag, where anchors mean lines).
 */
export function runTest(source: string, flags: string): ((s: string) => boolean) | undefined {
  const m = RUN_SHAPE.exec(source);
  if (!m || flags.includes('m')) return undefined;
  const atom = m[2] ?? m[3];
  const min = Number(m[4]);
  const max = m[5] === undefined ? min : m[6] === '' ? Infinity : Number(m[6]);
  if (min < RUN_MIN_COUNT || max < min) return undefined;
  const one = new RE2(`^(?:${atom})$`, flags);
  const known = new Map<number, boolean>();
  const inClass = (cp: number): boolean => {
    let yes = known.get(cp);
    if (yes === undefined) {
      yes = one.test(String.fromCodePoint(cp));
      if (known.size < RUN_MEMO_MAX) known.set(cp, yes);
    }
    return yes;
  };
  const start = m[1] === '^';
  const end = m[7] === '$';
  return (s) => {
    if (s.length < min) return false;
    let run = 0;
    for (let i = 0; i < s.length; i++) {
      const cp = s.codePointAt(i) as number;
      if (cp > 0xffff) i++;
      if (inClass(cp)) {
        run++;
        // Unanchored or `^` only: a long enough (leading) run is a match.
        if (!end && run >= min) return true;
        continue;
      }
      if (start) return false;
      run = 0;
    }
    // `run` is now the trailing run (the whole string when anchored at the start).
    return run >= min && (!(start && end) || run <= max);
  };
}

/** Escapes that match no character (assertions) or whose width is not one code point. */
const ZERO_WIDTH_ESCAPES = new Set(['b', 'B', 'A', 'z', 'Z', 'G', 'K']);
const UNSURE_ESCAPES = new Set(['Q', 'E', 'C', 'X', 'R', 'k', 'g']);

class Unsure extends Error {}

/**
 * A lower bound on the number of code points any match of `source` has (0 when unsure). A UTF-16
 * string shorter than this has fewer code points, so it cannot match: the test is skipped. Only
 * plain syntax counts (characters, classes, escapes, groups, alternation, quantifiers); anything
 * else (backreferences, \Q..\E, \C) makes the whole bound 0.
 */
export function minMatchLength(source: string): number {
  let i = 0;
  const atom = (): number => {
    const c = source[i];
    if (c === '(') {
      i++;
      if (source[i] === '?') {
        i++;
        if (source[i] === '=' || source[i] === '!' || (source[i] === '<' && (source[i + 1] === '=' || source[i + 1] === '!'))) {
          alternatives();
          expect(')');
          return 0;
        }
        // (?:..), (?P<name>..), (?<name>..), (?flags:..), (?flags)
        while (i < source.length && source[i] !== ':' && source[i] !== ')') {
          if (source[i] === '<' || source[i] === "'") {
            const close = source.indexOf(source[i] === '<' ? '>' : "'", i + 1);
            if (close < 0) throw new Unsure();
            i = close + 1;
            break;
          }
          i++;
        }
        if (source[i] === ')') {
          i++;
          return 0;
        }
        if (source[i] === ':') i++;
      }
      const n = alternatives();
      expect(')');
      return n;
    }
    if (c === '[') {
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < source.length && source[i] !== ']') {
        if (source[i] === '\\') i++;
        else if (source[i] === '[' && source[i + 1] === ':') {
          const close = source.indexOf(':]', i + 2);
          if (close < 0) throw new Unsure();
          i = close + 1;
        }
        i++;
      }
      expect(']');
      return 1;
    }
    if (c === '\\') {
      const n = source[i + 1];
      if (n === undefined || UNSURE_ESCAPES.has(n) || /[1-9]/.test(n)) throw new Unsure();
      i += 2;
      if (ZERO_WIDTH_ESCAPES.has(n)) return 0;
      if ((n === 'p' || n === 'P') && source[i] === '{') skipTo('}');
      else if (n === 'x' && source[i] === '{') skipTo('}');
      return 1;
    }
    if (c === '^' || c === '$') {
      i++;
      return 0;
    }
    if (c === ')' || c === '|' || c === undefined) throw new Unsure();
    // A surrogate pair is one code point.
    const code = source.charCodeAt(i);
    i += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    return 1;
  };
  const quantified = (): number => {
    const n = atom();
    const q = source[i];
    let min = n;
    if (q === '*' || q === '?') {
      i++;
      min = 0;
    } else if (q === '+') {
      i++;
    } else if (q === '{') {
      const m = /^\{(\d*)(,\d*)?\}/.exec(source.slice(i));
      if (m) {
        i += m[0].length;
        min = m[1] === '' ? 0 : n * Number(m[1]);
      }
    } else {
      return n;
    }
    if (source[i] === '?' || source[i] === '+') i++;
    return min;
  };
  const sequence = (): number => {
    let total = 0;
    while (i < source.length && source[i] !== '|' && source[i] !== ')') total += quantified();
    return total;
  };
  const alternatives = (): number => {
    let min = sequence();
    while (source[i] === '|') {
      i++;
      min = Math.min(min, sequence());
    }
    return min;
  };
  const expect = (ch: string): void => {
    if (source[i] !== ch) throw new Unsure();
    i++;
  };
  const skipTo = (ch: string): void => {
    const close = source.indexOf(ch, i);
    if (close < 0) throw new Unsure();
    i = close + 1;
  };
  try {
    const n = alternatives();
    return i === source.length && Number.isFinite(n) ? n : 0;
  } catch (e) {
    if (e instanceof Unsure) return 0;
    throw e;
  }
}

const SPECIAL_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'A', 'z', 'Z', 'p', 'P', 'x', 'u', 'c', 'k', 'Q', 'E', 'C', 'G', 'n', 'r', 't', 'f', 'v', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/**
 * Literal runs every match of the regex must contain, lowercased (prefilter atoms). Conservative:
 * any top-level alternation gives none; groups, classes, `.` and anchors end a run; a quantifier
 * that allows zero repetitions removes the character before it. Only ASCII runs are returned;
 * under the `i` flag RE2 folds `s`/`k` with `ſ`/`K` (not so after toLowerCase), so those
 * letters also end a run.
 */
export function requiredLiterals(pattern: string, flagSet: Iterable<string>): string[] {
  const { source, flags } = splitInlineFlags(pattern);
  if (/^\(\?[a-z]*x/.test(pattern)) return [];
  const ci = [...flagSet, ...flags].includes('i') || /\(\?[a-z]*i/.test(source);
  const runs: string[] = [];
  let run = '';
  const end = (): void => {
    if (run) runs.push(run);
    run = '';
  };
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (inClass) {
      if (c === '\\') i++;
      else if (c === ']') inClass = false;
      continue;
    }
    if (c === '\\') {
      const n = source[i + 1];
      i++;
      if (n === undefined) return [];
      if (depth > 0) continue;
      if (SPECIAL_ESCAPES.has(n) || /[A-Za-z0-9]/.test(n)) {
        end();
        continue;
      }
      if (!addChar(n)) end();
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (depth === 0) end();
      continue;
    }
    if (c === '(') {
      depth++;
      if (depth === 1) end();
      continue;
    }
    if (c === ')') {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (c === '|') {
      if (depth === 0) return [];
      continue;
    }
    if (depth > 0) continue;
    if (c === '?' || c === '*') {
      run = run.slice(0, -1);
      end();
      continue;
    }
    if (c === '{') {
      if (/^\{0*[,}]/.test(source.slice(i))) run = run.slice(0, -1);
      end();
      const close = source.indexOf('}', i);
      if (close > i) i = close;
      continue;
    }
    if (c === '+' || c === '.' || c === '^' || c === '$') {
      end();
      continue;
    }
    if (!addChar(c)) end();
  }
  end();
  // A quantifier directly after a group or class applies to it, handled by ending the run there.
  return runs.filter((r) => r.length > 0);

  function addChar(ch: string): boolean {
    const code = ch.charCodeAt(0);
    if (code > 127) return false;
    const low = ch.toLowerCase();
    if (ci && (low === 's' || low === 'k')) return false;
    run += low;
    return true;
  }
}
