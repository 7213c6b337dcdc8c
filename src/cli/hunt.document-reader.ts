/** Hunt input of JSON documents: one or several objects spread over lines, streamed when large collections. */
import { constants, isAscii } from 'node:buffer';
import type { MatchableEvent } from '../engine/normalize/normalize';
import type { EventBatch, InputEvents, ShapeReader } from './hunt.input';
import { InputError, jsonStructure, sizeText, tooLongForText } from './hunt.input-error';
import { JsonArrayError, firstNonBlank } from './hunt.json-array';
import { JsonDocumentSplitter } from './hunt.json-document';

/**
 * A document held whole past this many bytes is streamed instead when it is a collection of events so far
 * (hunt.json-document.ts): a whole document needs several times its size in memory, and V8 cannot hold a
 * string past 512 MiB. Smaller documents are read whole, whatever their shape. Lowered by tests.
 */
export const documentLimits = { streamPast: 64 << 20 };

/**
 * JSON objects spread over several lines, one after another (one analysis request body or CloudTrail file, or
 * the pretty-printed objects jq writes): each read whole while it is small; once past
 * documentLimits.streamPast, an object of event arrays (or a request whose `events` is an array) is streamed
 * element by element (its other values must be paging values or a request's: anything else ends the hunt
 * with an input error, as it could no longer be read as one event). Text that does not open with `{` is read
 * whole, as plain lines.
 */
export class DocumentReader implements ShapeReader {
  /** The document under way: its bytes while held, how many, and what its splitter made of them. */
  private parts: Buffer[] = [];
  private size = 0;
  private splitter = new JsonDocumentSplitter();
  /** Elements split while the document is held, handed over if it turns out to be streamed. */
  private elements: Buffer[] = [];
  /** The structure broke while held: JSON.parse of the document (or, for the first, reading it as lines) says how. */
  private broken = false;
  private streaming = false;
  /** Every byte held so far is ASCII (one UTF-16 unit a byte: the longest string is that many bytes). */
  private ascii = true;
  /** Why the splitter found the document broken (JSON.parse says it again, once the document is whole). */
  private brokenBecause: string | undefined;
  /**
   * An input error held back until the events before it are hunted: a streamed document that turned out not to be
   * a collection, or what broke after earlier documents of the same push. Thrown at the next step.
   */
  private pending: InputError | undefined;
  /** Documents read so far (a later one must be JSON too), and bytes before the one under way (error positions). */
  private documents = 0;
  private before = 0;

  constructor(private readonly events: InputEvents) {}

  push(bytes: Buffer): EventBatch | undefined {
    if (this.pending !== undefined) throw this.pending;
    const batches: EventBatch[] = [];
    let rest: Buffer | undefined = bytes;
    try {
      while (rest !== undefined && rest.length > 0) rest = this.pushPart(rest, batches);
    } catch (error) {
      // The events of the documents before the error are hunted first; the error comes at the next step.
      if (!(error instanceof InputError) || batches.length === 0) throw error;
      this.pending = error;
    }
    return joinBatches(batches);
  }

  end(): EventBatch | undefined {
    if (this.pending !== undefined) throw this.pending;
    return this.finishDocument(true);
  }

  /** Feeds the document under way; returns the bytes after it when it closed in `bytes`. */
  private pushPart(bytes: Buffer, batches: EventBatch[]): Buffer | undefined {
    if (this.size === 0 && !this.streaming) {
      // Blanks between documents belong to none.
      const first = firstNonBlank(bytes);
      if (first === -1) {
        this.before += bytes.length;
        return undefined;
      }
      if (this.documents > 0 && bytes[first] !== 0x7b) throw new InputError(`${this.events.name}: not valid JSON (unexpected ${JSON.stringify(String.fromCharCode(bytes[first]))} after the JSON object that ends at byte ${this.before})`);
      bytes = bytes.subarray(first);
      this.before += first;
    }
    if (this.streaming) {
      const elements = this.split(bytes);
      this.size += this.splitter.closed ? this.splitter.consumed : bytes.length;
      batches.push(...nonEmpty(this.events.batchOf(elements, this.events.element)));
      return this.afterClose(bytes, batches);
    }
    this.parts.push(bytes);
    this.size += bytes.length;
    if (this.ascii && !isAscii(bytes)) this.ascii = false;
    if (!this.broken) {
      try {
        for (const element of this.splitter.push(bytes)) this.elements.push(element);
      } catch (error) {
        if (!(error instanceof JsonArrayError)) throw error;
        this.broken = true;
        this.brokenBecause = error.message;
        this.elements = [];
      }
    }
    if (!this.broken && this.splitter.closed) return this.afterClose(bytes, batches);
    if (this.size <= documentLimits.streamPast) return undefined;
    // A large JSON object that breaks: no need to hold the rest to say so.
    if (this.broken && this.parts[0][0] === 0x7b) throw new InputError(`${this.events.name}: not valid JSON (${this.brokenBecause ?? 'broken'})`);
    if (this.broken || !this.splitter.collection) {
      // Read whole at its end: fail now when it cannot be (a UTF-16 unit takes 1 byte of ASCII, at most 3 bytes).
      if (this.size > (this.ascii ? 1 : 3) * constants.MAX_STRING_LENGTH) throw this.tooLarge(this.size);
      return undefined;
    }
    this.streaming = true;
    this.parts = [];
    const held = this.elements;
    this.elements = [];
    batches.push(...nonEmpty(this.events.batchOf(held, this.events.element)));
    return undefined;
  }

  /** When the document closed within `bytes`: its events, and the bytes after it for the next document. */
  private afterClose(bytes: Buffer, batches: EventBatch[]): Buffer | undefined {
    // A refused collection's error comes at the next step, once the events before it are hunted.
    if (!this.splitter.closed || this.pending !== undefined) return undefined;
    const consumed = this.splitter.consumed;
    if (!this.streaming) {
      // The held parts end with `bytes`: keep only what belongs to this document.
      this.parts[this.parts.length - 1] = bytes.subarray(0, consumed);
      this.size -= bytes.length - consumed;
    }
    batches.push(...nonEmpty(this.finishDocument(false)));
    return bytes.subarray(consumed);
  }

  /** The events of the document under way, which ends here; a fresh splitter for the next. */
  private finishDocument(atEnd: boolean): EventBatch | undefined {
    if (this.streaming) {
      this.structure(() => this.splitter.end());
      this.reset();
      return undefined;
    }
    if (this.size === 0) return undefined;
    const whole = this.whole();
    this.elements = [];
    // A later document that breaks off, or follows with what is not JSON, is an error like the first one's.
    const events = this.documents > 0 && atEnd && !this.splitter.closed ? this.brokenLater(whole) : this.events.documentBatch(whole);
    this.reset();
    return events;
  }

  private brokenLater(text: string): never {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new InputError(`${this.events.name}: not valid JSON (the object after byte ${this.before}: ${error instanceof Error ? error.message : String(error)})`);
    }
    throw new InputError(`${this.events.name}: not valid JSON (the object after byte ${this.before} does not end)`);
  }

  private reset(): void {
    this.before += this.size;
    this.documents++;
    this.parts = [];
    this.size = 0;
    this.splitter = new JsonDocumentSplitter();
    this.elements = [];
    this.broken = false;
    this.brokenBecause = undefined;
    this.ascii = true;
    this.streaming = false;
    this.pending = undefined;
  }

  /** The elements of `bytes`; those before a value no collection holds, then an input error at the next step. */
  private split(bytes: Buffer): Buffer[] {
    const elements = this.structure(() => this.splitter.push(bytes));
    const why = this.splitter.notCollection;
    if (why === undefined) return elements;
    this.pending = new InputError(`${this.events.name}: read as a collection of events (a JSON document over ${sizeText(documentLimits.streamPast, 'bytes')}), but ${why}`);
    return elements.slice(0, this.splitter.elementsBefore);
  }

  private whole(): string {
    const bytes = Buffer.concat(this.parts);
    this.parts = [];
    try {
      return bytes.toString('utf8');
    } catch (error) {
      // Past V8's longest string: say what the input is and what reads it.
      if (tooLongForText(error)) throw this.tooLarge(bytes.length);
      throw error;
    }
  }

  private tooLarge(size: number): InputError {
    return new InputError(`${this.events.name}: a JSON document of ${sizeText(size, 'bytes')} that is not a collection of events (an object of event arrays) is too large to read whole; write it as JSON Lines, for example with jq -c`);
  }

  private structure<T>(step: () => T): T {
    return jsonStructure(this.events.name, step);
  }
}

function nonEmpty(batch: EventBatch | undefined): EventBatch[] {
  return batch === undefined ? [] : [batch];
}

/** Batches visited one after the other, as one. */
function joinBatches(batches: EventBatch[]): EventBatch | undefined {
  if (batches.length <= 1) return batches[0];
  return {
    forEach(visit: (event: MatchableEvent) => void): void {
      for (const batch of batches) batch.forEach(visit);
    },
  };
}
