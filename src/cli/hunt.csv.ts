/** CSV exports as hunt input. */
import { Readable, pipeline } from 'node:stream';
import { CsvError, parse as parseCsv } from 'csv-parse';
import { type MatchableEvent, normalizeForMatching } from '../engine/normalize/normalize';
import { type EventBatch, InputError, type InputProgress } from './hunt.input';
import { utf8Chunks } from './hunt.text';

/** The header names the fields; rows may be short or long; a byte order mark and blank lines are skipped. */
export const CSV_OPTIONS = { columns: true, bom: true, relax_column_count: true, skip_empty_lines: true } as const;

/** Records per batch of a CSV input. */
const CSV_BATCH = 1024;

/**
 * A CSV export (a SIEM's search results, EVTX converted to CSV...): the header row names the fields, and
 * each row is an event with those fields, read as a JSON object with the same keys would be (empty cells
 * are absent fields). Quoted cells may hold commas, quotes and line breaks.
 */
export async function* readCsvEvents(source: Readable, name: string, progress: InputProgress, referenceTime?: number): AsyncGenerator<EventBatch> {
  // pipeline: an error on either side ends both, and reaches the loop below rather than an unheard 'error' event.
  const rows = pipeline(Readable.from(utf8Chunks(source, progress)), parseCsv(CSV_OPTIONS), () => undefined);
  let index = 0;
  let batch: MatchableEvent[] = [];
  try {
    for await (const row of rows as AsyncIterable<Record<string, string>>) {
      batch.push(normalizeForMatching(withoutEmptyCells(row), index++, referenceTime));
      if (batch.length < CSV_BATCH) continue;
      yield batch;
      batch = [];
    }
  } catch (error) {
    // The parser quotes the offending cell, which can be long (a binary file named .csv).
    if (error instanceof CsvError) throw new InputError(`${name}: not valid CSV (${shortened(error.message)})`);
    throw error;
  }
  if (batch.length > 0) yield batch;
}

/** An empty cell is an absent field. */
export function withoutEmptyCells(row: Record<string, string>): Record<string, string> {
  for (const key of Object.keys(row)) if (row[key] === '') delete row[key];
  return row;
}

function shortened(message: string): string {
  return message.length > 200 ? `${message.slice(0, 199)}…` : message;
}
