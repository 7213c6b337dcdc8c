/**
 * Text hygiene for strings that came from events (written by whoever is under analysis).
 * Bidi overrides and zero-width characters can hide or reorder words for a human reader
 * while a model still reads them, so they are removed before text is matched or shown.
 */

// C0 controls except tab/newline/carriage return, DEL, and C1 controls.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// Bidi embeddings/overrides/isolates and marks, zero-width characters, word joiner, BOM, soft hyphen, tag characters.
const INVISIBLE = /[\u061C\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;

/** Removes control, bidi and zero-width characters; keeps tabs and newlines. */
export function stripInvisible(text: string): string {
  return text.replace(CONTROL, '').replace(INVISIBLE, '');
}

/** True when the text holds characters that stripInvisible would remove. */
export function hasInvisible(text: string): boolean {
  CONTROL.lastIndex = 0;
  INVISIBLE.lastIndex = 0;
  return new RegExp(CONTROL.source).test(text) || new RegExp(INVISIBLE.source).test(text);
}

/** One-line, invisible-free, NFKC-folded text (full-width letters and ligatures become plain ASCII). */
export function normalizeForMatching(text: string): string {
  return stripInvisible(text).normalize('NFKC').replace(/\s+/g, ' ').trim();
}
