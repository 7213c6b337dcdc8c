import { identifierMatches, parseCondition } from './condition';
import { SigmaRuleError } from './types';

const ids = ['selection', 'sel_a', 'sel_b', 'filter_1', 'filter_2', '_hidden', 'sel.x', 'sel|y'];

describe('Sigma conditions', () => {
  it('binds not tighter than and, and tighter than or', () => {
    expect(parseCondition('not selection and sel_a or sel_b', ids)).toEqual({
      t: 'or',
      items: [{ t: 'and', items: [{ t: 'not', item: { t: 'id', name: 'selection' } }, { t: 'id', name: 'sel_a' }] }, { t: 'id', name: 'sel_b' }],
    });
  });

  it('honours parentheses', () => {
    expect(parseCondition('selection and (sel_a or sel_b)', ids)).toEqual({
      t: 'and',
      items: [{ t: 'id', name: 'selection' }, { t: 'or', items: [{ t: 'id', name: 'sel_a' }, { t: 'id', name: 'sel_b' }] }],
    });
  });

  it('expands 1 of x* to an OR and all of x* to an AND of the matching identifiers', () => {
    expect(parseCondition('1 of sel_*', ids)).toEqual({ t: 'or', items: [{ t: 'id', name: 'sel_a' }, { t: 'id', name: 'sel_b' }] });
    expect(parseCondition('all of filter_*', ids)).toEqual({ t: 'and', items: [{ t: 'id', name: 'filter_1' }, { t: 'id', name: 'filter_2' }] });
  });

  it('leaves identifiers starting with _ out of "them"', () => {
    const c = parseCondition('1 of them', ids);
    expect(c.t === 'or' && c.items.map((i) => (i.t === 'id' ? i.name : ''))).toEqual(['selection', 'sel_a', 'sel_b', 'filter_1', 'filter_2', 'sel.x', 'sel|y']);
    expect(parseCondition('all of them', ['a', 'b'])).toEqual({ t: 'and', items: [{ t: 'id', name: 'a' }, { t: 'id', name: 'b' }] });
  });

  it('reads identifiers containing . and | as written in the YAML keys', () => {
    expect(parseCondition('sel.x and sel|y', ids)).toEqual({ t: 'and', items: [{ t: 'id', name: 'sel.x' }, { t: 'id', name: 'sel|y' }] });
    expect(identifierMatches('sel.*', 'sel.x')).toBe(true);
    expect(identifierMatches('sel.*', 'selAx')).toBe(false);
  });

  it('matches * patterns anywhere in an identifier, each * standing for any run (or none)', () => {
    expect(identifierMatches('*_img', 'sel_img')).toBe(true);
    expect(identifierMatches('sel*_*cli', 'sel_a_b_cli')).toBe(true);
    expect(identifierMatches('sel*_*cli', 'sel_cli')).toBe(true);
    expect(identifierMatches('a*aa', 'aa')).toBe(false);
    expect(identifierMatches('sel*x*x', 'selxx')).toBe(true);
    expect(identifierMatches('sel*x*x', 'selx')).toBe(false);
  });

  it('rejects unknown identifiers, patterns matching nothing and broken syntax', () => {
    expect(() => parseCondition('nope', ids)).toThrow(SigmaRuleError);
    expect(() => parseCondition('1 of nothing*', ids)).toThrow(/matches no detection identifier/);
    expect(() => parseCondition('(selection', ids)).toThrow(/missing \)/);
    expect(() => parseCondition('selection and', ids)).toThrow(/unexpected end/);
  });

  it('rejects Sigma v1 aggregations with a clear reason', () => {
    expect(() => parseCondition('selection | count() by host > 5', ids)).toThrow(/unsupported: Sigma v1 aggregation/);
    expect(() => parseCondition('selection | near sel_a', ids)).toThrow(/unsupported/);
    expect(() => parseCondition('selection -> sel_a', ids)).toThrow(/unsupported: Sigma v1 stateful/);
    expect(() => parseCondition('count(selection) > 5', ids)).toThrow(/unsupported: Sigma v1 aggregation/);
  });
});
