import RE2 from 're2';
import { compileRegex, minMatchLength, nestedRepetition, requiredLiterals, runTest, splitInlineFlags } from './regex';

describe('regex compilation', () => {
  it('turns a leading (?i) into the i flag', () => {
    expect(splitInlineFlags('(?i)abc')).toEqual({ source: 'abc', flags: 'i' });
    expect(compileRegex('(?i)abc', []).test('xABCx')).toBe(true);
  });

  it('uses RE2 where the pattern compiles', () => {
    expect(compileRegex('a+b', []).engine).toBe('re2');
  });

  it('falls back to JS RegExp for backreferences/lookarounds, bounding the input', () => {
    const re = compileRegex('(?<!x)ab', []);
    expect(re.engine).toBe('js');
    expect(re.warning).toMatch(/bounded/);
    expect(re.test('cab')).toBe(true);
  });

  it('reports an invalid pattern as a rule error', () => {
    expect(() => compileRegex('(', [])).toThrow(/invalid regex/);
  });

  it('refuses a pattern only JS RegExp can run when it nests repetitions (catastrophic backtracking)', () => {
    expect(() => compileRegex('(a+)+(?=b)', [])).toThrow(/repeats '\(a\+\)\+'.*not loaded/);
    expect(() => compileRegex('((ab)*c)*(?<!x)', [])).toThrow(/not loaded/);
    // RE2 runs nested repetitions in linear time: no refusal there.
    expect(compileRegex('(a+)+b', []).engine).toBe('re2');
    expect(nestedRepetition('(a+)+b', '')).toBe('(a+)+');
    expect(nestedRepetition('(?<=\\\\)x.*y', '')).toBeUndefined();
    expect(nestedRepetition('(ab{2,3})+(?=c)', '')).toBeUndefined();
  });

  it('answers a hostile value on a lookaround pattern it keeps (bounded input, no nested repetition)', () => {
    const re = compileRegex('(?<=x)a+b', []);
    expect(re.engine).toBe('js');
    expect(re.test(`x${'a'.repeat(100_000)}!`)).toBe(false);
    expect(re.test('xaaab')).toBe(true);
  });
});

describe('literals a regex requires (prefilter atoms)', () => {
  it.each([
    ['foo.*bar', [], ['foo', 'bar']],
    ['\\\\Windows\\\\Temp\\\\', [], ['\\windows\\temp\\']],
    ['ab?c', [], ['a', 'c']],
    ['ab*c', [], ['a', 'c']],
    ['ab+c', [], ['ab', 'c']],
    ['ab{0,3}c', [], ['a', 'c']],
    ['ab{2}c', [], ['ab', 'c']],
    ['x(foo|bar)y', [], ['x', 'y']],
    ['[a-z]+\\.exe', [], ['.exe']],
    ['\\d+ms', [], ['ms']],
    ['^cmd$', [], ['cmd']],
  ])('%s requires %j', (pattern, flags, expected) => {
    expect(requiredLiterals(pattern, flags)).toEqual(expected);
  });

  it('gives nothing for a top-level alternation', () => {
    expect(requiredLiterals('foo|bar', [])).toEqual([]);
  });

  it('ends runs at non-ASCII characters and, case-insensitively, at s and k (RE2 folds them with ſ and K)', () => {
    expect(requiredLiterals('abcédef', [])).toEqual(['abc', 'def']);
    expect(requiredLiterals('(?i)mask', [])).toEqual(['ma']);
    expect(requiredLiterals('mask', ['i'])).toEqual(['ma']);
    expect(requiredLiterals('mask', [])).toEqual(['mask']);
  });

  it('gives nothing in extended mode', () => {
    expect(requiredLiterals('(?x) a b c', [])).toEqual([]);
  });
});

describe('shortest possible match (strings shorter are not tested)', () => {
  it.each([
    ['.{1000,}', 1000],
    ['abc', 3],
    ['ab?c*d+', 2],
    ['(?:foo|ba)r{2,5}', 4],
    ['(?i)x', 1],
    ['[a-z\\]]{3}\\d', 4],
    ['^\\bfoo$', 3],
    ['(?P<name>ab)|c', 1],
    ['(a)\\1', 0],
    ['\\Qa.b\\E', 0],
    ['a{,3}b', 1],
    ['(?<!x)ab', 2],
    ['\\p{L}{2}\\x{41}', 3],
    ['😀{2}', 2],
    ['[[:alpha:]]x', 2],
    ['(', 0],
  ])('%s needs %i characters', (pattern, min) => {
    expect(minMatchLength(pattern)).toBe(min);
  });

  it('answers as the engine does around the bound', () => {
    const re = compileRegex('.{10,}', []);
    expect(re.test('123456789')).toBe(false);
    expect(re.test('1234567890')).toBe(true);
    // Ten code points, twenty UTF-16 units: still tested, and RE2 counts code points.
    expect(compileRegex('^.{10}$', []).test('😀'.repeat(10))).toBe(true);
  });
});

describe('long runs of one character class (scanned instead of RE2 counted repetition)', () => {
  const patterns = ['.{32,}', '^.{32,40}$', '[^/]{32,}$', '^\\w{33}', '(.){32,}', '(?:[a-c]){32,34}', '\\S{32}', '.{32,}'];
  it('handles only that shape, with a large count, and not with the m flag', () => {
    expect(runTest('.{1000,}', '')).toBeDefined();
    expect(runTest('.{10,}', '')).toBeUndefined();
    expect(runTest('a.{100,}', '')).toBeUndefined();
    expect(runTest('.{100,}?', '')).toBeUndefined();
    expect(runTest('^.{100,}$', 'm')).toBeUndefined();
  });

  it('answers exactly as RE2 does (flags i and s, newlines, astral characters, anchors)', () => {
    let seed = 3;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = ['a', 'B', 'c', '/', '\n', ' ', '_', '😀', 'é', '\u212a'];
    for (const flags of ['', 'i', 's']) {
      for (const pattern of patterns) {
        const fast = runTest(pattern, flags) as (s: string) => boolean;
        expect(fast).toBeDefined();
        const re = new RE2(pattern, flags);
        for (let n = 0; n < 300; n++) {
          const run = Array.from({ length: rnd(3) === 0 ? 30 + rnd(15) : rnd(80) }, () => pieces[rnd(3) === 0 ? rnd(pieces.length) : rnd(3)]).join('');
          expect([pattern, flags, run, fast(run)]).toEqual([pattern, flags, run, re.test(run)]);
        }
      }
    }
  });
});
