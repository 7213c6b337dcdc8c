import type { EventEntities, LogSource, Outcome } from '../model';

/** A plain JSON object as events arrive. */
export type RawObject = Record<string, unknown>;

/** A syslog-style time without a year: resolved after the whole batch is seen. */
export interface YearlessTime {
  month: number; // 0-11
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Offset east of UTC in minutes, when the line names one (most do not: then UTC). */
  offsetMinutes: number;
}

/** What one format detector produces; the driver adds index, ref and raw. */
export interface NormalizedParts {
  format: string;
  fields: Record<string, unknown>;
  logsource: LogSource;
  time?: number;
  yearless?: YearlessTime;
  action?: string;
  outcome: Outcome;
  /** Entities, or a function computing them: the driver defers it until someone reads `event.entities`
   *  (the hunt never does, the analysis always does). */
  entities: EventEntities | (() => EventEntities);
  message?: string;
}

/** Per-collection state shared by the line formats (header-driven formats need it). */
export interface LineContext {
  /** IIS W3C `#Fields:` header currently in force. */
  w3cFields?: string[];
  /** Zeek TSV header currently in force. */
  zeekTsv?: { separator: string; fields: string[]; path?: string; unset: string; empty: string };
}

export interface ObjectFormat {
  id: string;
  /** Cheap shape test; runs in registry order, the first that accepts wins. */
  detect(raw: RawObject): boolean;
  normalize(raw: RawObject): NormalizedParts;
}

export interface LineFormat {
  id: string;
  /** Consumes a header line (updating ctx) and returns true; such lines yield no event. */
  header?(line: string, ctx: LineContext): boolean;
  detect(line: string, ctx: LineContext): boolean;
  /** undefined: the line is not of this format after all; the next format is tried. */
  normalize(line: string, ctx: LineContext): NormalizedParts | undefined;
}

export interface NormalizeOptions {
  /** Epoch ms used to place year-less timestamps (syslog) when the batch has no dated event. */
  referenceTime?: number;
}
