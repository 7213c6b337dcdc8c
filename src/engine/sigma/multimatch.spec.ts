import { type LiteralMatcher, MultiMatcher, SkipMatcher, literalMatcher } from './multimatch';

/** Literals found the slow, obvious way: every literal `includes`-tested in the lowercased string. */
function naive(lits: string[], s: string): string[] {
  const low = s.toLowerCase();
  return lits.filter((l) => low.includes(l)).sort();
}

function found(m: LiteralMatcher<string>, s: string): string[] {
  const out = new Set<string>();
  m.scan(s, (v) => out.add(v));
  return [...out].sort();
}

function matcher(lits: string[], rowCap?: number): MultiMatcher<string> {
  return new MultiMatcher(
    lits.map((lit) => ({ value: lit, lit })),
    rowCap,
  );
}

function random(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
}

describe('multi-literal matcher (Aho-Corasick)', () => {
  it('finds overlapping literals, literals inside others and repeated ones', () => {
    const lits = ['he', 'she', 'his', 'hers', 'e', 'ushers'];
    expect(found(matcher(lits), 'USHERS')).toEqual(naive(lits, 'USHERS'));
    expect(found(matcher(lits), 'ushers')).toEqual(['e', 'he', 'hers', 'she', 'ushers']);
    expect(found(matcher(lits), 'xyz')).toEqual([]);
  });

  it('matches case-insensitively, including non-ASCII text that lowercases to ASCII', () => {
    const lits = ['mimikatz', 'kerberos::', '\\windows\\', 'straße', 'σ'];
    const m = matcher(lits);
    expect(found(m, 'C:\\WINDOWS\\system32\\MIMIKATZ.exe')).toEqual(['\\windows\\', 'mimikatz']);
    // KELVIN SIGN lowercases to ASCII k.
    expect(found(m, '\u212aERBEROS::list')).toEqual(['kerberos::']);
    // Non-ASCII literal characters share one class: more may be reported, never fewer.
    expect(found(m, 'STRAßE \u03a3')).toEqual(expect.arrayContaining(naive(lits, 'STRAßE \u03a3')));
    expect(found(m, 'STRASSE')).toEqual([]);
  });

  it('agrees with a naive search on random text, with a tiny row pool that must be rebuilt', () => {
    const rnd = random(42);
    const alphabet = 'abcAB\\.:-x \u0130\u212a';
    const word = (len: number): string => Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join('');
    const lits = [...new Set(Array.from({ length: 300 }, () => word(1 + rnd(6)).toLowerCase()))];
    const small = matcher(lits, 64);
    const big = matcher(lits);
    for (let i = 0; i < 300; i++) {
      const s = word(rnd(80));
      const want = naive(lits, s);
      expect(found(small, s)).toEqual(found(big, s));
      expect(found(big, s)).toEqual(expect.arrayContaining(want));
      // Only literals with a non-ASCII character may be reported beyond the exact set.
      expect(found(big, s).filter((lit) => !want.includes(lit) && /^[\x00-\x7f]*$/.test(lit))).toEqual([]);
    }
  });

  it('is exact for ASCII literal sets on any text', () => {
    const rnd = random(11);
    const word = (len: number, chars: string): string => Array.from({ length: len }, () => chars[rnd(chars.length)]).join('');
    const lits = [...new Set(Array.from({ length: 200 }, () => word(1 + rnd(5), 'abk\\.: ')))];
    const m = matcher(lits);
    for (let i = 0; i < 500; i++) {
      const s = word(rnd(60), 'abkAB\\.: \u0130\u212a\u03a3é');
      const want = naive(lits, s);
      // ASCII text: exactly; other text: at least (U+0130 folds to a bare i).
      if (/^[\x00-\x7f]*$/.test(s)) expect(found(m, s)).toEqual(want);
      else expect(found(m, s)).toEqual(expect.arrayContaining(want));
    }
  });

  it('folds KELVIN SIGN and DOTTED I for ASCII literal sets without missing what toLowerCase finds', () => {
    const m = matcher(['kiwi', 'i', 'sekurlsa::']);
    expect(found(m, '\u212aIWI')).toEqual(['i', 'kiwi']);
    expect(found(m, 'SE\u212aURLSA::')).toEqual(['sekurlsa::']);
    expect(found(m, '\u0130')).toEqual(['i']);
  });
});

describe('skipping matcher (Wu-Manber) for long ASCII literals', () => {
  it('is chosen only when every literal is ASCII and at least 4 characters long', () => {
    expect(literalMatcher([{ value: 'a', lit: 'sekurlsa::' }])).toBeInstanceOf(SkipMatcher);
    expect(literalMatcher([{ value: 'a', lit: 'sekurlsa::' }, { value: 'b', lit: 'abc' }])).toBeInstanceOf(MultiMatcher);
    expect(literalMatcher([{ value: 'a', lit: 'straße' }])).toBeInstanceOf(MultiMatcher);
  });

  it('finds every literal that occurs in the lowercased text, at the start, the end and overlapping', () => {
    const lits = ['sekurlsa::', 'lsadump::', 'kiwi legit', 'abab', 'baba'];
    const m = new SkipMatcher(lits.map((lit) => ({ value: lit, lit })));
    expect(found(m, 'SEKURLSA::logonpasswords')).toEqual(['sekurlsa::']);
    expect(found(m, 'x lsadump::')).toEqual(['lsadump::']);
    expect(found(m, 'ababab')).toEqual(['abab', 'baba']);
    expect(found(m, 'KIWI LEGIT \u212aIWI LEGIT')).toEqual(['kiwi legit']);
    expect(found(m, 'aba')).toEqual([]);
  });

  it('never misses a literal on random text (ASCII: exactly the naive set; other text: at least it)', () => {
    const rnd = random(7);
    const alphabet = 'abkiAB:-. \u0130\u212a\u03a3';
    const word = (len: number, chars: string): string => Array.from({ length: len }, () => chars[rnd(chars.length)]).join('');
    for (let round = 0; round < 20; round++) {
      const lits = [...new Set(Array.from({ length: 1 + rnd(30) }, () => word((round % 2 === 0 ? 4 : 6) + rnd(6), 'abki:-. ')))];
      const m = literalMatcher(lits.map((lit) => ({ value: lit, lit })));
      expect(m).toBeInstanceOf(SkipMatcher);
      for (let i = 0; i < 200; i++) {
        const s = word(rnd(60), alphabet);
        const got = found(m, s);
        const want = naive(lits, s);
        if (/^[\x00-\x7f]*$/.test(s)) expect(got).toEqual(want);
        else expect(got).toEqual(expect.arrayContaining(want));
      }
    }
  });
});
