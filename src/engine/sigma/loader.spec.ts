import { yamlStage } from './loader';

describe('YAML stage', () => {
  it('keeps values as written: canonical numbers are numbers, other notations stay text, strings are never trimmed', () => {
    const out = yamlStage(
      "a: 0x1410\nb: 12\nc: 4.50\nd: 1e3\ne: 010\nf: -3.25\ng: .inf\nh: ' padded '\ni: true\nj: False\nk: ~\nl: 2024-01-02\n",
    );
    expect(out.errors).toEqual([]);
    expect(out.docs).toEqual([
      { a: '0x1410', b: 12, c: '4.50', d: '1e3', e: '010', f: -3.25, g: '.inf', h: ' padded ', i: true, j: false, k: null, l: '2024-01-02' },
    ]);
  });

  it('reads every document of a file, skipping empty ones and reporting those that are not maps', () => {
    const out = yamlStage('---\na: 1\n---\n---\nplain text\n---\nb: [x, "y"]\n');
    expect(out.docs).toEqual([{ a: 1 }, { b: ['x', 'y'] }]);
    expect(out.errors).toEqual([{ reason: 'YAML document is not a map' }]);
  });

  it('resolves aliases and follows a %YAML 1.1 directive (both read by `yaml`)', () => {
    expect(yamlStage('a: &x {b: 1}\nc: *x\n').docs).toEqual([{ a: { b: 1 }, c: { b: 1 } }]);
    expect(yamlStage('%YAML 1.1\n---\na: yes\n').docs).toEqual([{ a: true }]);
  });

  it('reads null keys and keys in a number notation as yaml does', () => {
    expect(yamlStage('~: a\nb: {null: 1}\n').docs).toEqual([{ '': 'a', b: { '': 1 } }]);
    expect(yamlStage('0x10: a\n.5: b\n12: c\n').docs).toEqual([{ '0x10': 'a', '.5': 'b', '12': 'c' }]);
    // 0x10 and 16 are the same number, hence the same key.
    expect(yamlStage('0x10: a\n16: b\n').errors).toEqual([{ reason: expect.stringMatching(/^YAML: Map keys must be unique/) }]);
  });

  it('reports YAML errors in `yaml` wording, with nothing loaded from the file', () => {
    const dup = yamlStage('a: 1\na: 2\n');
    expect(dup.docs).toEqual([]);
    expect(dup.errors).toEqual([{ reason: expect.stringMatching(/^YAML: Map keys must be unique at line 2, column 1/) }]);
    const later = yamlStage('a: 1\n---\nb: "unterminated\n');
    expect(later.docs).toEqual([]);
    expect(later.errors).toEqual([{ reason: expect.stringMatching(/^YAML: Missing closing "quote/) }]);
  });

  it('reports an alias bomb or an alias without its anchor as a YAML error instead of throwing', () => {
    expect(yamlStage('a: *nowhere\n').errors).toEqual([{ reason: expect.stringMatching(/^YAML: Unresolved alias/) }]);
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd']]) levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    const out = yamlStage(`${levels.join('\n')}\n`);
    expect(out.docs).toEqual([]);
    expect(out.errors).toEqual([{ reason: expect.stringMatching(/^YAML: Excessive alias count/) }]);
  });
});
