import { ANY, ONE, compileParts, globMatch, parsePattern } from './values';

describe('Sigma string values', () => {
  it('reads * and ? as wildcards', () => {
    expect(parsePattern('a*b?c')).toEqual(['a', ANY, 'b', ONE, 'c']);
  });

  it('reads \\*, \\? and \\\\ as the literal characters', () => {
    expect(parsePattern('a\\*b\\?c\\\\d')).toEqual(['a*b?c\\d']);
  });

  it('keeps a backslash before any other character (Windows paths)', () => {
    expect(parsePattern('C:\\Windows\\cmd.exe')).toEqual(['C:\\Windows\\cmd.exe']);
  });

  it('keeps the escaped backslash before a wildcard as a literal backslash followed by the wildcard', () => {
    expect(parsePattern('\\\\*')).toEqual(['\\', ANY]);
  });

  it('collapses repeated stars', () => {
    expect(parsePattern('a**b')).toEqual(['a', ANY, 'b']);
  });

  it('never trims values', () => {
    expect(parsePattern(' x ')).toEqual([' x ']);
  });

  it.each([
    ['a*c', 'abc', true],
    ['a*c', 'ac', true],
    ['a*c', 'abd', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*a*b*', 'xxaxxbxx', true],
    ['*a*b*', 'xxbxxaxx', false],
    ['*ab', 'abab', true],
    ['a*b*c', 'abxbxc', true],
    ['?', '', false],
    ['*', '', true],
  ])('glob %s against %s is %s', (pattern, value, expected) => {
    expect(globMatch(parsePattern(pattern), value)).toBe(expected);
    expect(compileParts(parsePattern(pattern))(value)).toBe(expected);
  });

  it('matches the empty pattern only against the empty string', () => {
    const t = compileParts(parsePattern(''));
    expect(t('')).toBe(true);
    expect(t(' ')).toBe(false);
  });
});
