/**
 * Spotlighting (Hines et al., 2024): untrusted text reaches the model inside a block delimited by a
 * random per-request marker the attacker cannot guess, and with its whitespace replaced by a datamark
 * character, so the model can tell data from instructions even when the data imitates instructions.
 */
import { randomBytes } from 'crypto';
import { stripInvisible } from '../engine/injection';

/** MODIFIER LETTER CIRCUMFLEX: rare in logs and prose, one token in common tokenizers. */
export const DATAMARK = '\u02C6';

export interface Spotlight {
  /** Random delimiter for this request, e.g. `DATA-3f9c…`. */
  readonly marker: string;
  /** Cleans a data string and marks it: invisible characters and marker look-alikes removed, whitespace -> DATAMARK. */
  mark(text: string): string;
}

export function createSpotlight(random: () => string = () => randomBytes(8).toString('hex')): Spotlight {
  const marker = `DATA-${random()}`;
  return {
    marker,
    mark(text: string): string {
      return stripInvisible(text)
        .split(marker)
        .join('')
        .replace(new RegExp(DATAMARK, 'g'), '')
        .replace(/\s+/g, DATAMARK);
    },
  };
}

/** Undoes datamarking in model output (models sometimes copy the mark) and removes invisible characters. */
export function unmark(text: string): string {
  return stripInvisible(text).replace(new RegExp(DATAMARK, 'g'), ' ').replace(/[ \t]+/g, ' ').trim();
}
