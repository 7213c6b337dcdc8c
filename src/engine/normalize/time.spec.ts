import { fromEpochNumber, parseSyslogTime, parseTimestamp, resolveYearless } from './time';

describe('parseTimestamp', () => {
  it('reads ISO 8601 in UTC', () => {
    expect(parseTimestamp('2026-04-03T14:20:00Z')).toBe(Date.UTC(2026, 3, 3, 14, 20, 0));
  });

  it('converts ISO 8601 offsets to UTC', () => {
    expect(parseTimestamp('2026-04-03T16:20:00+02:00')).toBe(Date.UTC(2026, 3, 3, 14, 20, 0));
    expect(parseTimestamp('2026-04-03T09:20:00-0500')).toBe(Date.UTC(2026, 3, 3, 14, 20, 0));
    expect(parseTimestamp('2026-04-03T19:50:00.250+05:30')).toBe(Date.UTC(2026, 3, 3, 14, 20, 0, 250));
  });

  it('reads nanosecond fractions (Windows SystemTime) to the millisecond', () => {
    expect(parseTimestamp('2022-05-11T18:10:22.003485000Z')).toBe(Date.UTC(2022, 4, 11, 18, 10, 22, 3));
  });

  it('reads en-US times with AM/PM (PowerShell\'s TimeCreated in Export-Csv) as UTC, and no day-first or 24-hour slash date', () => {
    expect(parseTimestamp('3/1/2024 10:00:00 AM')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0));
    expect(parseTimestamp('12/31/2023 11:59:59 PM')).toBe(Date.UTC(2023, 11, 31, 23, 59, 59));
    expect(parseTimestamp('3/1/2024 12:05:00 AM')).toBe(Date.UTC(2024, 2, 1, 0, 5, 0));
    expect(parseTimestamp('3/1/2024 12:05 PM')).toBe(Date.UTC(2024, 2, 1, 12, 5, 0));
    expect(parseTimestamp('3/1/2024, 1:05:09 PM')).toBe(Date.UTC(2024, 2, 1, 13, 5, 9));
    expect(parseTimestamp('2/29/2024 11:00:00\u202fPM')).toBe(Date.UTC(2024, 1, 29, 23, 0, 0));
    // Day-first (en-GB 24-hour, en-AU padded with am/pm, en-IN with am/pm) or impossible: not a time.
    for (const s of ['01/03/2024 10:00:00', '01/03/2024, 10:00:00 am', '1/3/2024, 10:00:00 am', '13/1/2024 10:00:00 AM', '2/30/2024 10:00:00 AM', '3/1/2024 13:00:00 PM', '3/1/2024 0:10:00 AM', '3/1/0024 10:00:00 AM'])
      expect(parseTimestamp(s)).toBeUndefined();
  });

  it('reads Sysmon UtcTime (space separated, no zone) as UTC', () => {
    expect(parseTimestamp('2020-12-19 12:49:32.278')).toBe(Date.UTC(2020, 11, 19, 12, 49, 32, 278));
  });

  it('reads epoch seconds, milliseconds and float seconds, as numbers and strings', () => {
    const t = Date.UTC(2026, 5, 30, 1, 0, 0);
    expect(parseTimestamp(t / 1000)).toBe(t);
    expect(parseTimestamp(t)).toBe(t);
    expect(parseTimestamp(String(t / 1000))).toBe(t);
    expect(parseTimestamp(String(t))).toBe(t);
    expect(parseTimestamp('1782781201.5')).toBe(1782781201500);
    expect(fromEpochNumber(1782781201500000)).toBe(1782781201500);
  });

  it('reads .NET JSON dates as PowerShell 5 writes them (epoch milliseconds)', () => {
    expect(parseTimestamp('/Date(1709287200123)/')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 123));
    expect(parseTimestamp('/Date(1709287200123+0100)/')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 123));
    expect(parseTimestamp('/Date(soon)/')).toBeUndefined();
    expect(parseTimestamp('/Date(99999999999999999999)/')).toBeUndefined();
  });

  it('reads the Apache access-log time with its offset', () => {
    expect(parseTimestamp('[10/Oct/2000:13:55:36 -0700]')).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
    expect(parseTimestamp('10/Oct/2000:13:55:36 +0000')).toBe(Date.UTC(2000, 9, 10, 13, 55, 36));
  });

  it('reads RFC 2822 dates that name their zone', () => {
    expect(parseTimestamp('Fri, 03 Apr 2026 14:20:00 GMT')).toBe(Date.UTC(2026, 3, 3, 14, 20, 0));
  });

  it('rejects values that are not times, and zone-less free text that would depend on the host zone', () => {
    expect(parseTimestamp('yesterday')).toBeUndefined();
    expect(parseTimestamp('')).toBeUndefined();
    expect(parseTimestamp(null)).toBeUndefined();
    expect(parseTimestamp({})).toBeUndefined();
    expect(parseTimestamp('April 3 2026 14:20')).toBeUndefined();
    expect(parseTimestamp(-5)).toBeUndefined();
    expect(parseTimestamp(15)).toBeUndefined(); // a duration, not 1970
  });
});

describe('syslog times without a year', () => {
  it('parses month, day and time and places them in the given year', () => {
    const t = parseSyslogTime('Apr  3 14:22:01');
    expect(t).toBeDefined();
    expect(resolveYearless(t!, 2026)).toBe(Date.UTC(2026, 3, 3, 14, 22, 1));
  });

  it('puts a December line before a January reference time into the previous year', () => {
    const t = parseSyslogTime('Dec 31 23:59:59')!;
    expect(resolveYearless(t, 2027, Date.UTC(2027, 0, 1, 0, 5))).toBe(Date.UTC(2026, 11, 31, 23, 59, 59));
  });
});

describe('the common ISO shape read without the regex', () => {
  it.each([
    ['2026-04-03T14:20:00Z', Date.UTC(2026, 3, 3, 14, 20, 0)],
    ['2026-04-03T14:20:00.5Z', Date.UTC(2026, 3, 3, 14, 20, 0, 500)],
    ['2026-04-03T14:20:00.05Z', Date.UTC(2026, 3, 3, 14, 20, 0, 50)],
    ['2026-04-03T14:20:00.123Z', Date.UTC(2026, 3, 3, 14, 20, 0, 123)],
    ['2026-04-03T14:20:00.1239999Z', Date.UTC(2026, 3, 3, 14, 20, 0, 123)],
    ['2020-12-19 12:49:32.278', Date.UTC(2020, 11, 19, 12, 49, 32, 278)],
    ['2026-04-03T14:20:00', Date.UTC(2026, 3, 3, 14, 20, 0)],
  ])('reads %s', (s, t) => {
    expect(parseTimestamp(s)).toBe(t);
  });

  it('leaves anything else to the full parser (offsets) or rejects it', () => {
    expect(parseTimestamp('2026-04-03T16:20:00.000+02:00')).toBe(Date.UTC(2026, 3, 3, 14, 20));
    expect(parseTimestamp('2026-13-03T14:20:00Z')).toBeUndefined();
    expect(parseTimestamp('2026-04-03T14:20:00.Z')).toBeUndefined();
  });
});
