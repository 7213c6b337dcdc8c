import type { CanonicalEvent, EventEntities, LogSource } from '../model';
import { windowsFormat, windowsMatchView, windowsTime } from './formats/windows';
import { normalizeUnknownLine, normalizeUnknownObject, normalizeUnknownValue } from './formats/unknown';
import { isObject, tryJson } from './paths';
import { isWevtutilText, splitWevtutilText } from './formats/wevtutil-text';
import { LINE_FORMATS, normalizeObject } from './registry';
import { resolveYearless } from './time';
import type { LineContext, NormalizedParts, NormalizeOptions, RawObject } from './types';

export interface NormalizeResult {
  events: CanonicalEvent[];
  /** Events per recognised format id. */
  formats: Record<string, number>;
  /** Events left without a usable time. */
  untimed: number;
}

/** Header lines (`#Fields:`, Zeek `#separator`) update the context and yield no event. */
function isHeaderLine(line: string, ctx: LineContext): boolean {
  for (const f of LINE_FORMATS) {
    if (f.header?.(line, ctx)) return true;
  }
  return false;
}

function normalizeLine(line: string, ctx: LineContext): NormalizedParts {
  const c = line.charCodeAt(0);
  if (c === 123 /* { */) {
    const parsed = tryJson(line);
    if (isObject(parsed)) return normalizeObject(parsed);
  }
  for (const f of LINE_FORMATS) {
    if (!f.detect(line, ctx)) continue;
    const parts = f.normalize(line, ctx);
    if (parts) return parts;
  }
  return normalizeUnknownLine(line);
}

/**
 * Elasticsearch hits carry the document under `_source`, Splunk exports under `result`; two exports carry the
 * record as JSON text beside a summary of it: `aws cloudtrail lookup-events` under `CloudTrailEvent`, the Microsoft
 * 365 unified audit log (the Purview CSV export, `Search-UnifiedAuditLog`) under `AuditData`.
 */
function unwrap(raw: RawObject): RawObject {
  const hit = unwrapHit(raw);
  if (hit !== raw) return hit;
  if (typeof raw.CloudTrailEvent === 'string') return embeddedRecord(raw.CloudTrailEvent, 'eventSource') ?? raw;
  if (typeof raw.AuditData === 'string') return embeddedRecord(raw.AuditData, 'Operation') ?? raw;
  return raw;
}

/** A search hit's document (Elasticsearch, Splunk); the only wrappers a Windows record comes in. */
function unwrapHit(raw: RawObject): RawObject {
  const src = raw._source;
  if (isObject(src) && (raw._index !== undefined || raw._id !== undefined)) return src;
  const result = raw.result;
  if (isObject(result) && (raw.preview !== undefined || raw.lastrow !== undefined)) return result;
  return raw;
}

/** The record held as JSON text; undefined unless it is an object with a `named` string (the record's own mark). */
function embeddedRecord(text: string, named: string): RawObject | undefined {
  const record = tryJson(text);
  return isObject(record) && typeof record[named] === 'string' ? record : undefined;
}

function safeParts(raw: unknown, ctx: LineContext): NormalizedParts {
  try {
    if (typeof raw === 'string') return normalizeLine(raw, ctx);
    if (isObject(raw)) return normalizeObject(unwrap(raw));
    return normalizeUnknownValue(raw);
  } catch {
    // A malformed event must never sink the batch: keep it as unknown so it is still searchable.
    return isObject(raw) ? normalizeUnknownObject(raw) : normalizeUnknownValue(raw);
  }
}

function toEvent(parts: NormalizedParts, raw: unknown, index: number, ref: string): CanonicalEvent {
  const entities = parts.entities;
  if (typeof entities === 'function') return lazyEvent(parts, raw, index, ref, entities);
  return {
    index,
    ref,
    format: parts.format,
    time: parts.time,
    logsource: parts.logsource,
    fields: parts.fields,
    action: parts.action,
    outcome: parts.outcome,
    entities,
    message: parts.message,
    raw,
  };
}

/**
 * An event whose `entities` are computed on first read (an enumerable accessor: spreading or serialising the
 * event reads it). Entity extraction is a good part of normalisation time and the Sigma hunt never reads it.
 */
function lazyEvent(parts: NormalizedParts, raw: unknown, index: number, ref: string, compute: () => EventEntities): CanonicalEvent {
  let cached: EventEntities | undefined;
  return {
    index,
    ref,
    format: parts.format,
    time: parts.time,
    logsource: parts.logsource,
    fields: parts.fields,
    action: parts.action,
    outcome: parts.outcome,
    get entities(): EventEntities {
      return (cached ??= compute());
    },
    set entities(value: EventEntities) {
      cached = value;
    },
    message: parts.message,
    raw,
  };
}

/** Normalises one event on its own (year-less syslog times stay undefined: there is no batch to date them). */
export function normalizeEvent(raw: unknown, index: number, ref: string): CanonicalEvent {
  return toEvent(safeParts(raw, {}), raw, index, ref);
}

/** What rule matching reads of an event: no entities, message or evidence reference. */
export type MatchableEvent = Pick<CanonicalEvent, 'index' | 'time' | 'logsource' | 'fields'>;

/**
 * Normalises one event for rule matching only (the hunt's hot path): the same fields, logsource and
 * time as normalizeEvent, without building the full evidence record around them. `raw` becomes the
 * event's: a Windows record is completed in place (renderings and aliases added to it). A year-less
 * syslog time is dated by `referenceTime` when given (else it stays undefined, as in normalizeEvent).
 */
export function normalizeForMatching(raw: unknown, index: number, referenceTime?: number): MatchableEvent {
  if (isObject(raw)) {
    const windows = windowsForMatching(raw, index);
    if (windows !== undefined) return windows;
  }
  const parts = safeParts(raw, {});
  return { index, time: parts.time ?? yearlessAt(parts, referenceTime), logsource: parts.logsource, fields: parts.fields };
}

/** How a stream of log lines dates year-less times: by its last fully dated line, else by a fallback time. */
export interface YearReference {
  /** The time of the last line that carried a full date (with its year). */
  lastDated?: number;
  /** Used until a line carries a full date (an input file's modification time). */
  fallback?: number;
}

/**
 * One line of a plain-text log read line by line (the hunt streams log files): the same event as
 * normalizeRequestEvents makes of the line in a `lines` batch, or undefined for a blank or header line
 * (Zeek `#fields`, W3C `#Fields:`), which updates `ctx` for the lines after it. A batch dates year-less
 * times by the median year of its dated events; a stream, which cannot look ahead, by the last dated line
 * before (`years` is updated with each), else by `years.fallback`.
 */
export function normalizeLogLine(line: string, index: number, ctx: LineContext, years: YearReference = {}): MatchableEvent | undefined {
  const text = line.trim();
  if (text === '' || isHeaderLine(text, ctx)) return undefined;
  const parts = safeParts(text, ctx);
  if (parts.time !== undefined) years.lastDated = parts.time;
  const time = parts.time ?? (years.lastDated !== undefined ? nearestYear(parts, years.lastDated) : yearlessAt(parts, years.fallback));
  return { index, time, logsource: parts.logsource, fields: parts.fields };
}

/** A year-less time in the year that puts it nearest a dated line before it (a log crosses New Year forward). */
function nearestYear(parts: NormalizedParts, dated: number): number | undefined {
  if (parts.yearless === undefined) return undefined;
  const year = new Date(dated).getUTCFullYear();
  let best: number | undefined;
  for (const y of [year - 1, year, year + 1]) {
    const t = resolveYearless(parts.yearless, y);
    if (best === undefined || Math.abs(t - dated) < Math.abs(best - dated)) best = t;
  }
  return best;
}

/** A year-less syslog time dated by a reference (an input file's modification time): no later than a month after it. */
function yearlessAt(parts: NormalizedParts, referenceTime: number | undefined): number | undefined {
  if (parts.yearless === undefined || referenceTime === undefined) return undefined;
  return resolveYearless(parts.yearless, new Date(referenceTime).getUTCFullYear(), referenceTime);
}

/**
 * A Windows record (the first format normalizeObject tries) for matching: its time is read when asked
 * for (hits only), from the same fields at the same point of normalisation. undefined: not Windows.
 */
function windowsForMatching(raw: RawObject, index: number): MatchableEvent | undefined {
  try {
    const obj = unwrapHit(raw);
    if (!windowsFormat.detect(obj)) return undefined;
    // The hunt parsed `raw` for this event alone: it is completed in place.
    const { fields, logsource } = windowsMatchView(obj);
    return new WindowsMatchable(index, logsource, fields, obj);
  } catch {
    return undefined;
  }
}

class WindowsMatchable implements MatchableEvent {
  private read = false;
  private cached: number | undefined;

  constructor(
    readonly index: number,
    readonly logsource: LogSource,
    readonly fields: Record<string, unknown>,
    private readonly raw: RawObject,
  ) {}

  get time(): number | undefined {
    if (!this.read) {
      this.cached = windowsTime(this.fields, this.raw);
      this.read = true;
    }
    return this.cached;
  }
}

interface Pending {
  parts: NormalizedParts;
  raw: unknown;
  ref: string;
}

/**
 * Each complete `<Event ...>...</Event>` element of Windows event XML (one indexOf scan, no backtracking),
 * whitespace between tags removed; text around them is left out.
 */
export function xmlEvents(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (;;) {
    let start = text.indexOf('<Event', from);
    while (start >= 0 && !/[\s>]/.test(text[start + 6] ?? '')) start = text.indexOf('<Event', start + 6);
    if (start < 0) break;
    const end = text.indexOf('</Event>', start);
    if (end < 0) break;
    out.push(text.slice(start, end + 8).replace(/>\s+</g, '><'));
    from = end + 8;
  }
  return out;
}

/** Lines, except that (possibly pretty-printed) Windows event XML is split per `<Event>` element. */
export function splitRecords(s: string): string[] {
  const t = s.trimStart();
  if (t.startsWith('<Event') || t.startsWith('<?xml')) {
    const events = xmlEvents(t);
    if (events.length > 0) return events;
  }
  if (isWevtutilText(t)) return splitWevtutilText(t);
  return s.split(/\r?\n/);
}

class Collector {
  readonly pending: Pending[] = [];

  addLines(text: string, ref: string, ctx: LineContext, lineRefs: boolean): void {
    const lines = splitRecords(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line === '' || isHeaderLine(line, ctx)) continue;
      const r = lineRefs ? `${ref}[${i}]` : ref;
      this.pending.push({ parts: safeParts(line, ctx), raw: lines[i], ref: r });
    }
  }

  addValue(value: unknown, ref: string, ctx: LineContext): void {
    if (typeof value === 'string') {
      this.addLines(value, ref, ctx, value.includes('\n'));
      return;
    }
    // A collection among events (JSON Lines of CloudTrail files, a search response): its events, as hunt reads it.
    if (isEventCollection(value)) {
      this.addCollection(value, ref);
      return;
    }
    const rows = tableRows(value);
    if (rows !== undefined) {
      rows.forEach((row, i) => this.addValue(row, `${ref}.rows[${i}]`, ctx));
      return;
    }
    this.pending.push({ parts: safeParts(value, ctx), raw: value, ref });
  }

  addCollection(value: unknown, ref: string): void {
    const ctx: LineContext = {};
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) this.addValue(value[i], `${ref}[${i}]`, ctx);
      return;
    }
    if (typeof value === 'string') {
      const doc = wholeJson(value);
      if (doc !== undefined) this.addCollection(doc, ref);
      else this.addLines(value, ref, ctx, true);
      return;
    }
    const hits = searchHits(value);
    if (hits !== undefined) {
      this.addCollection(hits, `${ref}.hits.hits`);
      return;
    }
    if (isContainer(value)) {
      for (const [k, v] of Object.entries(value)) if (!isPagingValue(k, v)) this.addCollection(v, `${ref}.${k}`);
      return;
    }
    if (value !== undefined && value !== null) this.addValue(value, ref, ctx);
  }
}

/**
 * The rows of a table as the Log Analytics (Microsoft Sentinel) query API returns it, `{"name", "columns": [{"name",
 * "type"}], "rows": [[...]]}`, each as an object keyed by the column names (null and empty cells left out, as absent
 * fields); undefined for anything else.
 */
function tableRows(v: unknown): RawObject[] | undefined {
  if (!isObject(v) || !Array.isArray(v.columns) || !Array.isArray(v.rows)) return undefined;
  const names: string[] = [];
  for (const column of v.columns) {
    if (!isObject(column) || typeof column.name !== 'string') return undefined;
    names.push(column.name);
  }
  const rows: RawObject[] = [];
  for (const row of v.rows) {
    if (!Array.isArray(row)) return undefined;
    const out: RawObject = {};
    names.forEach((name, i) => {
      const cell: unknown = row[i];
      if (cell !== null && cell !== undefined && cell !== '') out[name] = cell;
    });
    rows.push(out);
  }
  return rows;
}

/** A string holding one JSON document (an array of events, or a pretty-printed object); JSON Lines are not one. */
function wholeJson(text: string): unknown[] | RawObject | undefined {
  const t = text.trim();
  const first = t.charCodeAt(0);
  if (!(first === 91 /* [ */ && t.endsWith(']')) && !(first === 123 /* { */ && t.endsWith('}') && t.includes('\n'))) return undefined;
  const parsed = tryJson(t);
  return Array.isArray(parsed) || isObject(parsed) ? parsed : undefined;
}

/** An object whose every value is an array of events (e.g. `{ "Records": [...] }`), paging values aside, is a folder, not an event. */
function isContainer(v: unknown): v is RawObject {
  if (!isObject(v)) return false;
  const entries = Object.entries(v).filter(([k, x]) => !isPagingValue(k, x));
  return entries.length > 0 && entries.every(([, x]) => Array.isArray(x));
}

function isPagingValue(key: string, value: unknown): boolean {
  return COLLECTION_METADATA_KEYS.has(key) && isScalar(value);
}

/** The hits of a search response (`{"hits": {"hits": [...]}}`). */
function searchHits(v: unknown): unknown[] | undefined {
  const hits = isObject(v) && isObject(v.hits) ? v.hits.hits : undefined;
  return Array.isArray(hits) ? hits : undefined;
}

/**
 * Paging values that exports keep beside their arrays of events: `aws cloudtrail lookup-events`
 * (`NextToken`), Microsoft Graph (`@odata.*`) and Azure REST lists (`nextLink`).
 */
export const COLLECTION_METADATA_KEYS: ReadonlySet<string> = new Set(['NextToken', 'nextToken', 'nextLink', '@odata.context', '@odata.nextLink', '@odata.deltaLink', '@odata.count']);

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * An object standing alone (a JSON Lines line, a whole file) that holds events rather than being one: a search
 * response, or a folder of arrays of event objects such as a CloudTrail log file's `{"Records": [...]}`. Stricter
 * than a request's collections: an event whose only fields are lists of values (`{"tags": ["a", "b"]}`) stays one.
 */
export function isEventCollection(v: unknown): v is RawObject {
  if (!isObject(v)) return false;
  // Events have scalar values: most objects are told apart by their first value alone.
  let any = false;
  for (const k in v) {
    const items = v[k];
    if (isPagingValue(k, items)) continue;
    if (!Array.isArray(items) || !items.every(isObject)) return searchHits(v) !== undefined;
    any = true;
  }
  return any;
}

/**
 * Normalises every event of a request: every array under `events` (any key) holds events, strings are lines.
 * Index = position over all events (keys in order, then array order); `ref` names where each came from.
 */
export function normalizeRequestEvents(events: Record<string, unknown>, opts: NormalizeOptions = {}): NormalizeResult {
  const collector = new Collector();
  for (const [key, value] of Object.entries(events ?? {})) collector.addCollection(value, key);
  resolveYearlessTimes(collector.pending, opts.referenceTime);
  const formats: Record<string, number> = {};
  let untimed = 0;
  const out = collector.pending.map((p, i) => {
    formats[p.parts.format] = (formats[p.parts.format] ?? 0) + 1;
    if (p.parts.time === undefined) untimed++;
    return toEvent(p.parts, p.raw, i, p.ref);
  });
  return { events: out, formats, untimed };
}

/** Syslog lines have no year: take the median year of the batch's dated events, else the reference time's year. */
function resolveYearlessTimes(pending: Pending[], referenceTime: number | undefined): void {
  const yearless = pending.filter((p) => p.parts.yearless !== undefined && p.parts.time === undefined);
  if (yearless.length === 0) return;
  const years = pending
    .filter((p) => p.parts.time !== undefined)
    .map((p) => new Date(p.parts.time as number).getUTCFullYear())
    .sort((a, b) => a - b);
  const year = years.length > 0 ? years[Math.floor((years.length - 1) / 2)] : referenceTime !== undefined ? new Date(referenceTime).getUTCFullYear() : undefined;
  if (year === undefined) return;
  const rollbackRef = years.length > 0 ? undefined : referenceTime;
  for (const p of yearless) p.parts.time = resolveYearless(p.parts.yearless!, year, rollbackRef);
}
