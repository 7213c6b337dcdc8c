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
