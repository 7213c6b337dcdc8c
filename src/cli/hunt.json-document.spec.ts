import { JsonArrayError } from './hunt.json-array';
import { JsonDocumentSplitter } from './hunt.json-document';

/** Feeds `text` in pieces of `size` bytes: the elements parsed and whether it stayed a collection, or the first error. */
function split(text: string, size: number): { elements: unknown[]; collection: boolean; why?: string } | { error: string } {
  const bytes = Buffer.from(text);
  const splitter = new JsonDocumentSplitter();
  const elements: unknown[] = [];
  try {
    for (let at = 0; at < bytes.length; at += size) {
      const chunk = bytes.subarray(at, at + size);
      // After the document, only blanks (a stream's next document is the reader's business).
      if (splitter.closed) {
        if (chunk.toString().trim() !== '') throw new JsonArrayError('content after the closing }');
        continue;
      }
      for (const element of splitter.push(chunk)) elements.push(JSON.parse(element.toString('utf8')));
      if (splitter.closed && chunk.subarray(splitter.consumed).toString().trim() !== '') throw new JsonArrayError('content after the closing }');
    }
    splitter.end();
  } catch (error) {
    if (!(error instanceof JsonArrayError)) throw error;
    return { error: error.message };
  }
  return splitter.notCollection === undefined ? { elements, collection: splitter.collection } : { elements, collection: false, why: splitter.notCollection };
}

const SIZES = [1, 2, 3, 5, 7, 64, 1 << 20];

/** Every array element of every top-level array, in document order (what a collection's events are). */
function arrayElements(text: string): unknown[] {
  const doc = JSON.parse(text) as Record<string, unknown>;
  return Object.values(doc).flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : []));
}

const COLLECTIONS = [
  '{"Records": []}',
  '{"Records": [{"eventName": "StopLogging", "x": "}], ]\\" {"}]}',
  '{\n  "Records": [\n    {"a": [1, {"b": "]"}]},\n    {"c": "\\\\"}\n  ]\n}\n',
  '{"Events": [{"EventName": "ConsoleLogin", "CloudTrailEvent": "{\\"a\\": [1]}"}], "NextToken": "abc=="}',
  '{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns", "value": [{"id": "1"}, {"id": "2"}], "@odata.nextLink": "https://x/?$skiptoken=a\\"b"}',
  '{"a": [{"k": 1}], "b": [{"k": 2}, {"k": 3}], "nextLink": null}',
  '{"Records": [{"k": "ünïcødé € 𝄞"}], "Extra": [{"k": "\\u00e9"}]}',
  '{"R\\u0065cords": [{"k": 1}], "Next\\u0054oken": "t"}',
  '{"Records": [{"k": 1}], "events": [{"k": 2}]}',
];

/** Analysis request bodies whose `events` is an array: its elements are the events, objects or log lines. */
const REQUESTS = [
  '{"events": [{"EventID": 1}, "Mar  1 10:00:00 web1 sshd[10]: Failed password", {"b": "]"}], "context": {"note": "x", "n": [1, 2]}, "scope": "all"}',
  '{"context": {"tenant": "a"}, "events": []}',
];

const NOT_COLLECTIONS: Array<[string, RegExp]> = [
  ['{"Records": [{"a": 1}], "Records": []}', /the key "Records" appears twice/],
  ['{"events": {"auth": [{"a": 1}]}}', /"events" is not an array/],
  ['{"events": [{"a": 1}], "scope": [{"b": 2}]}', /"scope" is an array/],
  ['{"events": ["a line"], "owner": "x"}', /"owner" is not a key of an analysis request/],
  [`{"Records": [{"a": 1}], "nextToken": "${'t'.repeat(1 << 20)}"}`, /the value of "nextToken" is over 1048576 bytes/],
  ['{"Records": [{"a": 1}], "owner": "alice"}', /"owner" is not an array of events/],
  ['{"took": 3, "hits": {"hits": [{"_source": {}}]}}', /"took"/],
  ['{"Records": [{"a": 1}, "a log line"]}', /"Records" holds a value that is not an event object/],
  ['{"tags": ["a", "b"]}', /"tags" holds a value/],
  ['{"NextToken": {"nested": true}, "Records": [{"a": 1}]}', /"NextToken" is not an array/],
];

const INVALID = ['{"Records": [], "nextToken": -}', '{"nextToken": \\-1}', '{"E\\vents": [1]}', '{"Records": [], "nextToken": 12"x"}', '{"NextToken": tru}', '{"a\u0001b": []}', '', '{', '{"a": [1,]}', '{"a" [1]}', '{"a": [1]', '{"a": [1]} x', '{"a": [1],}', '{,"a": [1]}', '{"a": }', '{"a": [1] "b": [2]}'];

describe('JsonDocumentSplitter', () => {
  it.each(COLLECTIONS)('gives the elements of every top-level array of a collection, however the bytes are cut: %j', (text) => {
    const expected = arrayElements(text);
    for (const size of SIZES) expect(split(text, size)).toEqual({ elements: expected, collection: expected.length > 0 || text.includes('[') });
  });

  it.each(REQUESTS)('gives the events of a request body, log lines included: %j', (text) => {
    const expected = (JSON.parse(text) as { events: unknown[] }).events;
    for (const size of SIZES) expect(split(text, size)).toEqual({ elements: expected, collection: true });
  });

  it.each(NOT_COLLECTIONS)('says why %j is not a collection of events', (text, why) => {
    for (const size of SIZES) {
      const result = split(text, size);
      expect(result).toMatchObject({ collection: false, why: expect.stringMatching(why) });
    }
  });

  it('an empty object is no collection', () => {
    expect(split('{ }', 1)).toEqual({ elements: [], collection: false });
  });

  it.each(INVALID)('refuses what JSON.parse refuses: %j', (text) => {
    expect(() => JSON.parse(text)).toThrow();
    for (const size of SIZES) expect(split(text, size)).toEqual({ error: expect.any(String) });
  });

  it('reads only objects', () => {
    expect(split('[{"a": 1}]', 3)).toEqual({ error: expect.stringMatching(/expected \{ to open the document/) });
  });

  it('places an error inside an array at its byte in the document', () => {
    expect(split('{"Records": [{"a": 1},, {"b": 2}]}', 4)).toEqual({ error: expect.stringMatching(/^in "Records": .*\(byte 22\)$/) });
  });
});
