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
import type { RuleRef } from '../engine/model';
import { type HuntPool, type ParallelContext, merged } from './hunt.parallel';
import { describeError, errorField, openInput } from './hunt.file';
import { InputError, type LineState, initialLineState, opensJsonLines, stateAfter } from './hunt.input';
import type { DetectionRecord } from './hunt.output';
import { utf8Chunks } from './hunt.text';
import type { ChunkReply, HuntWorkerSettings, PooledInput } from './hunt.worker';

/**
 * Bytes per chunk: large enough that a message per chunk costs nothing, small enough to keep every worker busy.
 * An object, so tests can cut small inputs into many chunks.
 */
export const chunking = { bytes: 1 << 21 };
/** Chunks in flight per worker (read ahead, bounded: memory stays a few chunks whatever the input's size). */
const AHEAD = 3;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface InFlight {
  bytes: Uint8Array;
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

/** Whole lines of the input, about chunking.bytes at a time (the last chunk may lack its line end), the byte order mark left out. */
async function* lineChunks(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let first = true;
  for await (let buffer of source) {
    if (first && buffer.length > 0) {
      first = false;
      if (buffer.subarray(0, 3).equals(BOM)) buffer = buffer.subarray(3);
    }
    pending = pending.length === 0 ? buffer : Buffer.concat([pending, buffer]);
    while (pending.length >= chunking.bytes) {
      // The first line end past the chunk's size; a line longer than the rest of the buffer waits for more.
      const end = pending.indexOf(10, chunking.bytes - 1);
      if (end === -1) break;
      yield pending.subarray(0, end + 1);
      pending = pending.subarray(end + 1);
    }
  }
  if (pending.length > 0) yield pending;
}

function lineEnds(bytes: Uint8Array): number {
  let count = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) count++;
  return count;
}

/**
 * Hunts `file` in chunks over the pool's workers; resolves false, having read nothing out, when the input does not
 * open as JSON Lines (the caller hands it to one worker whole).
 */
export async function huntInChunks(file: string, pool: HuntPool, refs: RuleRef[], ctx: ParallelContext, settings: HuntWorkerSettings, correlations: boolean): Promise<boolean> {
  const { source, counted, referenceTime, close } = openInput(file);
  let state: LineState = initialLineState(referenceTime);
  const inFlight: InFlight[] = [];
  const fileInputs: PooledInput[] = [];
  let offset = 0;
  let lineStart = 0;
  let decided = false;

  const send = (bytes: Uint8Array): void => {
    // The worker gets a copy of its own, handed over whole; `bytes` stays here until the chunk is taken back.
    const copy = Uint8Array.prototype.slice.call(bytes) as Uint8Array;
    const reply = pool.submit({ kind: 'chunk', file, bytes: copy, lineStart, state, referenceTime }, [copy.buffer as ArrayBuffer]);
    // Awaited in order below; a rejection met first elsewhere must not go unhandled meanwhile.
    reply.catch(() => undefined);
    inFlight.push({ bytes, lineStart, sent: state, reply });
    lineStart += lineEnds(bytes);
  };

  /** The oldest chunk's hits, written; hunted again first when it read a state that turned out otherwise. */
  const accept = async (chunk: InFlight): Promise<void> => {
    let reply = await chunk.reply;
    if (!holds(reply, chunk.sent, state)) {
      reply = await pool.submit({ kind: 'chunk', file, bytes: chunk.bytes, lineStart: chunk.lineStart, state, referenceTime });
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
    ctx.progress.update(file, ctx.counters.events, counted);
    if (reply.failed !== undefined) throw new InputError(reply.failed);
  };

  try {
    for await (const chunk of lineChunks(utf8Chunks(source, counted))) {
      if (!decided) {
        if (!opensJsonLines(chunk.toString('utf8', 0, Math.min(chunk.length, 1 << 20)))) return false;
        decided = true;
      }
      send(chunk);
      while (inFlight.length >= AHEAD * pool.size) await accept(inFlight.shift() as InFlight);
    }
    while (inFlight.length > 0) await accept(inFlight.shift() as InFlight);
  } catch (error) {
    if (errorField(error, 'code')?.startsWith('Z_')) throw new InputError(`${file}: not a valid gzip file (${describeError(error)})`);
    throw error;
  } finally {
    close();
  }
  if (correlations && ctx.pool === undefined && fileInputs.length > 0) {
    const reply = await pool.submit({ kind: 'correlate', file, inputs: fileInputs });
    for (const record of reply.records) ctx.writer.record(record);
    ctx.writer.flush();
    merged(ctx, refs, reply.counters, reply.hits);
  }
  return true;
}

/** A chunk's correlation inputs, renumbered for the file (or, across files, in the pool's one sequence). */
function keepInputs(reply: ChunkReply, offset: number, ctx: ParallelContext, refs: RuleRef[], fileInputs: PooledInput[], file: string): void {
  const pool = ctx.pool;
  if (pool === undefined) {
    for (const input of reply.inputs) fileInputs.push({ rule: input.rule, event: { ...input.event, index: input.event.index + offset } });
    return;
  }
  const base = pool.origins.length;
  for (const origin of reply.origins ?? []) pool.origins.push({ file, index: origin.index + offset });
  for (const input of reply.inputs) pool.inputs.push({ rule: refs[input.rule], event: { ...input.event, index: input.event.index + base } });
}
