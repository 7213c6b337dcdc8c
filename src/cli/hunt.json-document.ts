/**
 * Splits a JSON document that is an object of event arrays (a CloudTrail log file's `{"Records": [...]}`, an
 * `aws cloudtrail lookup-events` or Microsoft Graph export with its paging token), fed as byte chunks cut
 * anywhere, into the bytes of its arrays' elements, in document order. The hunt reads a document whole while
 * it is small, and streams it with this once it grows past what it is willing to hold (hunt.input.ts).
 *
 * The top-level object's structure is checked here (braces, keys, colons, commas; keys and the values
 * that are not arrays are parsed on their own); each array is split by JsonArraySplitter and each element
 * parsed on its own by the caller. The document is streamed only while it has one of the two shapes the hunt
 * reads as several events when it reads a document whole (hunt.input.ts):
 * - a collection (isEventCollection): every value an array of objects, or a paging value;
 * - an analysis request body whose `events` is an array (isRequestBody): no other keys than `events`,
 *   `context` and `scope`; its events may be objects or log lines.
 */
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, JsonArrayError, JsonArraySplitter, OPEN_BRACE, OPEN_BRACKET, QUOTE, describe, firstNonBlank, isBlank } from './hunt.json-array';
import { COLLECTION_METADATA_KEYS } from '../engine/normalize/normalize';

/** Values other than arrays are paging tokens or a request's context: longer ones make the document neither shape. */
const SKIPPED_MAX = 1 << 20;

/** Keys of an analysis request body (the API document). */
const REQUEST_KEYS = new Set(['events', 'context', 'scope']);

type Phase = 'open' | 'first' | 'key' | 'inKey' | 'colon' | 'value' | 'array' | 'other' | 'next' | 'closed';


export class JsonDocumentSplitter {
  private phase: Phase = 'open';
  private offset = 0;
  /** The key being read (its bytes, across chunks) and the last one read. */
  private keyParts: Buffer[] = [];
  private key = '';
  private array: JsonArraySplitter | undefined;
  /** Scanning a value that is not an array: nesting, and string state. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Where the array being split began (its `[`), for error positions. */
  private arrayStart = 0;
  /** Why the document is not a collection of events, once a value says so (it has neither shape above). */
  notCollection: string | undefined;
  /** Why it is not each shape (notCollection is set once both are). */
  private notEventArrays: string | undefined;
  private notRequest: string | undefined;
  private readonly keys = new Set<string>();
  /** A skipped value's bytes, parsed once it ends (undefined past SKIPPED_MAX: too large to be either shape's). */
  private skipped: Buffer[] | undefined = [];
  private skippedSize = 0;
  /** How many of the elements the push that found notCollection returned came before the value that did. */
  elementsBefore = 0;
  private sawArray = false;
  /** The elements of the push under way. */
  private out: Buffer[] = [];
  /** Bytes of the last chunk pushed that belong to the document: all of them, unless it closed within the chunk. */
  consumed = 0;

  /** Whether the document's closing `}` has been read (push reads nothing after it). */
  get closed(): boolean {
    return this.phase === 'closed';
  }

  /** Whether everything read so far is what a collection of events holds (at least one array begun). */
  get collection(): boolean {
    return this.notCollection === undefined && this.sawArray;
  }

  /** The elements completed in `chunk`, in order; throws JsonArrayError where the document's structure breaks. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    this.out = out;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.phase === 'array') {
        i = this.inArray(chunk, i, out);
        continue;
      }
      if (this.phase === 'inKey') {
        i = this.inKey(chunk, i);
        continue;
      }
      if (this.phase === 'other') {
        i = this.skipValue(chunk, i);
        continue;
      }
      const c = chunk[i];
      if (isBlank(c)) {
        i++;
        continue;
      }
      if (this.phase === 'value' && c === OPEN_BRACKET) {
        // The array splitter reads the array from its own `[`.
        this.array = new JsonArraySplitter(true);
        this.arrayStart = this.offset + i;
        this.sawArray = true;
        this.phase = 'array';
        // A request's own arrays are not events, a collection's are: which it is shows only at its end.
        if (this.key === 'context' || this.key === 'scope') this.refuse(`"${this.key}" is an array`);
        continue;
      }
      this.structural(c, i);
      i++;
      if (this.phase === 'closed') {
        // What follows is the caller's (the next document of a stream, such as jq's output).
        this.consumed = i;
        this.offset += i;
        return out;
      }
    }
    this.consumed = n;
    this.offset += n;
    return out;
  }

  /** Throws unless the document was closed. */
  end(): void {
    if (this.phase === 'closed') return;
    if (this.phase === 'open') throw new JsonArrayError('no JSON object found');
    throw new JsonArrayError(`the document is not closed: the input ends after ${this.offset} bytes`);
  }

  /** One structural byte of the top-level object (`c` at `i`, not blank). */
  private structural(c: number, i: number): void {
    switch (this.phase) {
      case 'open':
        if (c !== OPEN_BRACE) throw this.error('expected { to open the document', i);
        this.phase = 'first';
        return;
      case 'first':
      case 'key':
        if (c === CLOSE_BRACE && this.phase === 'first') {
          this.phase = 'closed';
          return;
        }
        if (c !== QUOTE) throw this.error(`expected a key, found ${describe(c)}`, i);
        this.phase = 'inKey';
        return;
      case 'colon':
        if (c !== COLON) throw this.error(`expected : after the key "${this.key}", found ${describe(c)}`, i);
        this.phase = 'value';
        return;
      case 'value':
        this.startValue(c, i);
        return;
      case 'next':
        if (c === COMMA) this.phase = 'key';
        else if (c === CLOSE_BRACE) this.phase = 'closed';
        else throw this.error(`expected , or } after the value of "${this.key}", found ${describe(c)}`, i);
        return;
      case 'closed':
        throw this.error(`unexpected ${describe(c)} after the closing }`, i);
      default:
        return;
    }
  }

  /** A value that is not an array: skipped over (skipValue from the byte after `c`). */
  private startValue(c: number, i: number): void {
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COLON) throw this.error(`unexpected ${describe(c)} where the value of "${this.key}" should be`, i);
    this.phase = 'other';
    this.depth = c === OPEN_BRACE ? 1 : 0;
    this.inString = c === QUOTE;
    this.escaped = false;
    this.skipped = [Buffer.from([c])];
    this.skippedSize = 1;
    if (c === OPEN_BRACE || !COLLECTION_METADATA_KEYS.has(this.key)) this.refuseEventArrays(`"${this.key}" is not an array of events`);
    if (this.key === 'events') this.refuseRequest('its "events" is not an array');
  }

  /** Array bytes from `i`, up to its closing bracket when it is in this chunk; returns where to go on. */
  private inArray(chunk: Buffer, i: number, out: Buffer[]): number {
    const array = this.array as JsonArraySplitter;
    let elements: Buffer[];
    try {
      elements = array.push(i === 0 ? chunk : chunk.subarray(i));
    } catch (error) {
      if (!(error instanceof JsonArrayError)) throw error;
      // The array splitter counts bytes from the array's `[`: positions are the document's.
      const message = error.message.replace(/\(byte (\d+)\)$/, (_, b: string) => `(byte ${this.arrayStart + Number(b)})`);
      throw new JsonArrayError(`in "${this.key}": ${message}`);
    }
    for (const element of elements) {
      if (element[firstNonBlank(element)] !== OPEN_BRACE) this.refuseEventArrays(`"${this.key}" holds a value that is not an event object`);
      out.push(element);
    }
    if (!array.closed) return chunk.length;
    this.array = undefined;
    this.phase = 'next';
    return i + array.consumed;
  }

  private inKey(chunk: Buffer, i: number): number {
    const n = chunk.length;
    const start = i;
    while (i < n) {
      const c = chunk[i];
      if (this.escaped) this.escaped = false;
      else if (c === BACKSLASH) this.escaped = true;
      else if (c === QUOTE) {
        this.keyParts.push(chunk.subarray(start, i));
        this.key = this.keyOf(Buffer.concat(this.keyParts), i);
        this.keyParts = [];
        this.phase = 'colon';
        if (this.keys.has(this.key)) this.refuse(`the key "${this.key}" appears twice`);
        this.keys.add(this.key);
        if (!REQUEST_KEYS.has(this.key)) this.refuseRequest(`"${this.key}" is not a key of an analysis request`);
        return i + 1;
      }
      i++;
    }
    this.keyParts.push(chunk.subarray(start));
    return n;
  }

  /** A value other than an array, skipped: to the byte after it (a bare value ends before the byte that ends it). */
  private skipValue(chunk: Buffer, i: number): number {
    const from = i;
    const end = this.skipTo(chunk, i);
    this.keep(chunk.subarray(from, end));
    if (this.phase === 'next') this.checkSkipped(end);
    return end;
  }

  private skipTo(chunk: Buffer, i: number): number {
    const n = chunk.length;
    while (i < n) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 0) return this.valueDone(i + 1);
        }
        i++;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.depth === 0) return this.valueDone(i);
        if (--this.depth === 0) return this.valueDone(i + 1);
      } else if (this.depth === 0 && (c === COMMA || isBlank(c))) return this.valueDone(i);
      i++;
    }
    return n;
  }

  /** Keeps a skipped value's bytes for checkSkipped, up to SKIPPED_MAX. */
  private keep(bytes: Buffer): void {
    if (this.skipped === undefined || bytes.length === 0) return;
    this.skippedSize += bytes.length;
    if (this.skippedSize <= SKIPPED_MAX) {
      this.skipped.push(bytes);
      return;
    }
    this.skipped = undefined;
    this.refuse(`the value of "${this.key}" is over ${SKIPPED_MAX} bytes`);
  }

  /** A skipped value, ended: valid JSON, as JSON.parse of the whole document would require. */
  private checkSkipped(at: number): void {
    const bytes = this.skipped;
    this.skipped = undefined;
    if (bytes === undefined) return;
    try {
      JSON.parse(Buffer.concat(bytes).toString('utf8'));
    } catch (error) {
      throw this.error(`the value of "${this.key}" is not valid JSON (${error instanceof Error ? error.message : String(error)})`, at);
    }
  }

  private refuseEventArrays(why: string): void {
    this.notEventArrays ??= why;
    this.settle(why);
  }

  private refuseRequest(why: string): void {
    this.notRequest ??= why;
    this.settle(why);
  }

  private refuse(why: string): void {
    this.notEventArrays ??= why;
    this.notRequest ??= why;
    this.settle(why);
  }

  /**
   * Neither shape: the document is not streamed (or, streamed already, stops after the elements before). The
   * reason given is the one that ended the last shape still possible.
   */
  private settle(why: string): void {
    if (this.notCollection !== undefined || this.notEventArrays === undefined || this.notRequest === undefined) return;
    this.notCollection = why;
    this.elementsBefore = this.out.length;
  }

  private valueDone(at: number): number {
    this.phase = 'next';
    return at;
  }

  /** A key's text, its JSON escapes read as JSON.parse reads them (`i`: where it ends in the chunk, for errors). */
  private keyOf(bytes: Buffer, i: number): string {
    const raw = bytes.toString('utf8');
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch (error) {
      throw this.error(`a key is not a valid JSON string (${error instanceof Error ? error.message : String(error)})`, i);
    }
  }

  private error(message: string, i: number): JsonArrayError {
    return new JsonArrayError(`${message} (byte ${this.offset + i})`);
  }
}
