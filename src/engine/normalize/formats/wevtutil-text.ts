/**
 * `wevtutil qe LOG /f:text` records, as incident responders export a live host's logs:
 *
 *   Event[0]:
 *     Log Name: Security
 *     Source: Microsoft-Windows-Security-Auditing
 *     Date: 2024-03-01T10:00:00.1230000Z
 *     Event ID: 4688
 *     ...
 *     Computer: ws1.corp.local
 *     Description:
 *   A new process has been created. ...
 *
 * Read as the Get-WinEvent export it resembles (LogName, ProviderName, Id, MachineName, TimeCreated, Message), so the
 * Windows format reads the event's fields back from the rendered message (windows-messages.ts).
 */
import type { LineFormat, RawObject } from '../types';
import { windowsFormat } from './windows';

/** Header labels and the Get-WinEvent names they stand for (the others carry nothing rules read). */
const HEADER_NAMES: Readonly<Record<string, string>> = {
  'Log Name': 'LogName',
  Source: 'ProviderName',
  Date: 'TimeCreated',
  'Event ID': 'Id',
  Keyword: 'Keywords',
  Computer: 'MachineName',
};

/** A record's first lines: `Event[N]:`, then an indented header line. */
const RECORD_START = /^Event\[(\d+)\]:\r?\n[ \t]+[A-Za-z][A-Za-z ]*:/;
/** Where a record may start inside an export: at a line `Event[N]:` followed by an indented header line. */
const NEXT_RECORD = /\r?\n(?=Event\[(\d+)\]:\r?\n[ \t]+[A-Za-z][A-Za-z ]*:)/g;
const HEADER_LINE = /^\s+([A-Za-z][A-Za-z ]*?):[ \t]?(.*)$/;

/** Whether text opens with a wevtutil text record (`Event[N]:` on a line of its own, then a header line). */
export function isWevtutilText(text: string): boolean {
  return RECORD_START.test(text);
}

/**
 * Cuts an export into records. A record starts at `Event[N]:` only where N follows the previous record's number
 * (or is 0: exports one after another): the message of a record is text anyone could have written (a command
 * line, a script block), and a line of it reading `Event[9]:` must not cut the record and hide its later fields.
 * `next`: the number the first record after `text`'s first must have. Returns the complete records and where the
 * last one (still open) starts.
 */
export function cutWevtutilText(text: string, next: number): { records: string[]; open: number; next: number } {
  const records: string[] = [];
  let start = 0;
  NEXT_RECORD.lastIndex = 0;
  for (let m = NEXT_RECORD.exec(text); m !== null; m = NEXT_RECORD.exec(text)) {
    const n = Number(m[1]);
    if (n !== next && n !== 0) continue;
    if (text.slice(start, m.index).trim() !== '') records.push(text.slice(start, m.index));
    start = m.index + m[0].length;
    next = n + 1;
  }
  return { records, open: start, next };
}

/** The records of a whole wevtutil text export. */
export function splitWevtutilText(text: string): string[] {
  const first = RECORD_START.exec(text);
  const { records, open } = cutWevtutilText(text, first ? Number(first[1]) + 1 : 0);
  const last = text.slice(open);
  return last.trim() === '' ? records : [...records, last];
}

/** One record as a Get-WinEvent-like object; undefined when it has no event id. */
export function parseWevtutilText(record: string): RawObject | undefined {
  const lines = record.split(/\r?\n/);
  const out: RawObject = {};
  for (let i = 1; i < lines.length; i++) {
    const m = HEADER_LINE.exec(lines[i]);
    if (!m) continue;
    if (m[1] === 'Description') {
      out.Message = [m[2], ...lines.slice(i + 1)].join('\r\n').trim();
      break;
    }
    const name = HEADER_NAMES[m[1]];
    if (name !== undefined && m[2].trim() !== '') out[name] = m[2].trim();
  }
  return out.Id !== undefined ? out : undefined;
}

export const wevtutilTextFormat: LineFormat = {
  id: 'windows',
  detect: (line) => isWevtutilText(line),
  normalize: (line) => {
    const raw = parseWevtutilText(line);
    return raw !== undefined && windowsFormat.detect(raw) ? windowsFormat.normalize(raw) : undefined;
  },
};
