/**
 * Sigma condition expressions: `and`/`or`/`not` (precedence not > and > or), parentheses,
 * `1 of x*`, `all of x*`, `1 of them`, `all of them`. Quantifiers are resolved against the
 * detection identifiers here, so the compiler only sees plain boolean trees.
 */
import { SigmaRuleError } from './types';

export type Cond =
  | { t: 'id'; name: string }
  | { t: 'and'; items: Cond[] }
  | { t: 'or'; items: Cond[] }
  | { t: 'not'; item: Cond }
  | { t: 'const'; value: boolean };

type Token = { k: '(' | ')' | 'and' | 'or' | 'not' | 'of' | 'them' | 'all' | 'num' | 'id'; v: string };

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all']);

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(\(|\)|[^\s()]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text)) !== null) {
    end = re.lastIndex;
    const w = m[1];
    if (w === '(' || w === ')') {
      out.push({ k: w, v: w });
      continue;
    }
    const lw = w.toLowerCase();
    if (KEYWORDS.has(lw)) out.push({ k: lw as Token['k'], v: w });
    else if (/^\d+$/.test(w)) out.push({ k: 'num', v: w });
    else out.push({ k: 'id', v: w });
  }
  if (text.slice(end).trim() !== '') throw new SigmaRuleError(`condition: cannot read '${text}'`);
  return out;
}

/** `|` aggregations and `near` are Sigma v1 features with no v2 meaning (correlation rules replace them). */
function rejectV1(text: string): void {
  // Every v1 form below holds one of these characters; most conditions have none of them.
  if (!/[|(;>]/.test(text)) return;
  if (/(^|\s)\|(\s|$)/.test(text) || /\|\s*(count|min|max|sum|avg|near)\b/i.test(text) || /\b(count|min|max|sum|avg)\s*\(/i.test(text)) {
    throw new SigmaRuleError('unsupported: Sigma v1 aggregation in condition (use a correlation rule)');
  }
  if (/->|;/.test(text)) throw new SigmaRuleError('unsupported: Sigma v1 stateful condition (write ... then ...)');
}

/** Does an identifier pattern (`*` wildcards only) select this detection name? */
export function identifierMatches(pattern: string, name: string): boolean {
  return identifierTest(pattern)(name);
}

/** `*` matches any run of characters; everything else is literal (no regex built per pattern). */
function identifierTest(pattern: string): (name: string) => boolean {
  if (!pattern.includes('*')) return (name) => name === pattern;
  const parts = pattern.split('*');
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts.slice(1, -1);
  const minLength = first.length + last.length;
  return (name) => {
    if (name.length < minLength || !name.startsWith(first) || !name.endsWith(last)) return false;
    let pos = first.length;
    const end = name.length - last.length;
    for (const part of middle) {
      const at = name.indexOf(part, pos);
      if (at === -1 || at + part.length > end) return false;
      pos = at + part.length;
    }
    return true;
  };
}

export function parseCondition(text: string, identifiers: string[]): Cond {
  rejectV1(text);
  const toks = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => toks[pos];
  const fail = (msg: string): never => {
    throw new SigmaRuleError(`condition '${text}': ${msg}`);
  };

  const parseOr = (): Cond => {
    const items = [parseAnd()];
    while (peek()?.k === 'or') {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0] : { t: 'or', items };
  };
  const parseAnd = (): Cond => {
    const items = [parseNot()];
    while (peek()?.k === 'and') {
      pos++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0] : { t: 'and', items };
  };
  const parseNot = (): Cond => {
    if (peek()?.k === 'not') {
      pos++;
      return { t: 'not', item: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): Cond => {
    const tok = toks[pos++];
    if (!tok) return fail('unexpected end');
    if (tok.k === '(') {
      const inner = parseOr();
      if (toks[pos++]?.k !== ')') fail('missing )');
      return inner;
    }
    if (tok.k === 'all' || tok.k === 'num') return parseQuantifier(tok);
    if (tok.k === 'id') {
      if (!identifiers.includes(tok.v)) fail(`unknown identifier '${tok.v}'`);
      return { t: 'id', name: tok.v };
    }
    return fail(`unexpected '${tok.v}'`);
  };
  const parseQuantifier = (tok: Token): Cond => {
    if (toks[pos++]?.k !== 'of') fail(`expected 'of' after '${tok.v}'`);
    const target = toks[pos++];
    if (!target || (target.k !== 'them' && target.k !== 'id')) return fail(`expected identifier pattern after 'of'`);
    // `them` leaves out identifiers starting with `_`, as pySigma does.
    const names =
      target.k === 'them'
        ? identifiers.filter((n) => !n.startsWith('_'))
        : identifiers.filter(identifierTest(target.v));
    if (names.length === 0) fail(`'${target.v}' matches no detection identifier`);
    const ids: Cond[] = names.map((name) => ({ t: 'id', name }));
    if (tok.k === 'all') return ids.length === 1 ? ids[0] : { t: 'and', items: ids };
    const n = Number(tok.v);
    if (n < 1) fail(`'${tok.v} of' needs at least 1`);
    if (n === 1) return ids.length === 1 ? ids[0] : { t: 'or', items: ids };
    if (n > ids.length) return { t: 'const', value: false };
    return atLeast(n, ids);
  };

  const tree = parseOr();
  if (pos < toks.length) fail(`unexpected '${toks[pos].v}'`);
  return tree;
}

/** `N of x*` for N > 1: the OR of every N-sized AND combination (small N in practice). */
function atLeast(n: number, ids: Cond[]): Cond {
  const combos: Cond[] = [];
  const pick = (start: number, chosen: Cond[]): void => {
    if (chosen.length === n) {
      combos.push({ t: 'and', items: chosen.slice() });
      return;
    }
    for (let i = start; i < ids.length; i++) {
      chosen.push(ids[i]);
      pick(i + 1, chosen);
      chosen.pop();
    }
  };
  pick(0, []);
  if (combos.length > 10000) throw new SigmaRuleError(`'${n} of' over ${ids.length} identifiers is too large`);
  return { t: 'or', items: combos };
}
