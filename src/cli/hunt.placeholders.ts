/** `--placeholders FILE`: values for Sigma `%name%` placeholders (`|expand`), as YAML or JSON. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export class PlaceholderError extends Error {}

/** `{ name: value | [values] }`; names may be written with or without the surrounding `%`. */
export function readPlaceholders(file: string): Record<string, string[]> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PlaceholderError(`cannot read placeholders file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new PlaceholderError(`placeholders file ${file} must map each placeholder name to a value or a list of values`);
  }
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value : [value];
    if (!values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      throw new PlaceholderError(`placeholder ${key} in ${file} must be a string or a list of strings`);
    }
    out[key.replace(/^%|%$/g, '')] = values.map(String);
  }
  return out;
}
