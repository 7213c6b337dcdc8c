import { normalizeRequestEvents } from '../normalize';
import { isWevtutilText, parseWevtutilText, splitWevtutilText } from './wevtutil-text';

/** Two records as `wevtutil qe Security /f:text` writes them (CRLF, the message after `Description:`). */
const WEVTUTIL_TEXT = [
  'Event[0]:',
  '  Log Name: Security',
  '  Source: Microsoft-Windows-Security-Auditing',
  '  Date: 2024-03-01T10:00:00.1230000Z',
  '  Event ID: 4688',
  '  Task: Process Creation',
  '  Level: Information',
  '  Keyword: Audit Success',
  '  User: N/A',
  '  Computer: ws1.corp.local',
  '  Description: ',
  'A new process has been created.',
  '',
  'Creator Subject:',
  '\tAccount Name:\t\talice',
  '\tAccount Domain:\t\tCORP',
  '',
  'Process Information:',
  '\tNew Process Name:\tC:\\Windows\\System32\\whoami.exe',
  '\tProcess Command Line:\twhoami /all',
  '',
  'Event[1]:',
  '  Log Name: Microsoft-Windows-Sysmon/Operational',
  '  Source: Microsoft-Windows-Sysmon',
  '  Date: 2024-03-01T10:00:05.000',
  '  Event ID: 1',
  '  Computer: ws1.corp.local',
  '  Description: ',
  'Process Create:',
  'UtcTime: 2024-03-01 10:00:05.000',
  'Image: C:\\Windows\\System32\\net.exe',
  'CommandLine: net user /domain',
  'User: CORP\\alice',
  '',
].join('\r\n');

describe('wevtutil text records', () => {
  it('splits an export at its Event[N]: lines and reads each as the Get-WinEvent record it resembles', () => {
    expect(isWevtutilText(WEVTUTIL_TEXT)).toBe(true);
    expect(isWevtutilText('Event[0]: not a record header')).toBe(false);
    const records = splitWevtutilText(WEVTUTIL_TEXT);
    expect(records).toHaveLength(2);
    expect(parseWevtutilText(records[0])).toEqual({
      LogName: 'Security',
      ProviderName: 'Microsoft-Windows-Security-Auditing',
      TimeCreated: '2024-03-01T10:00:00.1230000Z',
      Id: '4688',
      Keywords: 'Audit Success',
      MachineName: 'ws1.corp.local',
      Message: 'A new process has been created.\r\n\r\nCreator Subject:\r\n\tAccount Name:\t\talice\r\n\tAccount Domain:\t\tCORP\r\n\r\nProcess Information:\r\n\tNew Process Name:\tC:\\Windows\\System32\\whoami.exe\r\n\tProcess Command Line:\twhoami /all',
    });
    expect(parseWevtutilText('Event[0]:\r\n  Log Name: Security\r\n')).toBeUndefined();
  });

  it('cuts only at the next record\'s number: an Event[N]: line inside a message does not end the record', () => {
    const forged = WEVTUTIL_TEXT.replace('CommandLine: net user /domain', 'CommandLine: powershell -c "#\r\nEvent[7]:\r\n  Log Name: Security\r\n"');
    const records = splitWevtutilText(`${forged}\r\nEvent[2]:\r\n  Log Name: System\r\n  Event ID: 7045\r\n  Description: \r\nx\r\n`);
    expect(records).toHaveLength(3);
    expect(records[1]).toContain('User: CORP\\alice');
    expect(normalizeRequestEvents({ logs: forged }).events[1].fields).toMatchObject({ Image: 'C:\\Windows\\System32\\net.exe', User: 'CORP\\alice' });
    // Exports one after another start again at 0.
    expect(splitWevtutilText(`${WEVTUTIL_TEXT}\r\n${WEVTUTIL_TEXT}`)).toHaveLength(4);
  });

  it('gives the analysis the events with the fields rules read, from the message', () => {
    const { events } = normalizeRequestEvents({ logs: WEVTUTIL_TEXT });
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ logsource: { product: 'windows', service: 'security', category: 'process_creation' }, time: Date.parse('2024-03-01T10:00:00.123Z') });
    expect(events[0].fields).toMatchObject({ EventID: 4688, NewProcessName: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all', SubjectUserName: 'alice' });
    expect(events[1]).toMatchObject({ logsource: { product: 'windows', service: 'sysmon', category: 'process_creation' } });
    expect(events[1].fields).toMatchObject({ Image: 'C:\\Windows\\System32\\net.exe', CommandLine: 'net user /domain', User: 'CORP\\alice' });
  });
});
