/**
 * Reads hunt input: JSON Lines (streamed, one event or one request body per line), a JSON array of
 * events, an analysis request body (`{"events": {...}}`) or plain log lines (syslog, web access...).
 * Only JSON Lines is streamed; the other shapes need the whole document to be parsed or dated.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { CanonicalEvent } from '../engine/model';
import { normalizeEvent, normalizeRequestEvents } from '../engine/normalize';

export interface InputProgress {
  bytesRead: number;
  totalBytes?: number;
}

export class InputError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

function isRequestBody(value: unknown): value is { events: Record<string, unknown> } {
  return isRecord(value) && isRecord(value.events);
}

/** A whole document: JSON array, request body, single event object, or plain lines. */
function normalizeDocument(text: string, name: string): CanonicalEvent[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const first = trimmed[0];
  if (first === '[' || first === '{') {
    const parsed = tryParse(trimmed);
    if (parsed.ok) {
      if (Array.isArray(parsed.value)) return normalizeRequestEvents({ events: parsed.value }).events;
      if (isRequestBody(parsed.value)) return normalizeRequestEvents(parsed.value.events).events;
      return normalizeRequestEvents({ events: [parsed.value] }).events;
    }
    if (first === '[') throw new InputError(`${name}: not valid JSON (${parsed.error})`);
  }
  return normalizeRequestEvents({ lines: text }).events;
}

type Mode = 'undecided' | 'lines' | 'document';

/** JSON Lines when the first non-empty line is a complete JSON object; otherwise one document. */
function decide(line: string): Mode {
  const text = line.trim();
  if (text === '') return 'undecided';
  return text.startsWith('{') && tryParse(text).ok ? 'lines' : 'document';
}

/**
 * Yields the events of one input in order, indices from 0 within it, in batches (one per chunk
 * read, so an async step is paid per chunk and not per event). JSON Lines input is decided on its
 * first non-empty line (a complete JSON object) and then streamed.
 */
export async function* readInputEvents(source: Readable, name: string, progress: InputProgress): AsyncGenerator<CanonicalEvent[]> {
  const decoder = new StringDecoder('utf8');
  let mode: Mode = 'undecided';
  let pending = '';
  const document: string[] = [];
  let index = 0;
  let lineNo = 0;

  const lineEvents = (line: string): CanonicalEvent[] => {
    const ref = `line ${lineNo}`;
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.trim() === '') return [];
    if (text.trimStart().startsWith('{')) {
      const parsed = tryParse(text);
      if (parsed.ok && isRequestBody(parsed.value)) {
        return normalizeRequestEvents(parsed.value.events).events.map((event) => ({ ...event, index: index++ }));
      }
      if (parsed.ok) return [normalizeEvent(parsed.value, index++, ref)];
    }
    if (text.startsWith('"')) {
      // A JSON string line is one log line (JSON Lines of syslog or web access lines).
      const parsed = tryParse(text);
      if (parsed.ok && typeof parsed.value === 'string') return [normalizeEvent(parsed.value, index++, ref)];
    }
    return [normalizeEvent(text, index++, ref)];
  };


  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    progress.bytesRead += buffer.length;
    let text = pending + decoder.write(buffer);
    pending = '';
    if (mode === 'document') {
      document.push(text);
      continue;
    }
    let start = 0;
    let newline = text.indexOf('\n', start);
    const batch: CanonicalEvent[] = [];
    while (newline !== -1) {
      const line = text.slice(start, newline);
      if (mode === 'undecided') mode = decide(line);
      if (mode === 'document') break;
      lineNo++;
      if (mode === 'lines') for (const event of lineEvents(line)) batch.push(event);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    text = text.slice(start);
    if (mode === 'document') document.push(text);
    else pending = text;
    if (batch.length > 0) yield batch;
  }
  const rest = pending + decoder.end();
  if (mode === 'undecided') mode = decide(rest);
  if (mode === 'lines') {
    lineNo++;
    yield lineEvents(rest);
    return;
  }
  document.push(rest);
  yield normalizeDocument(document.join(''), name);
}
