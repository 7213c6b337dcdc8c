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
import type { LineContext } from '../engine/normalize/types';
import { JsonArrayError, JsonArraySplitter } from './hunt.json-array';

export interface InputProgress {
  bytesRead: number;
  totalBytes?: number;
}

export class InputError extends Error {}

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
 * A whole document: a request body or single event object spread over several lines, or plain lines such
 * as Windows event XML (year-less times dated by `referenceTime`). JSON arrays never get here: they stream.
 */
function normalizeDocument(text: string, name: string, referenceTime: number | undefined): MatchableEvent[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed[0] === '{') {
    const parsed = tryParse(trimmed);
    if (parsed.ok) {
      if (isRequestBody(parsed.value)) return normalizeRequestEvents(requestEvents(parsed.value)).events;
      // One event, or the events of a collection (a CloudTrail file's Records...), as a request's collection reads it.
      return normalizeRequestEvents({ events: parsed.value }).events;
    }
    // Its first line was not a complete JSON object either (that would be JSON Lines): a broken document.
    throw new InputError(`${name}: not valid JSON (${parsed.error})`);
  }
  return normalizeRequestEvents({ lines: text }, { referenceTime }).events;
}

type Mode = 'undecided' | 'lines' | 'array' | 'xml' | 'document';

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

/** Index of the first non-blank character, -1 for a blank line. */
function firstVisible(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return i;
  }
  return -1;
}

/** A UTF-8 byte order mark before the first line is not content. */
function stripBom(text: string, lineNo: number): string {
  return lineNo === 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Read line by line (streamed) unless the input is a JSON array (streamed element by element) or one
 * document: a JSON object spread over several lines, or Windows event XML. JSON Lines start with a
 * complete JSON object or a JSON string (a log line); anything else is a plain-text log, one event a line.
 */
function decide(line: string): Mode {
  const text = line.trim();
  if (text === '') return 'undecided';
  if (text.startsWith('{')) return tryParse(text).ok ? 'lines' : 'document';
  if (text.startsWith('"')) {
    const parsed = tryParse(text);
    return parsed.ok && typeof parsed.value === 'string' ? 'lines' : 'document';
  }
  if (!opensDocument(text)) return 'lines';
  if (text.startsWith('[')) return 'array';
  return opensEventXml(text) ? 'xml' : 'document';
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
  const text = head.replace(/^[\s\ufeff]+/, '');
  if (text.length < 6) return undefined;
  if (opensEventXml(text)) return 'xml';
  if (!text.startsWith('[')) return 'undecided';
  return text.slice(1).trim() === '' ? undefined : opensDocument(text) ? 'array' : 'undecided';
}

/**
 * A JSON array (`[` then what can start a JSON value, or nothing) or XML (`<` then a name or `?`); not
 * a log line that happens to open with a bracket: `[Wed Oct 11 ...] [error]` (Apache), `<34>Oct 11 ...`
 * (a syslog priority).
 */
function opensDocument(text: string): boolean {
  const next = text.slice(1).trimStart().charAt(0);
  if (text.startsWith('[')) return next === '' || /[[{"\d\-tfn\]]/.test(next);
  if (text.startsWith('<')) return next === '?' || next === '!' || /[A-Za-z_]/.test(next);
  return false;
}

/**
 * Yields the events of one input in order, indices from 0 within it, in batches (one per chunk
 * read, so an async step is paid per chunk and not per event). The shape is decided on the first
 * non-empty line (decide) and line input is then streamed; a batch of lines parses each
 * line as it is iterated (so an event is garbage by the time the next one is made, instead of a
 * whole chunk of events outliving young-generation collections): iterate each batch in full, in
 * order, before asking for the next. Year-less syslog times are dated by the last fully dated line
 * before them, else by `referenceTime` (the input file's modification time): a line is no later than a
 * month after its reference; with neither, the time stays undefined.
 */
export async function* readInputEvents(source: Readable, name: string, progress: InputProgress, referenceTime?: number): AsyncGenerator<EventBatch> {
  let mode: Mode = 'undecided';
  // Bytes of a line not yet ended, kept as parts so a very long line is copied once, not per chunk.
  let partial: Buffer[] = [];
  const document: Buffer[] = [];
  let index = 0;
  let lineNo = 0;
  // Plain-text logs: header lines (Zeek `#fields`, W3C `#Fields:`) shape the lines after them.
  const lineContext: LineContext = {};
  const years: YearReference = { fallback: referenceTime };
  const logLine = (text: string, out: MatchableEvent[]): void => {
    const event = normalizeLogLine(text, index, lineContext, years);
    if (event === undefined) return;
    index++;
    out.push(event);
  };

  const lineEvents = (line: string, out: MatchableEvent[]): void => {
    const text = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
    const first = firstVisible(text);
    if (first === -1) return;
    const c = text.charCodeAt(first);
    if (c === 123 /* { */) {
      const parsed = tryParse(text);
      if (parsed.ok && isRequestBody(parsed.value)) {
        for (const event of normalizeRequestEvents(requestEvents(parsed.value)).events) out.push(matchable(event, index++));
        return;
      }
      if (parsed.ok && isEventCollection(parsed.value)) {
        // A CloudTrail log file (`{"Records": [...]}` on one line) or a search response: its events, in order.
        for (const event of normalizeRequestEvents({ events: parsed.value }).events) out.push(matchable(event, index++));
        return;
      }
      if (parsed.ok) {
        out.push(normalizeForMatching(parsed.value, index++, referenceTime));
        return;
      }
    }
    if (c === 34 /* " */) {
      // A JSON string line is one log line (JSON Lines of syslog or web access lines).
      const parsed = tryParse(text);
      if (parsed.ok && typeof parsed.value === 'string') {
        logLine(parsed.value, out);
        return;
      }
    }
    logLine(text, out);
  };

  // JSON arrays: each element is what a line of JSON Lines would be, except that an element is never a
  // request body and a string element may hold several log lines (as the whole-document reading has it).
  const arraySplitter = new JsonArraySplitter();
  let elementNo = 0;
  const elementEvents = (bytes: Buffer, out: MatchableEvent[]): void => {
    const parsed = tryParse(decode(bytes));
    if (!parsed.ok) throw new InputError(`${name}: not valid JSON (array element ${elementNo}: ${parsed.error})`);
    elementNo++;
    if (typeof parsed.value === 'string') {
      for (const record of splitRecords(parsed.value)) logLine(record, out);
      return;
    }
    out.push(normalizeForMatching(parsed.value, index++, referenceTime));
  };
  const arrayStep = <T>(step: () => T): T => {
    try {
      return step();
    } catch (error) {
      if (error instanceof JsonArrayError) throw new InputError(`${name}: not valid JSON (${error.message})`);
      throw error;
    }
  };
  const toArray = (bytes: Buffer): Buffer[] => arrayStep(() => arraySplitter.push(bytes));

  // Event XML: every complete <Event> element as soon as its closing tag has arrived; text with no event
  // at all is read whole at the end, as a document.
  const xmlDecoder = new StringDecoder('utf8');
  let xmlText = '';
  let xmlFound = false;
  const xmlRecords = (text: string): string[] => {
    xmlText += text;
    const end = xmlText.lastIndexOf('</Event>');
    if (end === -1) return [];
    const records = xmlEvents(xmlText.slice(0, end + 8));
    if (records.length === 0) return records;
    xmlText = xmlText.slice(end + 8);
    xmlFound = true;
    return records;
  };

  const out: MatchableEvent[] = [];
  const eventsOf = <T>(items: T[], eventsOfItem: (item: T, out: MatchableEvent[]) => void): EventBatch => ({
    forEach(visit: (event: MatchableEvent) => void): void {
      for (let l = 0; l < items.length; l++) {
        eventsOfItem(items[l], out);
        for (let i = 0; i < out.length; i++) visit(out[i]);
        out.length = 0;
      }
    },
  });

  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    progress.bytesRead += buffer.length;
    if (mode === 'document') {
      document.push(buffer);
      continue;
    }
    if (mode === 'array') {
      const elements = toArray(buffer);
      if (elements.length > 0) yield eventsOf(elements, elementEvents);
      continue;
    }
    if (mode === 'xml') {
      const records = xmlRecords(xmlDecoder.write(buffer));
      if (records.length > 0) yield eventsOf(records, logLine);
      continue;
    }
    const lines: string[] = [];
    let start = 0;
    // Until the shape is known, line by line (a document keeps its bytes).
    // A newline byte never occurs inside a multi-byte UTF-8 sequence, so splitting bytes is safe.
    while (mode === 'undecided') {
      const newline = buffer.indexOf(10, start);
      if (newline === -1) {
        // A JSON array or event XML on one line: streamed from its first bytes, not held until a newline.
        const opened = opensUnendedLine(Buffer.concat([...partial, buffer.subarray(start, start + 256)]).toString('utf8'));
        if (opened === 'array' || opened === 'xml') mode = opened;
        break;
      }
      const bytes = partial.length > 0 ? Buffer.concat([...partial, buffer.subarray(start, newline)]) : buffer.subarray(start, newline);
      partial = [];
      const line = stripBom(bytes.toString('utf8'), lineNo);
      mode = decide(line);
      start = newline + 1;
      if (mode === 'document') {
        document.push(bytes, Buffer.from('\n'));
        break;
      }
      if (mode === 'array' || mode === 'xml') {
        partial = [bytes, Buffer.from('\n')];
        break;
      }
      lineNo++;
      if (mode === 'lines') lines.push(line);
    }
    if (mode === 'array') {
      const elements = toArray(Buffer.concat([...partial, buffer.subarray(start)]));
      partial = [];
      if (elements.length > 0) yield eventsOf(elements, elementEvents);
      continue;
    }
    if (mode === 'xml') {
      const records = xmlRecords(stripBom(xmlDecoder.write(Buffer.concat([...partial, buffer.subarray(start)])), 0));
      partial = [];
      if (records.length > 0) yield eventsOf(records, logLine);
      continue;
    }
    // JSON Lines: every complete line of the chunk, decoded line by line.
    const last = mode === 'lines' ? buffer.lastIndexOf(10) : -1;
    if (last >= start) {
      if (partial.length > 0) {
        // The line the previous chunk began ends here: joined on its own, not with the whole chunk.
        const newline = buffer.indexOf(10, start);
        lineNo++;
        lines.push(Buffer.concat([...partial, buffer.subarray(start, newline)]).toString('utf8'));
        partial = [];
        start = newline + 1;
      }
    }
    if (last >= start) {
      lineNo += decodeLines(buffer, start, last, lines);
      start = last + 1;
    }
    if (start < buffer.length) (mode === 'document' ? document : partial).push(buffer.subarray(start));
    if (lines.length > 0) yield eventsOf(lines, lineEvents);
  }
  if (mode === 'array') {
    arrayStep(() => arraySplitter.end());
    return;
  }
  if (mode === 'xml') {
    const batch: MatchableEvent[] = [];
    for (const record of xmlRecords(xmlDecoder.end())) logLine(record, batch);
    if (batch.length > 0) yield batch;
    // No event at all: the text is read as any other document (lines).
    if (!xmlFound) yield normalizeDocument(xmlText, name, referenceTime);
    return;
  }
  const rest = stripBom(Buffer.concat(partial).toString('utf8'), lineNo);
  if (mode === 'undecided') mode = decide(rest);
  if (mode === 'array') {
    const batch: MatchableEvent[] = [];
    const elements = toArray(Buffer.concat(partial));
    arrayStep(() => arraySplitter.end());
    for (const element of elements) elementEvents(element, batch);
    yield batch;
    return;
  }
  if (mode === 'lines') {
    lineNo++;
    const batch: MatchableEvent[] = [];
    lineEvents(rest, batch);
    yield batch;
    return;
  }
  yield normalizeDocument(stripBom(Buffer.concat([...document, Buffer.from(rest)]).toString('utf8'), 0), name, referenceTime);
}
