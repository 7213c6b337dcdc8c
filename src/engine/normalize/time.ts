import type { YearlessTime } from './types';

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

// Accepts `T` or a space as separator, any fraction length, `Z`, `+hh:mm`, `+hhmm`, `+hh`, `UTC`/`GMT`; no zone means UTC.
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;
const APACHE_RE = /^\[?(\d{1,2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*([+-]\d{4})?\]?$/;
const SYSLOG_RE = /^([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;
const NUMERIC_RE = /^\d{9,19}(?:\.\d+)?$/;
// en-US as PowerShell and Excel write it (`3/1/2024 10:00:00 AM`): month, day and hour unpadded, AM/PM in capitals.
// Day-first locales that also write a 12-hour clock pad or write `am`/`pm` (en-AU `01/03/2024, 10:00:00 am`, en-IN
// `1/3/2024, 10:00:00 am`): not read.
const US_RE = /^([1-9]|1[0-2])\/([1-9]|[12]\d|3[01])\/(\d{4}),? ([1-9]|1[0-2]):(\d{2})(?::(\d{2}))?[ \u202f]?(AM|PM)$/;
const EXPLICIT_ZONE_RE = /(?:\b(?:GMT|UTC)\b|[+-]\d{4}\b|Z$)/;

/** Epoch milliseconds of a timestamp value, or undefined when it is not a usable time. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') return fromEpochNumber(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s.length < 8) return undefined;
  const c = s.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (NUMERIC_RE.test(s)) return fromEpochNumber(Number(s));
    return parseIso(s) ?? parseApache(s) ?? parseUsTime(s) ?? parseZoned(s);
  }
  if (c === 91) return parseApache(s);
  if (c === 47) return parseDotNetDate(s);
  return parseZoned(s);
}

/** .NET's JSON date (`/Date(1709287200000)/`, as PowerShell 5 writes TimeCreated): epoch milliseconds, an offset after them aside. */
function parseDotNetDate(s: string): number | undefined {
  const m = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(s);
  const ms = m ? Number(m[1]) : Number.NaN;
  // Within Date's range, as every other reading gives.
  return Number.isSafeInteger(ms) && Math.abs(ms) <= 8.64e15 ? ms : undefined;
}

/** Seconds, milliseconds, microseconds or nanoseconds since the epoch, told apart by magnitude. */
export function fromEpochNumber(n: number): number | undefined {
  // Below 1e8 (1973 in seconds) a number is a duration or a counter, not a time.
  if (!Number.isFinite(n) || n < 1e8) return undefined;
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  if (n < 1e17) return Math.round(n / 1000);
  return Math.round(n / 1e6);
}

/** Digits of s[from, to) as a number, or -1 when a non-digit is there. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** `YYYY-MM-DDTHH:MM:SS[.fff...]Z` (or no zone), the shape of nearly every stamp: read without the regex. */
function parseIsoFast(s: string): number | undefined {
  const len = s.length;
  if (len < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const sep = s.charCodeAt(10);
  if (sep !== 84 && sep !== 32) return undefined;
  let end = len;
  if (s.charCodeAt(len - 1) === 90) end = len - 1;
  let ms = 0;
  if (end > 19) {
    if (s.charCodeAt(19) !== 46) return undefined;
    const frac = digits(s, 20, end);
    if (frac < 0 || end === 20) return undefined;
    ms = Math.floor(frac / 10 ** Math.max(0, end - 23)) * 10 ** Math.max(0, 23 - end);
  }
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  const h = digits(s, 11, 13);
  const mi = digits(s, 14, 16);
  const sec = digits(s, 17, 19);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

export function parseIso(s: string): number | undefined {
  const fast = parseIsoFast(s);
  if (fast !== undefined) return fast;
  const m = ISO_RE.exec(s);
  if (!m || +m[2] < 1 || +m[2] > 12 || +m[3] < 1 || +m[3] > 31 || (m[4] && +m[4] > 23) || (m[5] && +m[5] > 59) || (m[6] && +m[6] > 60)) return undefined;
  const ms = fractionMs(m[7]);
  const base = Date.UTC(+m[1], +m[2] - 1, +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, ms);
  if (Number.isNaN(base)) return undefined;
  return base - zoneOffsetMinutes(m[8]) * 60000;
}

export function parseApache(s: string): number | undefined {
  const m = APACHE_RE.exec(s);
  if (!m) return undefined;
  const month = MONTHS[m[2].toLowerCase()];
  if (month === undefined) return undefined;
  const ms = fractionMs(m[7]);
  const base = Date.UTC(+m[3], month, +m[1], +m[4], +m[5], +m[6], ms);
  return base - zoneOffsetMinutes(m[8]) * 60000;
}

/** `Oct  3 14:20:00` (RFC 3164): the year is resolved later from the batch or the reference time. */
export function parseSyslogTime(s: string): YearlessTime | undefined {
  const m = SYSLOG_RE.exec(s);
  if (!m) return undefined;
  const month = MONTHS[m[1].toLowerCase()];
  if (month === undefined) return undefined;
  return {
    month,
    day: +m[2],
    hour: +m[3],
    minute: +m[4],
    second: +m[5],
    ms: fractionMs(m[6]),
    offsetMinutes: 0,
  };
}

/** Places a year-less time in `year`; a December line read against a January reference belongs to the year before. */
export function resolveYearless(t: YearlessTime, year: number, referenceTime?: number): number {
  const at = (y: number) => Date.UTC(y, t.month, t.day, t.hour, t.minute, t.second, t.ms) - t.offsetMinutes * 60000;
  const time = at(year);
  if (referenceTime !== undefined && time - referenceTime > 31 * 86400000) return at(year - 1);
  return time;
}

/**
 * `3/1/2024 10:00:00 AM` (month first, 12-hour clock); no zone, so UTC like any other time without one. PowerShell
 * writes TimeCreated in the exporting host's own time: such times are off by that host's offset from UTC.
 */
export function parseUsTime(s: string): number | undefined {
  const m = US_RE.exec(s);
  if (!m) return undefined;
  const [month, day, year, hour12, minute] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  if (year < 1970 || minute > 59) return undefined;
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (second > 59) return undefined;
  const hour = (hour12 % 12) + (m[7] === 'PM' ? 12 : 0);
  const t = Date.UTC(year, month - 1, day, hour, minute, second);
  // 2/30 and the like roll over in Date.UTC: refused instead.
  return new Date(t).getUTCDate() === day ? t : undefined;
}

/** Only strings naming their zone go to Date.parse: anything else would depend on the host's time zone. */
function parseZoned(s: string): number | undefined {
  if (!EXPLICIT_ZONE_RE.test(s) || !/\d{4}/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** Sub-second digits truncated to milliseconds (as Windows and Sysmon tools display them). */
function fractionMs(frac: string | undefined): number {
  return frac ? Number(`${frac}00`.slice(0, 3)) : 0;
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone) return 0;
  const c = zone[0];
  if (c !== '+' && c !== '-') return 0;
  const digits = zone.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  const total = h * 60 + m;
  return c === '-' ? -total : total;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
