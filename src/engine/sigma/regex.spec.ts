import { compileRegex, requiredLiterals, splitInlineFlags } from './regex';

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
