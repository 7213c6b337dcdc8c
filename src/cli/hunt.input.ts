/**
 * Reads hunt input: JSON Lines (one event, one request body or one log line as a JSON string per line),
 * plain log lines (syslog, web access, Zeek TSV...), a JSON array of events, an analysis request body
 * (`{"events": {...}}`) or Windows event XML. All are streamed (line by line, element by element, one
 * `<Event>` at a time) except a JSON object spread over several lines, which is one document, parsed whole.
 */
import { isAscii } from 'node:buffer';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { CanonicalEvent } from '../engine/model';
import { normalizeRequestEvents } from '../engine/normalize';
import { type MatchableEvent, type YearReference, normalizeForMatching, normalizeLogLine } from '../engine/normalize/normalize';
import { isEventCollection, splitRecords, xmlEvents } from '../engine/normalize/normalize';
import { cutWevtutilText } from '../engine/normalize/formats/wevtutil-text';
import type { LineContext } from '../engine/normalize/types';
import { JsonArraySplitter } from './hunt.json-array';
import { DocumentReader, documentLimits } from './hunt.document-reader';
import { InputError, jsonStructure, sizeText } from './hunt.input-error';
import { binaryInputProblem, utf8Chunks } from './hunt.text';

export interface InputProgress {
  bytesRead: number;
  totalBytes?: number;
}

export { InputError } from './hunt.input-error';
export { documentLimits } from './hunt.document-reader';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Events of one read chunk, handed over one by one (a callback per event costs less than a generator step). */
export interface EventBatch {
  forEach(visit: (event: MatchableEvent) => void): void;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Keys of an analysis request body (the API document): an object holding only these and `events` is one. */
const REQUEST_KEYS = new Set(['events', 'context', 'scope']);

/**
 * An analysis request body: `events` an object (the API document's shape), or an array of events in an
 * object with no other keys than a request's (`{"events": [...]}` is how event lists are often wrapped).
 */
function isRequestBody(value: unknown): value is { events: Record<string, unknown> | unknown[] } {
  if (!isRecord(value)) return false;
  const events = value.events;
  if (isRecord(events)) return true;
  return Array.isArray(events) && Object.keys(value).every((k) => REQUEST_KEYS.has(k));
}

/** The events of a request body as the normaliser reads them. */
function requestEvents(body: { events: Record<string, unknown> | unknown[] }): Record<string, unknown> {
  return Array.isArray(body.events) ? { events: body.events } : body.events;
}

/**
 * The events an object holds: a request body's, or a collection's (a CloudTrail file, a search response); undefined
 * for one event. Year-less times take the year of the batch's dated events, else that of `referenceTime`.
 */
function heldEvents(value: unknown, referenceTime: number | undefined): CanonicalEvent[] | undefined {
  if (isRequestBody(value)) return normalizeRequestEvents(requestEvents(value), { referenceTime }).events;
  if (isEventCollection(value)) return normalizeRequestEvents({ events: value }, { referenceTime }).events;
  return undefined;
}

/**
 * A whole document: a request body, collection or single event object spread over several lines, or plain
 * lines (year-less times dated by `referenceTime`). JSON arrays and event XML never get here: they stream.
 */
function normalizeDocument(text: string, name: string, referenceTime: number | undefined): CanonicalEvent[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed[0] === '{') {
    const parsed = tryParse(trimmed);
    if (parsed.ok) return heldEvents(parsed.value, referenceTime) ?? normalizeRequestEvents({ events: [parsed.value] }, { referenceTime }).events;
    // Its first line was not a complete JSON object either (that would be JSON Lines): a broken document.
    throw new InputError(`${name}: not valid JSON (${parsed.error})`);
  }
  return normalizeRequestEvents({ lines: text }, { referenceTime }).events;
}

type Mode = 'undecided' | 'lines' | 'text' | 'array' | 'xml' | 'document' | 'records';

/**
 * What the user says an input is (`--input-format`): `auto` tells it from the file name (CSV) and the first
 * line; `json` is JSON Lines, a JSON array or one JSON document, and anything else is an error; `text` reads
 * every line as a log line, even one that opens like JSON; `xml` is Windows event XML; `csv` a CSV export.
 */
export const INPUT_FORMATS = ['auto', 'json', 'csv', 'xml', 'text'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** The formats readInputEvents reads (CSV has a reader of its own: hunt.csv.ts). */
export type TextInputFormat = Exclude<InputFormat, 'csv'>;

/**
 * Appends the lines of `buffer[start, end)` (`end` at a newline) to `lines`; returns how many. A line of
 * ASCII bytes is decoded as Latin-1, which gives the same string as UTF-8 at a third of the cost
 * (telemetry is mostly ASCII); any other line is decoded as UTF-8. A newline byte never occurs inside
 * a multi-byte UTF-8 sequence, so cutting the bytes at newlines is safe.
 */
function decodeLines(buffer: Buffer, start: number, end: number, lines: string[]): number {
  let count = 0;
  for (let from = start; ; ) {
    let newline = buffer.indexOf(10, from);
    if (newline === -1 || newline > end) newline = end;
    lines.push(decode(buffer.subarray(from, newline)));
    count++;
    if (newline === end) return count;
    from = newline + 1;
  }
}

/** Bytes of one line or element as text: ASCII decoded as Latin-1 (the same string, faster), else UTF-8. */
function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

function matchable(event: CanonicalEvent, index: number): MatchableEvent {
  return { index, time: event.time, logsource: event.logsource, fields: event.fields };
}

function withoutCarriageReturn(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

/** Index of the first non-blank character, -1 for a blank line. */
function firstVisible(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return i;
  }
  return -1;
}

/**
 * Read line by line (streamed) unless the input is a JSON array (streamed element by element) or one
 * document: a JSON object spread over several lines, or Windows event XML. JSON Lines start with a
 * complete JSON object or a JSON string (a log line); anything else is a plain-text log, one event a line.
 */
function decide(line: string, format: TextInputFormat): Decision {
  const text = line.trim();
  if (text === '') return { mode: 'undecided' };
  if (format === 'xml' || format === 'text') return { mode: format === 'xml' ? 'xml' : 'text' };
  // wevtutil's text export: records of several lines, each from its `Event[N]:` line.
  if (format === 'auto' && /^Event\[\d+\]:$/.test(text)) return { mode: 'records' };
  if (text.startsWith('{')) {
    const parsed = tryParse(text);
    return parsed.ok ? { mode: 'lines', parsed } : { mode: 'document' };
  }
  if (text.startsWith('"')) {
    const parsed = tryParse(text);
    if (parsed.ok && typeof parsed.value === 'string') return { mode: 'lines', parsed };
    // A broken JSON string is no document either: with `json`, an error; else a log that opens with a quote.
    return format === 'json' ? { mode: 'undecided', notJson: text } : { mode: 'document' };
  }
  if (format === 'json') return text.startsWith('[') ? { mode: 'array' } : { mode: 'undecided', notJson: text };
  if (!opensDocument(text)) return { mode: 'lines' };
  if (text.startsWith('[')) return { mode: 'array' };
  return { mode: opensEventXml(text) ? 'xml' : 'document' };
}

/** An input's shape, and the first line's JSON when deciding it took a parse (a one-line file is not parsed twice). */
interface Decision {
  mode: Mode;
  parsed?: { ok: true; value: unknown };
  /** `--input-format json`, and the first line is not JSON: that line. */
  notJson?: string;
}

/** Windows event XML (wevtutil, EVTX exports): streamed one `<Event>` element at a time. */
function opensEventXml(text: string): boolean {
  return text.startsWith('<Event') || text.startsWith('<?xml');
}

/**
 * What an input whose first line has not ended yet turns out to be, when that is a stream needing no line
 * ends (a JSON array or event XML written on one line); undefined while its first characters are still to
 * come, 'undecided' when the first line has to end first.
 */
function opensUnendedLine(head: string): Mode | undefined {
  const text = head.trimStart();
  if (text.length < 6) return undefined;
  if (opensEventXml(text)) return 'xml';
  if (!text.startsWith('[')) return 'undecided';
  return text.slice(1).trim() === '' ? undefined : opensDocument(text) ? 'array' : 'undecided';
}

/** Whether a text (trimmed) opens as JSON: an object, or an array rather than a log line opening with a bracket. */
export function opensJson(text: string): boolean {
  return text.startsWith('{') || (text.startsWith('[') && opensDocument(text));
}

/**
 * A JSON array (`[` then what can start a JSON value, or nothing) or XML (`<` then a name or `?`); not
 * a log line that happens to open with a bracket: `[Wed Oct 11 ...] [error]` (Apache), `<34>Oct 11 ...`
 * (a syslog priority).
 */
function opensDocument(text: string): boolean {
  const next = text.slice(1).trimStart().charAt(0);
  // `[    0.000000] Linux version ...` (dmesg) opens with a number too: such a line is JSON only if it parses.
  if (text.startsWith('[') && /[\d-]/.test(next)) return tryParse(text).ok;
  if (text.startsWith('[')) return next === '' || /[[{"tfn\]]/.test(next);
  if (text.startsWith('<')) return next === '?' || next === '!' || /[A-Za-z_]/.test(next);
  return false;
}

/** Makes the events of one input, numbered from 0 in input order, whatever its shape. */
export class InputEvents {
  private index = 0;
  private elementNo = 0;
  /** Lines read so far (blank lines before the first one included): error messages name the line. */
  lineNo = 0;
  /** Plain-text logs: header lines (Zeek `#fields`, W3C `#Fields:`) shape the lines after them. */
  private readonly lineContext: LineContext;
  private readonly years: YearReference;
  /**
   * What the lines read took from the state they started from (a chunk of a large input is read from a state
   * that may turn out otherwise). `readsContext`: a log line was read at all (header lines change the context
   * in place, so any log line may have read or changed it). `readsYears`: a log line was dated by the year
   * reference (a year-less time) before any fully dated line of the chunk. `datedHere`: a fully dated line set
   * the year reference.
   */
  readsContext = false;
  readsYears = false;
  datedHere = false;
  /** Reused by every batch: a batch is iterated in full before the next is made. */
  private readonly out: MatchableEvent[] = [];
  /** The first line's JSON, parsed once already to decide the input's shape (the first line is the first to come to `line`). */
  private firstParsed: { ok: true; value: unknown } | undefined;
  constructor(
    readonly name: string,
    private readonly referenceTime: number | undefined,
    private readonly format: TextInputFormat = 'auto',
    state?: LineState,
  ) {
    this.lineContext = state?.lineContext ?? {};
    this.years = state?.years ?? { fallback: referenceTime };
  }

  /**
   * A batch that makes each item's events as it is iterated, so an event is garbage by the time the next
   * one is made (instead of a whole chunk of events outliving young-generation collections).
   */
  batchOf<T>(items: T[], eventsOf: (item: T, out: MatchableEvent[]) => void): EventBatch | undefined {
    if (items.length === 0) return undefined;
    const out = this.out;
    return {
      forEach(visit: (event: MatchableEvent) => void): void {
        for (let l = 0; l < items.length; l++) {
          eventsOf(items[l], out);
          for (let i = 0; i < out.length; i++) visit(out[i]);
          out.length = 0;
        }
      },
    };
  }

  /** One log line (plain text, a JSON string's text or an event XML element); blank and header lines make none. */
  readonly logLine = (text: string, out: MatchableEvent[]): void => {
    this.readsContext = true;
    const dated = this.years.lastDated;
    const event = normalizeLogLine(text, this.index, this.lineContext, this.years);
    // A time that did not set the reference came from it (a line with no time at all needs none).
    if (this.years.lastDated !== dated) this.datedHere = true;
    else if (!this.datedHere && event?.time !== undefined) this.readsYears = true;
    if (event === undefined) return;
    this.index++;
    out.push(event);
  };

  /** One line of JSON Lines (an event, a request body, a collection such as a CloudTrail file, a JSON string) or of a plain-text log. */
  readonly line = (line: string, out: MatchableEvent[]): void => {
    this.lineNo++;
    const text = withoutCarriageReturn(line);
    const first = firstVisible(text);
    if (first === -1) return;
    const c = text.charCodeAt(first);
    if (c === 123 /* { */) {
      const parsed = this.parsed(text);
      if (parsed.ok) {
        this.objectEvents(parsed.value, out);
        return;
      }
      if (this.format === 'json') throw this.notJson(parsed.error);
    }
    if (c === 34 /* " */) {
      // A JSON string line is one log line (JSON Lines of syslog or web access lines).
      const parsed = this.parsed(text);
      if (parsed.ok && typeof parsed.value === 'string') {
        this.logLine(parsed.value, out);
        return;
      }
      if (this.format === 'json') throw this.notJson(parsed.ok ? 'not an object or a string' : parsed.error);
    }
    if (this.format === 'json') throw this.notJson('not an object or a string');
    this.logLine(text, out);
  };

  /** A line of a text log read as it is (`--input-format text`): no line is taken for JSON. */
  readonly textLine = (line: string, out: MatchableEvent[]): void => {
    this.lineNo++;
    this.logLine(withoutCarriageReturn(line), out);
  };

  private notJson(reason: string): InputError {
    return new InputError(`${this.name}: line ${this.lineNo}: not valid JSON (${reason}); --input-format json reads only JSON`);
  }

  /** Hands the first line's JSON over, from the decision of the input's shape. */
  setFirstParsed(parsed: { ok: true; value: unknown } | undefined): void {
    this.firstParsed = parsed;
  }

  private parsed(text: string): ReturnType<typeof tryParse> {
    const first = this.firstParsed;
    if (first === undefined) return tryParse(text);
    this.firstParsed = undefined;
    return first;
  }

  /**
   * One element of a JSON array: what a line of JSON Lines would be, except that an element is never a
   * request body or a collection, and a string element may hold several log lines (as a request's array does).
   */
  readonly element = (bytes: Buffer, out: MatchableEvent[]): void => {
    const parsed = tryParse(decode(bytes));
    if (!parsed.ok) throw new InputError(`${this.name}: not valid JSON (array element ${this.elementNo}: ${parsed.error})`);
    this.elementNo++;
    if (typeof parsed.value === 'string') {
      for (const record of splitRecords(parsed.value)) this.logLine(record, out);
      return;
    }
    out.push(normalizeForMatching(parsed.value, this.index++, this.referenceTime));
  };

  /** A whole document (year-less times dated by the input's reference time), its events numbered after those before it. */
  document(text: string): MatchableEvent[] {
    return normalizeDocument(text, this.name, this.referenceTime).map((event) => matchable(event, this.index++));
  }

  /**
   * A whole document read now (its errors thrown now), its events numbered as they are visited: after the events of
   * batches made before it and visited first (a streamed collection's elements are numbered as visited too).
   */
  documentBatch(text: string): EventBatch | undefined {
    const events = normalizeDocument(text, this.name, this.referenceTime);
    if (events.length === 0) return undefined;
    return {
      forEach: (visit: (event: MatchableEvent) => void): void => {
        for (const event of events) visit(matchable(event, this.index++));
      },
    };
  }

  private objectEvents(value: unknown, out: MatchableEvent[]): void {
    const held = heldEvents(value, this.referenceTime);
    if (held === undefined) {
      out.push(normalizeForMatching(value, this.index++, this.referenceTime));
      return;
    }
    for (const event of held) out.push(matchable(event, this.index++));
  }
}

/** Reads the bytes of an input of one shape; the first bytes it gets are those of the input's first non-blank line. */
export interface ShapeReader {
  /** The events of the bytes just read that are complete; undefined when none is. */
  push(bytes: Buffer): EventBatch | undefined;
  /** The events left at the end of the input; throws InputError when the input breaks off. */
  end(): EventBatch | undefined;
}

/** JSON Lines and plain-text logs: every complete line of each chunk. */
class LineReader implements ShapeReader {
  /** Bytes of a line not yet ended, kept as parts so a very long line is copied once, not per chunk. */
  private partial: Buffer[] = [];
  private readonly eventsOf: (line: string, out: MatchableEvent[]) => void;

  /** `text`: every line is a log line (`--input-format text`), none is parsed as JSON. */
  constructor(
    private readonly events: InputEvents,
    text = false,
  ) {
    this.eventsOf = text ? events.textLine : events.line;
  }

  push(buffer: Buffer): EventBatch | undefined {
    const last = buffer.lastIndexOf(10);
    if (last === -1) {
      this.partial.push(buffer);
      return undefined;
    }
    const lines: string[] = [];
    let start = 0;
    if (this.partial.length > 0) {
      // The line an earlier chunk began ends here: joined on its own, not with the whole chunk.
      const newline = buffer.indexOf(10);
      lines.push(Buffer.concat([...this.partial, buffer.subarray(0, newline)]).toString('utf8'));
      this.partial = [];
      start = newline + 1;
    }
    if (last >= start) decodeLines(buffer, start, last, lines);
    if (last + 1 < buffer.length) this.partial.push(buffer.subarray(last + 1));
    return this.events.batchOf(lines, this.eventsOf);
  }

  end(): EventBatch | undefined {
    if (this.partial.length === 0) return undefined;
    return this.events.batchOf([Buffer.concat(this.partial).toString('utf8')], this.eventsOf);
  }
}

/** A JSON array, element by element. */
class ArrayReader implements ShapeReader {
  private readonly splitter = new JsonArraySplitter();

  constructor(private readonly events: InputEvents) {}

  push(bytes: Buffer): EventBatch | undefined {
    return this.events.batchOf(this.structure(() => this.splitter.push(bytes)), this.events.element);
  }

  end(): undefined {
    this.structure(() => this.splitter.end());
    return undefined;
  }

  private structure<T>(step: () => T): T {
    return jsonStructure(this.events.name, step);
  }
}

/** A wevtutil text record held past this many characters is not one (no record is near it): an input error. Lowered by tests. */
export const wevtutilLimits = { recordMax: 16 << 20 };

/** wevtutil's text export (`/f:text`): a record from each `Event[N]:` line to the next (wevtutil-text.ts), read as one log line. */
class WevtutilReader implements ShapeReader {
  private readonly decoder = new StringDecoder('utf8');
  /** The record under way (the last one begun). */
  private pending = '';
  /** The number the next record's header must have. */
  private next: number | undefined;

  constructor(private readonly events: InputEvents) {}

  push(bytes: Buffer): EventBatch | undefined {
    return this.events.batchOf(this.records(this.decoder.write(bytes), false), this.events.logLine);
  }

  end(): EventBatch | undefined {
    return this.events.batchOf(this.records(this.decoder.end(), true), this.events.logLine);
  }

  /**
   * The records `text` completes (all of them at the end). Only the new text, and the end of the held one where a
   * header cut by a chunk boundary began, is searched for the next header: a long record is not searched again.
   */
  private records(text: string, atEnd: boolean): string[] {
    const held = this.pending;
    if (this.next === undefined) {
      // The input opens with its first record's header: the next record is numbered one more.
      const first = /^Event\[(\d+)\]:/.exec(held + text);
      if (first === null && !atEnd && held.length + text.length < 64) {
        this.pending = held + text;
        return [];
      }
      this.next = Number(first?.[1] ?? -1) + 1;
    }
    // A header (`\r\nEvent[123456789]:\r\n  Log Name:`) is under 64 characters: search from that far back.
    const from = Math.max(0, held.length - 64);
    const tail = held.slice(from) + text;
    const cut = cutWevtutilText(tail, this.next);
    this.next = cut.next;
    const records = cut.records;
    if (records.length > 0) records[0] = held.slice(0, from) + records[0];
    const open = cut.records.length > 0 || cut.open > 0 ? tail.slice(cut.open) : held + text;
    if (atEnd) {
      this.pending = '';
      if (open.trim() !== '') records.push(open);
      return records;
    }
    if (open.length > wevtutilLimits.recordMax) throw new InputError(`${this.events.name}: a wevtutil text record of more than ${sizeText(wevtutilLimits.recordMax, 'characters')} (no next Event[N]: line): not a wevtutil export`);
    this.pending = open;
    return records;
  }
}

const EVENT_END = '</Event>';

/** Windows event XML: every `<Event>` element once its closing tag has arrived; text with no event at all is read whole, as a document. */
class XmlReader implements ShapeReader {
  private readonly decoder = new StringDecoder('utf8');
  /** Text after the last complete event (all of it until one is found), in the pieces it came in. */
  private pending: string[] = [];
  /** The last characters read, where a closing tag cut by a chunk boundary begins. */
  private tail = '';
  private found = false;

  /** `strict` (`--input-format xml`): text with no `<Event>` element is an error, not a plain-text log. */
  constructor(
    private readonly events: InputEvents,
    private readonly strict = false,
  ) {}

  push(bytes: Buffer): EventBatch | undefined {
    return this.events.batchOf(this.records(this.decoder.write(bytes)), this.events.logLine);
  }

  end(): EventBatch | undefined {
    const batch = this.events.batchOf(this.records(this.decoder.end()), this.events.logLine);
    if (this.found) return batch;
    if (this.strict) throw new InputError(`${this.events.name}: no Windows event XML (<Event> element) found; --input-format xml reads exports such as wevtutil qe /f:xml`);
    const events = this.events.document(this.pending.join(''));
    return events.length > 0 ? events : undefined;
  }

  /** The events completed by `text`; the pending text is joined only when a closing tag arrives (no rescans). */
  private records(text: string): string[] {
    this.pending.push(text);
    const probe = this.tail + text;
    this.tail = probe.slice(-(EVENT_END.length - 1));
    if (!probe.includes(EVENT_END)) return [];
    const all = this.pending.join('');
    const end = all.lastIndexOf(EVENT_END) + EVENT_END.length;
    const records = xmlEvents(all.slice(0, end));
    const rest = records.length > 0 ? all.slice(end) : all;
    this.pending = rest === '' ? [] : [rest];
    if (records.length > 0) this.found = true;
    return records;
  }
}

function readerFor(mode: Mode, events: InputEvents, format: TextInputFormat): ShapeReader {
  if (mode === 'array') return new ArrayReader(events);
  if (mode === 'xml') return new XmlReader(events, format === 'xml');
  if (mode === 'document') return new DocumentReader(events);
  if (mode === 'records') return new WevtutilReader(events);
  return new LineReader(events, mode === 'text');
}

/** The shape found, and the input's bytes from its first non-blank line on. */
interface Detected extends Decision {
  bytes: Buffer;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const NEWLINE = Buffer.from('\n');

/**
 * Finds an input's shape on its first non-blank line (decide), or on the first bytes of a JSON array or
 * event XML written on one line; then hands over the input's bytes from that line on, without a byte
 * order mark (blank lines before it make no event in any shape).
 */
class ShapeDetector {
  /** Bytes of the first line not yet ended, kept as parts (a one-line document can be long). */
  private parts: Buffer[] = [];
  private partsSize = 0;
  private atStart = true;
  /** The input's first bytes, until there are enough to tell a binary file (an .evtx log) from text. */
  private sniffed = Buffer.alloc(0);

  /** Blank lines before the first line (line numbers in error messages count them). */
  blankLines = 0;

  constructor(
    private readonly name: string,
    private readonly format: TextInputFormat,
  ) {}

  push(buffer: Buffer): Detected | undefined {
    this.sniff(buffer);
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf(10, start);
      if (newline === -1) {
        if (start < buffer.length) {
          this.parts.push(buffer.subarray(start));
          this.partsSize += buffer.length - start;
        }
        const opened = this.unended();
        return opened === undefined ? undefined : { mode: opened, bytes: this.take() };
      }
      this.parts.push(buffer.subarray(start, newline));
      const line = this.take();
      const decision = this.decide(line);
      start = newline + 1;
      if (decision.mode !== 'undecided') return { ...decision, bytes: Buffer.concat([line, NEWLINE, buffer.subarray(start)]) };
      this.blankLines++;
    }
  }

  private decide(line: Buffer): Decision {
    const decision = decide(line.toString('utf8'), this.format);
    if (decision.notJson === undefined) return decision;
    const shown = decision.notJson.length > 60 ? `${decision.notJson.slice(0, 59)}…` : decision.notJson;
    throw new InputError(`${this.name}: line ${this.blankLines + 1}: not JSON ('${shown}'); --input-format json reads JSON Lines, a JSON array or a JSON document`);
  }

  /** The shape of an input whose first line has not ended yet, when it needs no line end (a one-line array or event XML). */
  private unended(): Mode | undefined {
    if (this.format === 'text') return undefined;
    const head = this.head();
    if (this.format === 'xml') return head.trim() === '' ? undefined : 'xml';
    // A first line of JSON that goes on past what a document is read whole for: a one-line collection (a CloudTrail
    // file as AWS writes it) streamed, or the first of JSON Lines, read as the documents they are (DocumentReader).
    if (head.trimStart().startsWith('{') && this.partsSize > documentLimits.streamPast) return 'document';
    const opened = opensUnendedLine(head);
    // JSON only: anything else is refused once the line has ended.
    if (opened === 'xml' && this.format === 'json') return undefined;
    return opened === 'array' || opened === 'xml' ? opened : undefined;
  }

  private sniff(buffer: Buffer): void {
    if (this.sniffed.length >= 16) return;
    this.sniffed = Buffer.concat([this.sniffed, buffer.subarray(0, 16)]);
    const problem = binaryInputProblem(this.sniffed);
    if (problem !== undefined) throw new InputError(`${this.name}: ${problem}`);
  }

  /** At the end of the input: the shape of a first line that never ended, if it is not blank. */
  end(): Detected | undefined {
    const bytes = this.take();
    const decision = this.decide(bytes);
    return decision.mode === 'undecided' ? undefined : { ...decision, bytes };
  }

  /** The first bytes of the line under way, as text (enough to see how it opens). */
  private head(): string {
    const bytes: Buffer[] = [];
    let size = 0;
    for (const part of this.parts) {
      if (size >= 256) break;
      bytes.push(part);
      size += part.length;
    }
    return Buffer.concat(bytes).subarray(0, 256).toString('utf8');
  }

  /** The line under way (a byte order mark before the input's first line left out). */
  private take(): Buffer {
    let bytes = Buffer.concat(this.parts);
    this.parts = [];
    this.partsSize = 0;
    if (this.atStart && bytes.length > 0) {
      this.atStart = false;
      if (bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3);
    }
    return bytes;
  }
}

/** What reading a line of a log may depend on from the lines before it (and updates for the lines after). */
export interface LineState {
  lineContext: LineContext;
  years: YearReference;
}

/**
 * The state after a chunk, given the state before it (the right one) and what the chunk made of the state it was
 * read from (the same one where it read the state, which holds() checks): the header context is the chunk's when
 * it read a log line, the year reference when it dated or was dated by one.
 */
export function stateAfter(before: LineState, chunk: { state: LineState; readsContext: boolean; readsYears: boolean; setsYears: boolean }): LineState {
  return {
    lineContext: chunk.readsContext ? chunk.state.lineContext : before.lineContext,
    years: chunk.readsYears || chunk.setsYears ? chunk.state.years : before.years,
  };
}

/** The state at the start of an input (`referenceTime` dates year-less lines until a dated one comes). */
export function initialLineState(referenceTime: number | undefined): LineState {
  return { lineContext: {}, years: { fallback: referenceTime } };
}

/** Whether a JSON Lines input opens with a complete JSON object (the first non-blank line of `head`, which has ended). */
export function opensJsonLines(head: string): boolean {
  for (const raw of head.split('\n')) {
    const line = raw.trim();
    if (line === '' || line === '\ufeff') continue;
    const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
    if (!text.startsWith('{')) return false;
    const parsed = tryParse(text);
    return parsed.ok && isRecord(parsed.value);
  }
  return false;
}

/** The events of a chunk of JSON Lines, whole lines only (a worker thread's share of a large input). */
export interface ChunkEvents extends EventBatch {
  /** After forEach: whether a log line took its year from the state the chunk started from. */
  readonly readsYears: boolean;
  /** After forEach: whether a log line was read at all (it read, and may have changed, the header context). */
  readonly readsContext: boolean;
  /** After forEach: whether a fully dated line set the year reference. */
  readonly setsYears: boolean;
  /** After forEach: `state` updated in place by the chunk's lines (only the parts they set are the chunk's own). */
  readonly state: LineState;
}

/**
 * The events of `bytes` (whole lines, the last one ended), read as the lines of JSON Lines are, numbered from 0,
 * the lines numbered from `lineStart` (error messages), from `state` (the lines before it, as far as known).
 */
export function chunkEvents(bytes: Buffer, name: string, format: TextInputFormat, lineStart: number, state: LineState, referenceTime?: number): ChunkEvents {
  const events = new InputEvents(name, referenceTime, format, state);
  events.lineNo = lineStart;
  const lines: string[] = [];
  if (bytes.length > 0) decodeLines(bytes, 0, bytes[bytes.length - 1] === 10 ? bytes.length - 1 : bytes.length, lines);
  const batch = events.batchOf(lines, events.line);
  return {
    forEach: (visit) => batch?.forEach(visit),
    get readsYears() {
      return events.readsYears;
    },
    get readsContext() {
      return events.readsContext;
    },
    get setsYears() {
      return events.datedHere;
    },
    state,
  };
}

/**
 * Yields the events of one input in order, indices from 0 within it, in batches (one per chunk read, so
 * an async step is paid per chunk and not per event): iterate each batch in full, in order, before asking
 * for the next. The shape is decided on the first non-blank line (ShapeDetector); every shape but a
 * multi-line JSON object is then streamed. Year-less syslog times are dated by the last fully dated line
 * before them, else by `referenceTime` (the input file's modification time): a line is no later than a
 * month after its reference; with neither, the time stays undefined. `format` other than `auto` says what the
 * input is instead (INPUT_FORMATS).
 */
export async function* readInputEvents(source: Readable, name: string, progress: InputProgress, referenceTime?: number, format: TextInputFormat = 'auto'): AsyncGenerator<EventBatch> {
  const events = new InputEvents(name, referenceTime, format);
  const detector = new ShapeDetector(name, format);
  let reader: ShapeReader | undefined;
  for await (const buffer of utf8Chunks(source, progress)) {
    let bytes = buffer;
    if (reader === undefined) {
      const decided = detector.push(buffer);
      if (decided === undefined) continue;
      reader = readerFor(decided.mode, events, format);
      events.setFirstParsed(decided.parsed);
      events.lineNo = detector.blankLines;
      bytes = decided.bytes;
    }
    const batch = reader.push(bytes);
    if (batch !== undefined) yield batch;
  }
  if (reader === undefined) {
    const decided = detector.end();
    if (decided === undefined) return;
    reader = readerFor(decided.mode, events, format);
    events.setFirstParsed(decided.parsed);
    events.lineNo = detector.blankLines;
    const batch = reader.push(decided.bytes);
    if (batch !== undefined) yield batch;
  }
  const last = reader.end();
  if (last !== undefined) yield last;
}
