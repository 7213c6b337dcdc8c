/** Errors of reading hunt input: a broken file, not a fault of the hunt (exit 1 with the message alone). */
import { JsonArrayError } from './hunt.json-array';

export class InputError extends Error {}

/** A splitter's step, its structure errors as input errors naming the input. */
export function jsonStructure<T>(name: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof JsonArrayError) throw new InputError(`${name}: not valid JSON (${error.message})`);
    throw error;
  }
}

/** V8's error for a string past its longest (about 512 MiB): an input line or document of that size. */
export function tooLongForText(error: unknown): boolean {
  return error instanceof Error && /string longer than/i.test(error.message);
}

/** A size for an error message: under 1 MiB in `unit` (bytes, characters), else in whole MiB. */
export function sizeText(size: number, unit: string): string {
  return size < 1 << 20 ? `${size} ${unit}` : `${Math.round(size / (1 << 20))} MiB`;
}
