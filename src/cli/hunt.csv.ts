/** CSV exports as hunt input. */
import { Readable, pipeline } from 'node:stream';
import { CsvError, parse as parseCsv } from 'csv-parse';
import { type MatchableEvent, normalizeForMatching } from '../engine/normalize/normalize';
import { type EventBatch, InputError, type InputProgress } from './hunt.input';
import { utf8Chunks } from './hunt.text';

/** The header names the fields; rows may be short or long; a byte order mark and blank lines are skipped. */
export const CSV_OPTIONS = { columns: true, bom: true, relax_column_count: true, skip_empty_lines: true } as const;

/**
 * Windows PowerShell 5's Export-Csv (without -NoTypeInformation) writes `#TYPE <.NET type>` above the header: that line
 * is skipped. `head`: the input's first characters.
 */
export function csvOptionsFor(head: string): typeof CSV_OPTIONS & { from_line?: number } {
  return /^\uFEFF?#TYPE /.test(head) ? { ...CSV_OPTIONS, from_line: 2 } : CSV_OPTIONS;
}

/** The first bytes of `chunks` (at least `size` unless the input is shorter), and every chunk, replayed from the start. */
async function peeked(chunks: AsyncIterable<Buffer>, size: number): Promise<{ head: string; all: AsyncIterable<Buffer> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let length = 0;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) break;
    first.push(next.value);
    length += next.value.length;
  }
  async function* all(): AsyncIterable<Buffer> {
    yield* first;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head: Buffer.concat(first).subarray(0, size).toString('utf8'), all: all() };
}

/** Records per batch of a CSV input. */
const CSV_BATCH = 1024;

/**
 * A CSV export (a SIEM's search results, EVTX converted to CSV...): the header row names the fields, and
 * each row is an event with those fields, read as a JSON object with the same keys would be (empty cells
 * are absent fields). Quoted cells may hold commas, quotes and line breaks.
 */
export async function* readCsvEvents(source: Readable, name: string, progress: InputProgress, referenceTime?: number): AsyncGenerator<EventBatch> {
  const { head, all } = await peeked(utf8Chunks(source, progress), 16);
  // pipeline: an error on either side ends both, and reaches the loop below rather than an unheard 'error' event.
  const rows = pipeline(Readable.from(all), parseCsv(csvOptionsFor(head)), () => undefined);
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
