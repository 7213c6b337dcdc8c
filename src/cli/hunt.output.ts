/** Hunt output records and their formats (jsonl, json, table, csv). */
import type { CorrelationHit, RuleRef } from '../engine/model';

export const FORMATS = ['jsonl', 'json', 'table', 'csv'] as const;
export type HuntFormat = (typeof FORMATS)[number];

export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;

/** Rank of a Sigma level (0 informational .. 4 critical); an unknown level ranks below all (-1). */
export function levelRank(level: string): number {
  const normalized = level === 'info' ? 'informational' : level;
  return LEVELS.indexOf(normalized as (typeof LEVELS)[number]);
}

export interface DetectionRecord {
  rule_id: string;
  title: string;
  level: string;
  tags: string[];
  event_index: number;
  timestamp: string | null;
  file: string;
  /** --explain only (additive to the documented shape): why the rule matched the event. */
  match?: MatchRecord;
  /** --with-event only: the event's fields as the rules saw them (the normaliser's field view, aliases included). */
  event?: Record<string, unknown>;
}

/** The search identifiers of the rule that matched on their own, and the event's values of the fields the rule reads. */
export interface MatchRecord {
  selections: string[];
  fields: Record<string, unknown>;
  /** Names of the Sigma filters applied to the rule (they did not exclude the event). */
  filters?: string[];
}

/** `--explain`'s record of a match (filters left out when none apply). */
export function matchRecord(explained: { selections: string[]; fields: Record<string, unknown>; filters: string[] }): MatchRecord {
  const record: MatchRecord = { selections: explained.selections, fields: explained.fields };
  if (explained.filters.length > 0) record.filters = explained.filters;
  return record;
}

export interface CorrelationRecord {
  rule_id: string;
  title: string;
  level: string;
  type: 'correlation';
  correlation_type: string;
  group: Record<string, unknown>;
  event_indices: number[];
  /**
   * Additive to the documented shape: with several inputs, which one the indices belong to; null when
   * --correlate-across-files joined events of several files (`events` then says whose each index is).
   */
  file: string | null;
  first_time: string | null;
  last_time: string | null;
  /** --correlate-across-files only: each event's file and index in it, in the order of event_indices. */
  events?: Array<{ file: string; event_index: number }>;
}

/** Where an event of a cross-file correlation comes from: its input file and its index in that file. */
export interface EventOrigin {
  file: string;
  index: number;
}

export type HuntRecord = DetectionRecord | CorrelationRecord;

/** Hits come in bursts within one second: the date and time up to the second are formatted once per second. */
let isoSecond = Number.NaN;
let isoPrefix = '';

/** `new Date(time).toISOString()`, or null for no time. */
export function iso(time: number | undefined): string | null {
  if (time === undefined || !Number.isFinite(time) || Math.abs(time) > 8.64e15) return null;
  const ms = Math.trunc(time);
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    const text = new Date(second * 1000).toISOString();
    isoPrefix = text.slice(0, text.length - 4);
    isoSecond = second;
  }
  return `${isoPrefix}${String(ms - second * 1000).padStart(3, '0')}Z`;
}

export function detectionRecord(rule: RuleRef, eventIndex: number, time: number | undefined, file: string): DetectionRecord {
  return { rule_id: rule.id, title: rule.title, level: rule.level, tags: rule.tags, event_index: eventIndex, timestamp: iso(time), file };
}

export function correlationRecord(hit: CorrelationHit, file: string | null): CorrelationRecord {
  return {
    rule_id: hit.rule.id,
    title: hit.rule.title,
    level: hit.rule.level,
    type: 'correlation',
    correlation_type: hit.correlationType,
    group: hit.group,
    event_indices: hit.eventIndices,
    file,
    first_time: iso(hit.firstTime),
    last_time: iso(hit.lastTime),
  };
}

/** A correlation over the events of several files: `hit.eventIndices` number the pool's events (`origins`). */
export function crossFileCorrelationRecord(hit: CorrelationHit, origins: readonly EventOrigin[]): CorrelationRecord {
  const events = hit.eventIndices.map((i) => ({ file: origins[i].file, event_index: origins[i].index }));
  const files = new Set(events.map((e) => e.file));
  const file = files.size === 1 ? events[0].file : null;
  return { ...correlationRecord({ ...hit, eventIndices: events.map((e) => e.event_index) }, file), events };
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function groupText(group: Record<string, unknown>): string {
  return Object.entries(group)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/** A table cell lists the first events and counts the rest. */
function indexList(indices: number[]): string {
  const shown = indices.slice(0, 10).join(',');
  return indices.length > 10 ? `${shown},… (${indices.length} events)` : shown;
}

/** Events of several files, as `file#index`. */
function originList(events: Array<{ file: string; event_index: number }>): string {
  const shown = events.slice(0, 10).map((e) => `${e.file}#${e.event_index}`).join(',');
  return events.length > 10 ? `${shown},… (${events.length} events)` : shown;
}

/** The CSV event_indices cell: indices, or `file#index` when the events come from several files. */
function eventsText(record: CorrelationRecord): string {
  if (record.file !== null) return record.event_indices.join(' ');
  return (record.events ?? []).map((e) => `${e.file}#${e.event_index}`).join(' ');
}

/** Longest value shown in a table or CSV match cell. */
const MATCH_VALUE_MAX = 120;

/** `[selection, selection_cli] Image=C:\...\x.exe CommandLine=...`: a one-line match explanation. */
function matchText(match: MatchRecord): string {
  const values = Object.entries(match.fields).map(([k, v]) => {
    const text = oneLine(typeof v === 'string' ? v : JSON.stringify(v));
    return `${k}=${text.length > MATCH_VALUE_MAX ? `${text.slice(0, MATCH_VALUE_MAX - 1)}…` : text}`;
  });
  return [`[${match.selections.join(', ')}]`, ...values].join(' ');
}

/** Line breaks and tabs as their escapes: a multi-line value (task XML, a privilege list) keeps a row on one line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : '\\t'));
}

function pad(text: string, width: number): string {
  const cut = text.length > width ? `${text.slice(0, width - 1)}…` : text;
  return cut.padEnd(width);
}

const CSV_HEADER = 'kind,rule_id,title,level,file,event_index,timestamp,correlation_type,group,event_indices';
const TABLE_HEADER = `${pad('TIME', 24)}  ${pad('LEVEL', 13)}  ${pad('RULE', 60)}  EVIDENCE`;

/** Output is written in pieces of about this many characters (a write per hit costs a system call each). */
const FLUSH_AT = 1 << 16;

/**
 * Writes records as they come, buffered up to FLUSH_AT characters and written out at each flush, which the
 * hunt calls after every chunk of input. json is one array, written element by element: the same bytes as
 * `JSON.stringify(records, null, 2)`, without holding the records.
 */
export class HuntWriter implements RecordOutput {
  private started = false;
  private count = 0;
  private pending = '';

  private readonly explain: boolean;
  private readonly withEvent: boolean;

  /**
   * `explain`: detections carry a match record (a CSV column and table text of their own); `withEvent`: their
   * event (a CSV column; the table leaves it out). `waitFor`: the output's own backpressure (CommandIO.stdoutDrained).
   */
  constructor(
    private readonly format: HuntFormat,
    private readonly write: (text: string) => void,
    columns: { explain?: boolean; withEvent?: boolean } = {},
    private readonly waitFor?: () => Promise<void> | undefined,
  ) {
    this.explain = columns.explain === true;
    this.withEvent = columns.withEvent === true;
  }

  drained(): Promise<void> | undefined {
    return this.waitFor?.();
  }

  record(record: HuntRecord): void {
    if (!this.started) this.header();
    if (this.format === 'json') this.pending += `${this.count === 0 ? '[\n' : ',\n'}${JSON.stringify(record, null, 2).replace(/^/gm, '  ')}`;
    else this.pending += `${this.line(record)}\n`;
    this.count++;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  /** Writes out what is buffered. */
  flush(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.write(text);
  }

  finish(): void {
    if (!this.started) this.header();
    if (this.format === 'json') this.pending += this.count === 0 ? '[]\n' : '\n]\n';
    this.flush();
  }

  private header(): void {
    this.started = true;
    if (this.format === 'csv') this.pending += `${CSV_HEADER}${this.explain ? ',match' : ''}${this.withEvent ? ',event' : ''}\n`;
    if (this.format === 'table') this.pending += `${TABLE_HEADER}\n`;
  }

  private line(record: HuntRecord): string {
    if (this.format === 'jsonl') return JSON.stringify(record);
    const correlation = 'type' in record;
    if (this.format === 'csv') {
      const cells = correlation
        ? ['correlation', record.rule_id, record.title, record.level, record.file ?? '', '', record.first_time ?? '', record.correlation_type, groupText(record.group), eventsText(record)]
        : ['detection', record.rule_id, record.title, record.level, record.file, String(record.event_index), record.timestamp ?? '', '', '', ''];
      if (this.explain) cells.push(!correlation && record.match ? matchText(record.match) : '');
      if (this.withEvent) cells.push(!correlation && record.event ? JSON.stringify(record.event) : '');
      return cells.map(csvCell).join(',');
    }
    const time = correlation ? record.first_time : record.timestamp;
    const evidence = correlation
      ? `${record.correlation_type} ${groupText(record.group)} events ${record.file === null ? originList(record.events ?? []) : `${indexList(record.event_indices)} in ${record.file}`}`
      : `${record.file}#${record.event_index}${record.match ? `  ${matchText(record.match)}` : ''}`;
    return `${pad(time ?? '-', 24)}  ${pad(record.level, 13)}  ${pad(record.title, 60)}  ${evidence}`;
  }
}

/** Where the hunt's records go: written as they come (HuntWriter), or held and written by time (TimeSortedWriter). */
export interface RecordOutput {
  record(record: HuntRecord): void;
  flush(): void;
  finish(): void;
  /** After flush: a promise while the output can take no more (RecordSink.drained). */
  drained(): Promise<void> | undefined;
}

/** A record's time (a detection's event, a correlation's first event) in epoch ms; undefined when it has none. */
function recordTime(record: HuntRecord): number | undefined {
  const text = 'type' in record ? record.first_time : record.timestamp;
  if (text === null) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * `--sort time`: every record held until the end, then written oldest first (records of the same time, and the
 * untimed ones after all others, in the order they came). A timeline over several files, at the cost of holding
 * the hits and writing nothing until the hunt is done.
 */
export class TimeSortedWriter implements RecordOutput {
  private readonly held: Array<{ record: HuntRecord; time: number }> = [];

  constructor(private readonly out: RecordOutput) {}

  record(record: HuntRecord): void {
    this.held.push({ record, time: recordTime(record) ?? Number.POSITIVE_INFINITY });
  }

  flush(): void {
    // Nothing is written before the end.
  }

  drained(): undefined {
    return undefined;
  }

  finish(): void {
    // Array#sort is stable: equal times keep their order.
    this.held.sort((a, b) => (a.time === b.time ? 0 : a.time < b.time ? -1 : 1));
    for (const { record } of this.held) this.out.record(record);
    this.held.length = 0;
    this.out.finish();
  }
}
