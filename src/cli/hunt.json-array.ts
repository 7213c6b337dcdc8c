/**
 * Splits a top-level JSON array, fed as byte chunks cut anywhere, into the bytes of its elements, so a
 * JSON array file of any size is hunted element by element instead of being read and parsed whole (a
 * whole document needs several times its size in memory, and V8 cannot hold a string past 512 MiB).
 *
 * Only the array's own structure is checked here: brackets, commas, whitespace. Each element is then
 * given to JSON.parse on its own, which checks the rest; together the two accept exactly the arrays
 * JSON.parse accepts. Scanning bytes is safe for UTF-8: every byte of a multi-byte character is >= 0x80,
 * so it is never taken for a quote, a bracket or a comma.
 */

export class JsonArrayError extends Error {}

type Phase = 'open' | 'first' | 'value' | 'inValue' | 'next' | 'closed';

/** JSON's structural bytes (shared with hunt.json-document.ts). */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

/** JSON's whitespace. */
export function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index of the first byte that is not JSON whitespace, -1 for none. */
export function firstNonBlank(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) if (!isBlank(bytes[i])) return i;
  return -1;
}

export class JsonArraySplitter {
  private phase: Phase = 'open';
  /** Bytes seen so far, for error positions. */
  private offset = 0;
  /** Open brackets and braces inside the current element. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The current element's bytes from earlier chunks. */
  private parts: Buffer[] = [];
  /**
   * Bytes of the last chunk pushed that belong to the array: all of them, unless an `embedded` array closed
   * within the chunk (the bytes after its `]` are the enclosing document's).
   */
  consumed = 0;

  /** `embedded`: an array inside a larger document, which stops at its closing bracket instead of refusing what follows. */
  constructor(private readonly embedded = false) {}

  /** Whether the array has been closed. */
  get closed(): boolean {
    return this.phase === 'closed';
  }

  /** The elements completed in `chunk`, in order; throws JsonArrayError where the array's structure breaks. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    const n = chunk.length;
    let start = this.phase === 'inValue' ? 0 : -1;
    this.consumed = n;
    for (let i = 0; i < n; i++) {
      if (this.embedded && this.phase === 'closed') {
        this.consumed = i;
        this.offset += i;
        return out;
      }
      const c = chunk[i];
      if (this.phase === 'inValue') {
        const end = this.scanValue(chunk, i);
        if (end === -1) break;
        out.push(this.take(chunk, start, end));
        start = -1;
        i = end - 1;
        continue;
      }
      if (isBlank(c)) continue;
      switch (this.phase) {
        case 'open':
          if (c !== OPEN_BRACKET) throw this.error('expected [ to open the array', i);
          this.phase = 'first';
          break;
        case 'first':
        case 'value':
          if (c === CLOSE_BRACKET && this.phase === 'first') {
            this.phase = 'closed';
            break;
          }
          if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE) throw this.error(`unexpected ${String.fromCharCode(c)} where an element should be`, i);
          this.phase = 'inValue';
          this.depth = 0;
          start = i;
          i--;
          break;
        case 'next':
          if (c === COMMA) this.phase = 'value';
          else if (c === CLOSE_BRACKET) this.phase = 'closed';
          else throw this.error(`expected , or ] after an element, found ${describe(c)}`, i);
          break;
        case 'closed':
          throw this.error(`unexpected ${describe(c)} after the closing ]`, i);
      }
    }
    if (this.phase === 'inValue' && start !== -1) this.parts.push(chunk.subarray(start));
    this.offset += n;
    return out;
  }

  /** Throws unless the array was closed. */
  end(): void {
    if (this.phase === 'closed') return;
    if (this.phase === 'open') throw new JsonArrayError('no JSON array found');
    throw new JsonArrayError(`the array is not closed: the input ends after ${this.offset} bytes`);
  }

  /**
   * Scans the current element from `i`: the index just past its last byte once it ends in this chunk
   * (the phase then moves to 'next'), else -1 (the state carries over to the next chunk).
   */
  private scanValue(chunk: Buffer, i: number): number {
    const n = chunk.length;
    while (i < n) {
      let c = chunk[i];
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        // String content runs until a quote or a backslash: the common case, in a tight loop.
        while (c !== QUOTE && c !== BACKSLASH && ++i < n) c = chunk[i];
        if (i === n) return -1;
        i++;
        if (c === BACKSLASH) this.escaped = true;
        else {
          this.inString = false;
          if (this.depth === 0) return this.finish(i);
        }
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        // A bare value (number, true...) ends at the array's own closing bracket.
        if (this.depth === 0) return this.finish(i);
        if (--this.depth === 0) return this.finish(i + 1);
      } else if (this.depth === 0 && (c === COMMA || isBlank(c))) return this.finish(i);
      i++;
    }
    return -1;
  }

  private finish(end: number): number {
    this.phase = 'next';
    return end;
  }

  /** The element's bytes: the chunk's own part, joined with earlier chunks' parts when it began before. */
  private take(chunk: Buffer, start: number, end: number): Buffer {
    if (this.parts.length === 0) return chunk.subarray(start, end);
    const whole = Buffer.concat([...this.parts, chunk.subarray(Math.max(start, 0), end)]);
    this.parts = [];
    return whole;
  }

  private error(message: string, i: number): JsonArrayError {
    return new JsonArrayError(`${message} (byte ${this.offset + i})`);
  }
}

export function describe(c: number): string {
  return c >= 0x21 && c < 0x7f ? String.fromCharCode(c) : `byte 0x${c.toString(16).padStart(2, '0')}`;
}
