/** Input bytes as UTF-8, whatever text encoding the input was written in. */
import { TextDecoder } from 'node:util';
import type { InputProgress } from './hunt.input';

/** UTF-16 text starts with its byte order mark (Windows PowerShell 5 writes UTF-16LE with `>` and Out-File). */
function utf16Encoding(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * The input's chunks as UTF-8 bytes: UTF-16 text (known by its byte order mark) is transcoded, anything
 * else passes through untouched. `progress` counts the input's own bytes.
 */
export async function* utf8Chunks(source: AsyncIterable<Buffer | string>, progress: InputProgress): AsyncGenerator<Buffer> {
  let decoder: TextDecoder | undefined;
  // The first byte of an input, held until the second says whether a UTF-16 byte order mark starts it.
  let held: Buffer | undefined;
  let sniffed = false;
  for await (const chunk of source) {
    let buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    progress.bytesRead += buffer.length;
    if (!sniffed) {
      if (held !== undefined) buffer = Buffer.concat([held, buffer]);
      held = undefined;
      if (buffer.length < 2) {
        held = buffer;
        continue;
      }
      sniffed = true;
      const encoding = utf16Encoding(buffer);
      if (encoding !== undefined) decoder = new TextDecoder(encoding);
    }
    if (decoder === undefined) {
      yield buffer;
      continue;
    }
    const text = decoder.decode(buffer, { stream: true });
    if (text !== '') yield Buffer.from(text, 'utf8');
  }
  if (held !== undefined) yield held;
  const rest = decoder?.decode() ?? '';
  if (rest !== '') yield Buffer.from(rest, 'utf8');
}

/** A whole input's text: UTF-16 with its byte order mark, else UTF-8. */
export function decodeText(bytes: Buffer): string {
  const encoding = utf16Encoding(bytes);
  return encoding === undefined ? bytes.toString('utf8') : new TextDecoder(encoding).decode(bytes);
}

const EVTX_MAGIC = Buffer.from('ElfFile\u0000', 'latin1');

/** What is wrong with an input that is not text at all, told by its first bytes; undefined for text. */
export function binaryInputProblem(head: Buffer): string | undefined {
  if (head.length >= EVTX_MAGIC.length && head.subarray(0, EVTX_MAGIC.length).equals(EVTX_MAGIC)) {
    return 'a binary Windows event log (.evtx): export it first as XML (wevtutil qe FILE /lf:true /f:xml), JSON Lines (evtx_dump -o jsonl) or CSV (EvtxECmd), and give Lantern the export';
  }
  return undefined;
}
