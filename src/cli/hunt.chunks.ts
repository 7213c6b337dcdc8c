/**
 * One large JSON Lines input shared out over the worker threads (`lantern hunt --threads N` with one input): the
 * main thread cuts the bytes into chunks of whole lines and each worker hunts a chunk at a time, its events and
 * lines numbered from the chunk's start. Chunks are taken back in input order, so the output is the one thread's:
 * event indices moved on by the events of the chunks before, correlations evaluated once over the whole file's
 * hits (by a worker, which has the rules).
 *
 * A JSON object line stands alone; a log line among them (a JSON string, plain text) may depend on the lines
 * before it (a header in force, the last dated line for a year-less time). A chunk is sent with the lines' state
 * as known then; a chunk that read that state is hunted again when the state turned out otherwise.
 */
import { StringDecoder } from 'node:string_decoder';
import type { RuleRef } from '../engine/model';
import { type HuntPool, type ParallelContext, merged } from './hunt.parallel';
import { CorrelationHold } from './hunt.correlation-hold';
import { describeError, errorField, holdNotes, openInput } from './hunt.file';
import { InputError, type LineState, initialLineState, opensJsonLines, stateAfter } from './hunt.input';
import type { DetectionRecord } from './hunt.output';
import { utf8Chunks } from './hunt.text';
import type { ChunkReply, PooledInput } from './hunt.worker';

/**
 * Bytes per chunk: large enough that a message per chunk costs nothing, small enough to keep every worker busy.
 * An object, so tests can cut small inputs into many chunks.
 */
export const chunking = { bytes: 1 << 21 };
/** Chunks in flight per worker (read ahead, bounded: memory stays about 2 x AHEAD chunks a worker whatever the input's size). */
const AHEAD = 3;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface InFlight {
  parts: Buffer[];
  lineStart: number;
  /** The state the chunk was sent with (compared with the state it should have had). */
  sent: LineState;
  reply: Promise<ChunkReply>;
}

/** Whether a chunk read from `sent` reads as it would from `actual`: the parts of the state its lines took are the same. */
function holds(reply: ChunkReply, sent: LineState, actual: LineState): boolean {
  if (reply.readsYears && JSON.stringify(sent.years) !== JSON.stringify(actual.years)) return false;
  return !reply.readsContext || JSON.stringify(sent.lineContext) === JSON.stringify(actual.lineContext);
}

/**
 * Whole lines of the input, about chunking.bytes at a time, as the read buffers they lie in (the last chunk may
 * lack its line end), the byte order mark left out. Parts, not one buffer: the copy each chunk is sent as is
 * then the only one made.
 */
async function* lineChunks(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer[]> {
  let parts: Buffer[] = [];
  let first = true;
  try {
    for await (let buffer of source) {
      if (first && buffer.length > 0) {
        first = false;
        if (buffer.subarray(0, 3).equals(BOM)) buffer = buffer.subarray(3);
      }
      parts.push(buffer);
      for (let cut = lineEndAfter(parts, chunking.bytes - 1); cut !== undefined; cut = lineEndAfter(parts, chunking.bytes - 1)) {
        yield partsTo(parts, cut);
        parts = partsAfter(parts, cut);
      }
    }
  } catch (error) {
    // The input broke off (a truncated .gz): its whole lines are hunted first, as one thread hunts them.
    const last = lastLineEnd(parts);
    if (last !== undefined) yield partsTo(parts, last);
    throw error;
  }
  if (parts.some((p) => p.length > 0)) yield parts;
}

function partsTo(parts: Buffer[], cut: { part: number; at: number }): Buffer[] {
  return [...parts.slice(0, cut.part), parts[cut.part].subarray(0, cut.at + 1)];
}

function partsAfter(parts: Buffer[], cut: { part: number; at: number }): Buffer[] {
  return [parts[cut.part].subarray(cut.at + 1), ...parts.slice(cut.part + 1)].filter((p) => p.length > 0);
}

/** The last line end of the parts together. */
function lastLineEnd(parts: Buffer[]): { part: number; at: number } | undefined {
  for (let i = parts.length - 1; i >= 0; i--) {
    const at = parts[i].lastIndexOf(10);
    if (at !== -1) return { part: i, at };
  }
  return undefined;
}

/** The first line end at or after byte `from` of the parts together: which part, and where in it. */
function lineEndAfter(parts: Buffer[], from: number): { part: number; at: number } | undefined {
  let start = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (start + p.length > from) {
      const at = p.indexOf(10, Math.max(0, from - start));
      if (at !== -1) return { part: i, at };
    }
    start += p.length;
  }
  return undefined;
}

/** The parts as one buffer of its own (sent to a worker, which owns it then). */
function joined(parts: Buffer[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function lineEnds(parts: Buffer[]): number {
  let count = 0;
  for (const p of parts) for (let i = p.indexOf(10); i !== -1; i = p.indexOf(10, i + 1)) count++;
  return count;
}

/** Whether an input opens as JSON Lines (its first non-blank line a JSON object), read up to that line's end (1 MiB at most). */
export async function opensAsJsonLines(file: string): Promise<boolean> {
  let opened: ReturnType<typeof openInput> | undefined;
  const decoder = new StringDecoder('utf8');
  let head = '';
  try {
    opened = openInput(file);
    for await (const buffer of utf8Chunks(opened.source, opened.counted)) {
      head += decoder.write(buffer);
      if (/\S[^\n]*\n/.test(head) || head.length >= 1 << 20) break;
    }
  } catch {
    // Unreadable here: the hunt on one thread says why.
    return false;
  } finally {
    opened?.close();
  }
  return opensJsonLines(head);
}

/**
 * Hunts `file` in chunks over the pool's workers; resolves false, having read nothing out, when the input does not
 * open as JSON Lines (the caller hands it to one worker whole).
 */
export async function huntInChunks(file: string, pool: HuntPool, refs: RuleRef[], ctx: ParallelContext, correlations: boolean): Promise<boolean> {
  const { source, input, counted, referenceTime, close } = openInput(file);
  let state: LineState = initialLineState(referenceTime);
  const inFlight: InFlight[] = [];
  // This file's hits for correlation rules (--correlate-across-files puts them in the hunt's pool instead).
  const fileInputs = new CorrelationHold(undefined, holdNotes(file, ctx));
  let offset = 0;
  let lineStart = 0;
  let decided = false;
  let accepted = 0;
  let redone = 0;

  const send = (parts: Buffer[], bytes: Uint8Array): void => {
    // The worker gets the copy, handed over whole; the parts stay here until the chunk is taken back.
    const reply = pool.submit({ kind: 'chunk', file, bytes, lineStart, state, referenceTime }, [bytes.buffer as ArrayBuffer]);
    // Awaited in order below; a rejection met first elsewhere must not go unhandled meanwhile.
    reply.catch(() => undefined);
    inFlight.push({ parts, lineStart, sent: state, reply });
    lineStart += lineEnds(parts);
  };

  /** The oldest chunk's hits, written; hunted again first when it read a state that turned out otherwise. */
  const accept = async (chunk: InFlight): Promise<void> => {
    let reply = await chunk.reply;
    accepted++;
    if (!holds(reply, chunk.sent, state)) {
      redone++;
      const bytes = joined(chunk.parts);
      reply = await pool.submit({ kind: 'chunk', file, bytes, lineStart: chunk.lineStart, state, referenceTime }, [bytes.buffer as ArrayBuffer]);
    }
    for (const record of reply.records) {
      (record as DetectionRecord).event_index += offset;
      ctx.writer.record(record);
    }
    ctx.writer.flush();
    merged(ctx, refs, reply.counters, reply.hits);
    keepInputs(reply, offset, ctx, refs, fileInputs, file);
    offset += reply.counters.events;
    state = stateAfter(state, reply);
    ctx.progress.update(file, ctx.counters.events, input);
    if (reply.failed !== undefined) throw new InputError(reply.failed);
    // No further chunk is sent while the output's reader lags (the chunks in flight are all that is held).
    const drained = ctx.writer.drained?.();
    if (drained !== undefined) await drained;
  };

  let readError: unknown;
  try {
    const chunks = lineChunks(utf8Chunks(source, counted))[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Buffer[]>;
      try {
        next = await chunks.next();
      } catch (error) {
        // The chunks read before it are hunted and written first.
        readError = error;
        break;
      }
      if (next.done) break;
      const bytes = joined(next.value);
      if (!decided) {
        if (!opensJsonLines(Buffer.from(bytes.buffer, 0, Math.min(bytes.length, 1 << 20)).toString('utf8'))) return false;
        decided = true;
      }
      send(next.value, bytes);
      // Speculation that keeps failing (log lines dated across chunks) gives way to one chunk at a time.
      const ahead = redone >= 3 && redone * 4 >= accepted ? 1 : AHEAD * pool.size;
      while (inFlight.length >= ahead) await accept(inFlight.shift() as InFlight);
    }
    while (inFlight.length > 0) await accept(inFlight.shift() as InFlight);
  } catch (error) {
    fileInputs.discard();
    throw error;
  } finally {
    close();
  }
  if (readError !== undefined) {
    fileInputs.discard();
    if (errorField(readError, 'code')?.startsWith('Z_')) throw new InputError(`${file}: not a valid gzip file (${describeError(readError)})`);
    throw readError;
  }
  if (correlations && ctx.pool === undefined && fileInputs.size > 0) {
    const handed = fileInputs.handOver();
    const positions = new Map(refs.map((ref, i) => [ref, i]));
    const job = 'database' in handed ? { database: handed.database } : { inputs: handed.inputs.map((input): PooledInput => ({ rule: positions.get(input.rule) as number, event: input.event })) };
    const reply = await pool.submit({ kind: 'correlate', file, ...job });
    for (const record of reply.records) ctx.writer.record(record);
    ctx.writer.flush();
    merged(ctx, refs, reply.counters, reply.hits);
    ctx.load?.clear();
  }
  return true;
}

/** A chunk's correlation inputs, renumbered for the file (or, across files, in the pool's one sequence). */
function keepInputs(reply: ChunkReply, offset: number, ctx: ParallelContext, refs: RuleRef[], fileInputs: CorrelationHold, file: string): void {
  const pool = ctx.pool;
  for (const input of reply.inputs) ctx.load?.add(refs[input.rule], pool === undefined ? file : 'all inputs');
  if (pool === undefined) {
    for (const input of reply.inputs) fileInputs.push({ rule: refs[input.rule], event: { ...input.event, index: input.event.index + offset } });
    return;
  }
  const base = pool.origins.length;
  for (const origin of reply.origins ?? []) pool.origins.push({ file, index: origin.index + offset });
  for (const input of reply.inputs) pool.inputs.push({ rule: refs[input.rule], event: { ...input.event, index: input.event.index + base } });
}
