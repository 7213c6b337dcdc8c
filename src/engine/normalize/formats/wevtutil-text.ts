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

const RECORD_START = /^Event\[\d+\]:\r?\n/;
const HEADER_LINE = /^\s+([A-Za-z][A-Za-z ]*?):[ \t]?(.*)$/;

/** Whether text opens with a wevtutil text record (`Event[N]:` on a line of its own). */
export function isWevtutilText(text: string): boolean {
  return RECORD_START.test(text);
}

/** The records of a wevtutil text export, each from its `Event[N]:` line. */
export function splitWevtutilText(text: string): string[] {
  return text.split(/\r?\n(?=Event\[\d+\]:\r?\n)/).filter((record) => record.trim() !== '');
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
