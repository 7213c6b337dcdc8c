import { parse } from 'yaml';
import { compileDetection } from './compiler';
import { EventContext } from './fields';
import { MODIFIERS, base64Offsets } from './modifiers';
import { SigmaRuleError } from './types';

/** Compile a `detection` written as YAML and test it on one event's fields. */
function det(yaml: string, placeholders?: Record<string, string[]>) {
  const c = compileDetection(parse(yaml), { placeholders });
  const ctx = new EventContext();
  return (fields: Record<string, unknown>) => c.match(ctx.reset(fields));
}

const b64 = (s: string, enc: BufferEncoding = 'utf8') => Buffer.from(s, enc).toString('base64');

describe('values', () => {
  it('matches exact strings case-insensitively by default, never trimming', () => {
    const m = det(`{ sel: { User: 'Admin ' }, condition: sel }`);
    expect(m({ User: 'admin ' })).toBe(true);
    expect(m({ User: 'admin' })).toBe(false);
    expect(m({ User: 'xadmin ' })).toBe(false);
  });

  it('treats null as field absent or null', () => {
    const m = det(`{ sel: { Parent: null }, condition: sel }`);
    expect(m({})).toBe(true);
    expect(m({ Parent: null })).toBe(true);
    expect(m({ Parent: '' })).toBe(false);
  });

  it('matches the empty string only against an empty value', () => {
    const m = det(`{ sel: { Cmd: '' }, condition: sel }`);
    expect(m({ Cmd: '' })).toBe(true);
    expect(m({})).toBe(false);
    expect(m({ Cmd: 'x' })).toBe(false);
  });

  it('matches numbers against numbers and numeric strings', () => {
    const m = det(`{ sel: { EventID: 4624 }, condition: sel }`);
    expect(m({ EventID: 4624 })).toBe(true);
    expect(m({ EventID: '4624' })).toBe(true);
    expect(m({ EventID: 4625 })).toBe(false);
    expect(m({ EventID: '4624x' })).toBe(false);
  });

  it('matches a quoted number against a number value', () => {
    expect(det(`{ sel: { Port: '445' }, condition: sel }`)({ Port: 445 })).toBe(true);
  });

  it('matches YAML true against the string "true" and a boolean', () => {
    const m = det(`{ sel: { Enabled: true }, condition: sel }`);
    expect(m({ Enabled: 'true' })).toBe(true);
    expect(m({ Enabled: 'True' })).toBe(true);
    expect(m({ Enabled: true })).toBe(true);
    expect(m({ Enabled: 'false' })).toBe(false);
  });

  it('ORs a list of values and ANDs the fields of a map', () => {
    const m = det(`{ sel: { Image: ['a.exe', 'b.exe'], User: 'x' }, condition: sel }`);
    expect(m({ Image: 'B.EXE', User: 'x' })).toBe(true);
    expect(m({ Image: 'b.exe', User: 'y' })).toBe(false);
    expect(m({ Image: 'c.exe', User: 'x' })).toBe(false);
  });

  it('ORs a list of maps', () => {
    const m = det(`{ sel: [ { A: 1 }, { B: 2 } ], condition: sel }`);
    expect(m({ A: 1 })).toBe(true);
    expect(m({ B: 2 })).toBe(true);
    expect(m({ A: 2, B: 1 })).toBe(false);
  });

  it('uses wildcards and escapes', () => {
    expect(det(`{ sel: { F: 'a*c?' }, condition: sel }`)({ F: 'AbbcD' })).toBe(true);
    const lit = det(`{ sel: { F: 'a\\*c' }, condition: sel }`);
    expect(lit({ F: 'a*c' })).toBe(true);
    expect(lit({ F: 'abc' })).toBe(false);
  });
});

describe('fields', () => {
  it('reads dotted paths into nested objects, the flat key first', () => {
    const m = det(`{ sel: { process.name: 'cmd.exe' }, condition: sel }`);
    expect(m({ process: { name: 'cmd.exe' } })).toBe(true);
    expect(m({ 'process.name': 'cmd.exe', process: { name: 'other' } })).toBe(true);
    expect(m({ process: { name: 'x' } })).toBe(false);
  });

  it('matches when any element of an array matches, also through a path', () => {
    expect(det(`{ sel: { Tags: 'b' }, condition: sel }`)({ Tags: ['a', 'b'] })).toBe(true);
    expect(det(`{ sel: { a.b: 'x' }, condition: sel }`)({ a: [{ b: 'y' }, { b: 'x' }] })).toBe(true);
  });

  it('falls back to a case-insensitive field name', () => {
    const m = det(`{ sel: { CommandLine|contains: 'whoami' }, condition: sel }`);
    expect(m({ commandline: 'cmd /c whoami' })).toBe(true);
    expect(m({ CommandLine: 'ls', commandline: 'whoami' })).toBe(false);
  });

  it('searches keywords in every string of the event, nested ones included', () => {
    const m = det(`{ keywords: ['mimikatz', 'sekurlsa::'], condition: keywords }`);
    expect(m({ a: 'x', b: { c: ['run SEKURLSA::logonpasswords'] } })).toBe(true);
    expect(m({ a: 'x' })).toBe(false);
  });

  it('ANDs keyword lists with |all', () => {
    const m = det(`{ keywords: { '|all': ['alpha', 'beta'] }, condition: keywords }`);
    expect(m({ a: 'alpha', b: 'beta' })).toBe(true);
    expect(m({ a: 'alpha' })).toBe(false);
  });
});

describe('modifiers', () => {
  it('registers every Sigma v2 modifier', () => {
    for (const m of ['contains', 'startswith', 'endswith', 'all', 'cased', 're', 'i', 'm', 's', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'windash', 'cidr', 'exists', 'lt', 'lte', 'gt', 'gte', 'fieldref', 'expand', 'neq']) {
      expect(MODIFIERS[m]).toBeDefined();
    }
  });

  it('contains / startswith / endswith', () => {
    expect(det(`{ s: { F|contains: 'Who' }, condition: s }`)({ F: 'xwhoamix' })).toBe(true);
    expect(det(`{ s: { F|startswith: 'Who' }, condition: s }`)({ F: 'xwhoami' })).toBe(false);
    expect(det(`{ s: { F|startswith: 'Who' }, condition: s }`)({ F: 'whoami' })).toBe(true);
    expect(det(`{ s: { F|endswith: '\\cmd.exe' }, condition: s }`)({ F: 'C:\\Windows\\CMD.EXE' })).toBe(true);
    expect(det(`{ s: { F|endswith: '\\cmd.exe' }, condition: s }`)({ F: 'cmd.exe' })).toBe(false);
  });

  it('all requires every value', () => {
    const m = det(`{ s: { F|contains|all: ['a', 'b'] }, condition: s }`);
    expect(m({ F: 'xaxbx' })).toBe(true);
    expect(m({ F: 'xax' })).toBe(false);
  });

  it('cased compares case-sensitively', () => {
    const m = det(`{ s: { F|cased: 'Abc' }, condition: s }`);
    expect(m({ F: 'Abc' })).toBe(true);
    expect(m({ F: 'abc' })).toBe(false);
  });

  it('re is case-sensitive by default, with i/m/s flags and (?i) prefixes', () => {
    expect(det(`{ s: { F|re: '^a.c$' }, condition: s }`)({ F: 'abc' })).toBe(true);
    expect(det(`{ s: { F|re: '^a.c$' }, condition: s }`)({ F: 'ABC' })).toBe(false);
    expect(det(`{ s: { F|re|i: '^a.c$' }, condition: s }`)({ F: 'ABC' })).toBe(true);
    expect(det(`{ s: { F|re: '(?i)^a.c$' }, condition: s }`)({ F: 'ABC' })).toBe(true);
    expect(det(`{ s: { F|re|m: '^b$' }, condition: s }`)({ F: 'a\nb' })).toBe(true);
    expect(det(`{ s: { F|re: 'a.b' }, condition: s }`)({ F: 'a\nb' })).toBe(false);
    expect(det(`{ s: { F|re|s: 'a.b' }, condition: s }`)({ F: 'a\nb' })).toBe(true);
  });

  it('re falls back to JS RegExp with a warning when RE2 cannot compile the pattern', () => {
    const c = compileDetection(parse(`{ s: { F|re: '(a)\\1' }, condition: s }`));
    expect(c.warnings[0]).toMatch(/JS RegExp/);
    expect(c.match(new EventContext().reset({ F: 'aa' }))).toBe(true);
  });

  it('base64 and base64offset encode the value (case-sensitive)', () => {
    expect(det(`{ s: { F|base64: 'whoami' }, condition: s }`)({ F: b64('whoami') })).toBe(true);
    expect(det(`{ s: { F|base64: 'whoami' }, condition: s }`)({ F: b64('whoami').toLowerCase() })).toBe(false);
    const m = det(`{ s: { F|base64offset|contains: 'http://' }, condition: s }`);
    for (const prefix of ['', 'a', 'ab']) expect(m({ F: b64(`${prefix}http://evil`) })).toBe(true);
    expect(base64Offsets(Buffer.from('http://'))).toEqual(['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v']);
  });

  it('utf16le / wide / utf16be / utf16 encode before base64', () => {
    expect(det(`{ s: { F|wide|base64offset|contains: 'ping' }, condition: s }`)({ F: b64('x ping y', 'utf16le') })).toBe(true);
    expect(det(`{ s: { F|utf16le|base64: 'ab' }, condition: s }`)({ F: b64('ab', 'utf16le') })).toBe(true);
    expect(det(`{ s: { F|utf16be|base64: 'ab' }, condition: s }`)({ F: Buffer.from([0, 0x61, 0, 0x62]).toString('base64') })).toBe(true);
    expect(det(`{ s: { F|utf16|base64: 'ab' }, condition: s }`)({ F: Buffer.from([0xff, 0xfe, 0x61, 0, 0x62, 0]).toString('base64') })).toBe(true);
  });

  it('windash matches every dash variant the spec lists', () => {
    const m = det(`{ s: { F|windash|contains: ' -enc ' }, condition: s }`);
    for (const d of ['-', '/', '\u2013', '\u2014', '\u2015']) expect(m({ F: `powershell ${d}enc AAA` })).toBe(true);
    expect(m({ F: 'powershell +enc AAA' })).toBe(false);
  });

  it('cidr matches IPv4 and IPv6 networks', () => {
    const m = det(`{ s: { Ip|cidr: ['10.0.0.0/8', 'fe80::/10'] }, condition: s }`);
    expect(m({ Ip: '10.1.2.3' })).toBe(true);
    expect(m({ Ip: '::ffff:10.1.2.3' })).toBe(true);
    expect(m({ Ip: 'fe80::1' })).toBe(true);
    expect(m({ Ip: '11.0.0.1' })).toBe(false);
    expect(m({ Ip: 'not an ip' })).toBe(false);
  });

  it('exists tests presence', () => {
    expect(det(`{ s: { F|exists: true }, condition: s }`)({ F: '' })).toBe(true);
    expect(det(`{ s: { F|exists: true }, condition: s }`)({})).toBe(false);
    expect(det(`{ s: { F|exists: false }, condition: s }`)({})).toBe(true);
  });

  it('lt / lte / gt / gte compare numbers and numeric strings', () => {
    expect(det(`{ s: { N|lt: 5 }, condition: s }`)({ N: 4 })).toBe(true);
    expect(det(`{ s: { N|lt: 5 }, condition: s }`)({ N: 5 })).toBe(false);
    expect(det(`{ s: { N|lte: 5 }, condition: s }`)({ N: '5' })).toBe(true);
    expect(det(`{ s: { N|gt: 5 }, condition: s }`)({ N: '6' })).toBe(true);
    expect(det(`{ s: { N|gte: 5 }, condition: s }`)({ N: 4 })).toBe(false);
    expect(det(`{ s: { N|gt: 5 }, condition: s }`)({ N: 'abc' })).toBe(false);
  });

  it('fieldref compares with another field of the event', () => {
    const m = det(`{ s: { TargetUserName|fieldref: SubjectUserName }, condition: s }`);
    expect(m({ TargetUserName: 'Bob', SubjectUserName: 'bob' })).toBe(true);
    expect(m({ TargetUserName: 'Bob', SubjectUserName: 'alice' })).toBe(false);
    expect(m({ TargetUserName: 'Bob' })).toBe(false);
  });

  it('expand fills placeholders from the configured map', () => {
    const m = det(`{ s: { Host|expand: '%admin_hosts%' }, condition: s }`, { admin_hosts: ['ADM01', 'jump*'] });
    expect(m({ Host: 'adm01' })).toBe(true);
    expect(m({ Host: 'jump7' })).toBe(true);
    expect(m({ Host: 'ws01' })).toBe(false);
  });

  it('expand without a configured placeholder is a load error', () => {
    expect(() => det(`{ s: { Host|expand: '%admin_hosts%' }, condition: s }`)).toThrow('unsupported: placeholder %admin_hosts% not configured');
  });

  it('neq matches a present field equal to none of the values', () => {
    const m = det(`{ s: { User|neq: ['SYSTEM', 'LOCAL SERVICE'] }, condition: s }`);
    expect(m({ User: 'bob' })).toBe(true);
    expect(m({ User: 'system' })).toBe(false);
    expect(m({})).toBe(false);
  });

  it('rejects an unknown modifier in one place', () => {
    expect(() => det(`{ s: { F|containz: 'x' }, condition: s }`)).toThrow(new SigmaRuleError("unknown modifier 'containz' in 'F|containz'"));
  });

  it('rejects encoding a value that has wildcards', () => {
    expect(() => det(`{ s: { F|base64: 'a*' }, condition: s }`)).toThrow(/wildcards/);
  });
});

describe('conditions over detections', () => {
  const m = det(`
sel_a: { A: 1 }
sel_b: { B: 1 }
filter_x: { X: 1 }
_helper: { H: 1 }
condition: (1 of sel_* and not filter_x) or all of them
`);
  it('evaluates quantifiers, not, parentheses', () => {
    expect(m({ A: 1 })).toBe(true);
    expect(m({ A: 1, X: 1 })).toBe(false);
    expect(m({ A: 1, B: 1, X: 1 })).toBe(true);
    expect(m({ H: 1 })).toBe(false);
  });

  it('takes a list of conditions (Sigma v1) as any of them', () => {
    const l = det(`{ a: { A: 1 }, b: { B: 1 }, condition: [a, b] }`);
    expect(l({ B: 1 })).toBe(true);
  });
});

describe('prefilter needs', () => {
  it('derives a literal need from an AND of selections, choosing several clauses', () => {
    const c = compileDetection(parse(`{ a: { Image|endswith: '\\rundll32.exe' }, b: { CommandLine|contains: ['javascript:', 'mshtml'] }, condition: a and b }`));
    expect(c.need).toEqual(
      expect.arrayContaining([[{ field: 'Image', lit: '\\rundll32.exe' }], [{ field: 'CommandLine', lit: 'javascript:' }, { field: 'CommandLine', lit: 'mshtml' }]]),
    );
  });

  it('has no need for a negated selection alone', () => {
    expect(compileDetection(parse(`{ a: { Image|endswith: '.exe' }, condition: not a }`)).need).toBeNull();
  });

  it('keeps several clauses for an OR of ANDs: each joins one clause of every part', () => {
    const c = compileDetection(
      parse(`{ a: { Image|endswith: '\\certutil.exe', CommandLine|contains: 'urlcache' }, b: { Image|endswith: '\\bitsadmin.exe', CommandLine|contains: '/transfer' }, condition: a or b }`),
    );
    expect(c.need).toHaveLength(2);
    const lits = (c.need ?? []).map((clause) => clause.map((a) => a.lit).sort());
    expect(lits).toEqual(expect.arrayContaining([['/transfer', 'urlcache'], ['\\bitsadmin.exe', '\\certutil.exe']]));
  });

  it('uses numbers as exact numeric atoms', () => {
    expect(compileDetection(parse(`{ a: { EventID: 4624 }, condition: a }`)).need).toEqual([[{ field: 'EventID', lit: '4624', num: 4624 }]]);
  });
});

describe('long value lists (grouped by length, or searched in one pass)', () => {
  const names = Array.from({ length: 40 }, (_, i) => `tool${i}x`);
  const list = (values: string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;

  it('matches any of many suffixes, prefixes and infixes exactly as one by one would', () => {
    const end = det(`{ s: { F|endswith: ${list(names.map((n) => `\\${n}.dll`))} }, condition: s }`);
    expect(end({ F: 'C:\\Windows\\TOOL17X.DLL' })).toBe(true);
    expect(end({ F: 'C:\\Windows\\tool17x.dll.bak' })).toBe(false);
    expect(end({ F: 'tool17x.dll' })).toBe(false);
    const start = det(`{ s: { F|startswith: ${list(names.map((n) => `C:\\${n}\\`))} }, condition: s }`);
    expect(start({ F: 'c:\\tool3x\\a.exe' })).toBe(true);
    expect(start({ F: 'D:\\tool3x\\a.exe' })).toBe(false);
    const inside = det(`{ s: { F|contains: ${list(names)} }, condition: s }`);
    expect(inside({ F: 'run TOOL39X now' })).toBe(true);
    expect(inside({ F: 'run tool40x now' })).toBe(false);
  });

  it('keeps case-sensitive long lists exact, and non-ASCII values found', () => {
    const cased = det(`{ s: { F|contains|cased: ${list(names)} }, condition: s }`);
    expect(cased({ F: 'x tool5x y' })).toBe(true);
    expect(cased({ F: 'x TOOL5X y' })).toBe(false);
    const wide = det(`{ s: { F|contains: ${list([...names, 'ünïcødé'])} }, condition: s }`);
    expect(wide({ F: 'a ÜNÏCØDÉ b' })).toBe(true);
    const kelvin = det(`{ s: { F|contains|cased: ${list([...names, 'k1'])} }, condition: s }`);
    expect(kelvin({ F: '\u212a1' })).toBe(false);
  });
});

describe('keyword values of mixed case modes', () => {
  it('searches each keyword in the right form (encoded values case-sensitively, plain ones case-insensitively)', () => {
    const m = det(`{ keywords: { '|base64': ['whoami'] }, plain: ['MiMiKaTz'], condition: keywords or plain }`);
    expect(m({ a: `x ${b64('whoami')} y` })).toBe(true);
    expect(m({ a: 'MIMIKATZ' })).toBe(true);
    expect(m({ a: b64('whoami').toUpperCase() })).toBe(false);
  });
});

describe('all with expanding modifiers', () => {
  it('needs every written value, any of its expansions (windash)', () => {
    const m = det(`{ s: { F|contains|all|windash: ['-a', '-b'] }, condition: s }`);
    expect(m({ F: 'tool /a \u2013b' })).toBe(true);
    expect(m({ F: 'tool -a' })).toBe(false);
  });

  it('needs every written value, any of its offsets (base64offset)', () => {
    const m = det(`{ s: { F|base64offset|contains|all: ['IEX', 'http'] }, condition: s }`);
    expect(m({ F: b64('x IEX (New-Object).Download("http://x")') })).toBe(true);
    expect(m({ F: b64('x IEX only') })).toBe(false);
  });

  it('keeps the prefilter need sound: one clause per written value with its expansions OR-ed', () => {
    const c = compileDetection(parse(`{ s: { F|contains|all|windash: ['-aa', '-bb'] }, condition: s }`));
    expect(c.need).toHaveLength(2);
    for (const clause of c.need ?? []) expect(clause).toHaveLength(5);
  });
});

describe('fieldref with startswith, endswith, contains and neq (pySigma SigmaFieldReference)', () => {
  it('startswith: the field begins with the value of the other field, case-insensitively', () => {
    const m = det(`{ s: { CommandLine|fieldref|startswith: Image }, condition: s }`);
    expect(m({ CommandLine: 'C:\\Windows\\cmd.exe /c whoami', Image: 'c:\\windows\\CMD.EXE' })).toBe(true);
    expect(m({ CommandLine: '"C:\\Windows\\cmd.exe" /c whoami', Image: 'C:\\Windows\\cmd.exe' })).toBe(false);
    expect(m({ CommandLine: 'C:\\Windows\\cmd.exe /c whoami' })).toBe(false);
  });

  it('endswith: the field ends with the value of the other field', () => {
    const m = det(`{ s: { TargetFilename|fieldref|endswith: OriginalName }, condition: s }`);
    expect(m({ TargetFilename: 'C:\\Temp\\Evil.EXE', OriginalName: 'evil.exe' })).toBe(true);
    expect(m({ TargetFilename: 'C:\\Temp\\evil.exe.bak', OriginalName: 'evil.exe' })).toBe(false);
  });

  it('contains: the value of the other field occurs anywhere in the field', () => {
    const m = det(`{ s: { CommandLine|fieldref|contains: User }, condition: s }`);
    expect(m({ CommandLine: 'net user BOB /add', User: 'bob' })).toBe(true);
    expect(m({ CommandLine: 'net user alice /add', User: 'bob' })).toBe(false);
  });

  it('startswith and endswith together widen to contains, as pySigma sets both flags', () => {
    const m = det(`{ s: { A|fieldref|startswith|endswith: B }, condition: s }`);
    expect(m({ A: 'xx-mid-yy', B: 'mid' })).toBe(true);
  });

  it('cased compares the referenced value case-sensitively', () => {
    const m = det(`{ s: { A|fieldref|startswith|cased: B }, condition: s }`);
    expect(m({ A: 'Admin-01', B: 'Admin' })).toBe(true);
    expect(m({ A: 'admin-01', B: 'Admin' })).toBe(false);
  });

  it('rejects startswith before fieldref with a reason that says where it goes', () => {
    expect(() => det(`{ s: { A|startswith|fieldref: B }, condition: s }`)).toThrow(/startswith, endswith, contains go after fieldref/);
  });

  it('neq negates a field reference in either order; both fields must be present', () => {
    for (const key of ['User|fieldref|neq', 'User|neq|fieldref']) {
      const m = det(`{ s: { ${key}: ParentUser }, condition: s }`);
      expect(m({ User: 'bob', ParentUser: 'SYSTEM' })).toBe(true);
      expect(m({ User: 'bob', ParentUser: 'BOB' })).toBe(false);
      expect(m({ User: 'bob' })).toBe(false);
    }
  });

  it('neq with fieldref|contains: the other value occurs nowhere in the field', () => {
    const m = det(`{ s: { CommandLine|fieldref|contains|neq: User }, condition: s }`);
    expect(m({ CommandLine: 'whoami', User: 'bob' })).toBe(true);
    expect(m({ CommandLine: 'runas bob', User: 'bob' })).toBe(false);
  });

  it('neq is numeric not-equal for numbers, as pySigma, and ignores events without the field', () => {
    const m = det(`{ s: { LogonType|neq: 3 }, condition: s }`);
    expect(m({ LogonType: 10 })).toBe(true);
    expect(m({ LogonType: '3' })).toBe(false);
    expect(m({})).toBe(false);
  });

  it('rejects neq with a match kind it cannot negate instead of matching unnegated', () => {
    expect(() => det(`{ s: { F|neq|re: 'a.*' }, condition: s }`)).toThrow("modifier 're' cannot follow 'neq'");
    expect(() => det(`{ s: { F|gt|neq: 3 }, condition: s }`)).toThrow("modifier 'neq' cannot follow 'gt'");
  });
});
