import { JsonArrayError, JsonArraySplitter } from './hunt.json-array';

/** Feeds `text` in pieces of `size` bytes; the elements parsed, or the first error (splitter or JSON.parse). */
function split(text: string, size: number): { elements: unknown[] } | { error: string } {
  const bytes = Buffer.from(text);
  const splitter = new JsonArraySplitter();
  const elements: unknown[] = [];
  try {
    for (let at = 0; at < bytes.length; at += size) {
      for (const element of splitter.push(bytes.subarray(at, at + size))) elements.push(JSON.parse(element.toString('utf8')));
    }
    splitter.end();
  } catch (error) {
    return { error: (error as Error).message };
  }
  return { elements };
}

const SIZES = [1, 2, 3, 5, 7, 64, 1 << 20];

const VALID = [
  '[]',
  ' [ ] ',
  '[{"EventID":4688,"CommandLine":"cmd.exe /c \\"echo ], } ,\\" \\\\","Image":"C:\\\\Windows\\\\cmd.exe"}]',
  '[\n  {\n    "a": [1, [2, {"b": "]"}]],\n    "c": {}\n  },\n  {"d": "\\\\"}\n]\n',
  '[1, -2.5e3, true, false, null, "x", "", "\\"", "a\\\\", [], {}]',
  '[1,2]',
  '["Mar  1 10:00:00 web1 sshd[10]: Failed password", "line\\nnext"]',
  '[{"k": "ünïcødé € 𝄞"}, {"k": "\\u00e9\\ud834\\udd1e"}]',
  '[[[[]]], [{"a": [{"b": []}]}]]',
  '[\t1\r\n,\r\n2\t]',
];

const INVALID = [
  '',
  '   ',
  '[',
  '[1,',
  '[1,]',
  '[,1]',
  '[1 2]',
  '[1] 2',
  '[1]]',
  '[{"a": 1}}]',
  '[{"a": 1]',
  '[{"a": [1}]]',
  '[tru]',
  '[1, "unterminated]',
  '[{"a": "b"',
  '[1}',
  '["a" "b"]',
  '[01]',
  '[1]\n[2]',
  '\ufeff[{"EventID": 1}]',
];

describe('JsonArraySplitter', () => {
  it.each(VALID)('gives the elements JSON.parse gives, however the bytes are cut: %j', (text) => {
    const expected = JSON.parse(text) as unknown[];
    for (const size of SIZES) expect(split(text, size)).toEqual({ elements: expected });
  });

  it.each(INVALID)('rejects what JSON.parse rejects, however the bytes are cut: %j', (text) => {
    expect(() => JSON.parse(text)).toThrow();
    for (const size of SIZES) expect(split(text, size)).toEqual({ error: expect.any(String) });
  });

  it('says where the structure breaks and that an unclosed array ended early', () => {
    expect(split('[1, 2 3]', 64)).toEqual({ error: 'expected , or ] after an element, found 3 (byte 6)' });
    expect(split('[1]x', 64)).toEqual({ error: 'unexpected x after the closing ] (byte 3)' });
    expect(split('[1,]', 64)).toEqual({ error: 'unexpected ] where an element should be (byte 3)' });
    expect(split('[{"a": 1}', 4)).toEqual({ error: 'the array is not closed: the input ends after 9 bytes' });
    expect(split(' \n', 1)).toEqual({ error: 'no JSON array found' });
    expect(split('{"a": [1]}', 64)).toEqual({ error: 'expected [ to open the array (byte 0)' });
    expect(() => new JsonArraySplitter().push(Buffer.from('{'))).toThrow(JsonArrayError);
  });

  it('hands over each element as soon as its last byte arrives', () => {
    const splitter = new JsonArraySplitter();
    expect(splitter.push(Buffer.from('[{"a": 1}, {"b"'))).toEqual([Buffer.from('{"a": 1}')]);
    expect(splitter.push(Buffer.from(': 2}'))).toEqual([Buffer.from('{"b": 2}')]);
    expect(() => splitter.end()).toThrow(/not closed/);
    expect(splitter.push(Buffer.from(', 3]'))).toEqual([Buffer.from('3')]);
    expect(() => splitter.end()).not.toThrow();
  });
});
