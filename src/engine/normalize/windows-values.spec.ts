import { loadRuleSet } from '../sigma';
import { normalizeEvent } from './normalize';
import { renderAccessList, unpadHex } from './windows-values';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

describe('Windows values as Windows renders them', () => {
  it('strips the zero padding of HexInt32/HexInt64 renderings only', () => {
    expect(unpadHex('0x00000017')).toBe('0x17');
    expect(unpadHex('0x00000000')).toBe('0x0');
    expect(unpadHex('0x00000000000003e7')).toBe('0x3e7');
    expect(unpadHex('0x17')).toBe('0x17');
    expect(unpadHex('0x40810010')).toBe('0x40810010');
    expect(unpadHex('0x8020000000000000')).toBe('0x8020000000000000');
    expect(unpadHex('0x000')).toBe('0x000');
    expect(unpadHex('0x0000001g')).toBe('0x0000001g');
  });

  it('appends the rendered access rights and keeps the codes', () => {
    const v = renderAccessList('%%4416\n\t\t\t\t%%4417\n\t\t\t\t');
    expect(v).toContain('%%4417');
    expect(v).toContain('ReadData (or ListDirectory)');
    expect(v).toContain('WriteData (or AddFile)');
    expect(renderAccessList('ReadData (or ListDirectory)')).toBe('ReadData (or ListDirectory)');
    expect(renderAccessList('%%9999')).toBe('%%9999');
  });

  it('normalises a raw EVTX 4768 export: padded codes and outcome', () => {
    const e = normalizeEvent(
      {
        EventID: 4768, Channel: 'Security', Provider: 'Microsoft-Windows-Security-Auditing', TargetUserName: 'jdoe',
        Status: '0x00000000', TicketEncryptionType: '0x00000017', PreAuthType: '0', TicketOptions: '0x40810010',
      },
      0,
      'logs[0]',
    );
    expect(e.fields.Status).toBe('0x0');
    expect(e.fields.TicketEncryptionType).toBe('0x17');
    expect(e.fields.TicketOptions).toBe('0x40810010');
    expect(e.outcome).toBe('success');
  });

  it('names the provider where Sigma rules key on it: System, Application, the log service in Security', () => {
    const cleared = normalizeEvent({ EventID: 1102, Channel: 'Security', Provider: 'Microsoft-Windows-Eventlog', SubjectUserName: 'x' }, 0, 'logs[0]');
    expect(cleared.fields.Provider_Name).toBe('Microsoft-Windows-Eventlog');
    const app = normalizeEvent({ EventID: 33205, Channel: 'Application', Provider: 'MSSQL$PROD', param1: 'x' }, 0, 'logs[0]');
    expect(app.fields.Provider_Name).toBe('MSSQL$PROD');
  });

  it('gives unnamed EventData as Data, in parameter order', () => {
    const e = normalizeEvent({ EventID: 800, Channel: 'Windows PowerShell', Provider: 'PowerShell', param2: 'HostApplication=x.exe', param1: 'first' }, 0, 'logs[0]');
    expect(e.fields.Data).toBe('first\nHostApplication=x.exe');
    const named = normalizeEvent({ EventID: 4624, Channel: 'Security', TargetUserName: 'bob' }, 0, 'logs[0]');
    expect(named.fields.Data).toBeUndefined();
  });

  it('drops the trailing blank cmd.exe leaves on command lines', () => {
    const e = normalizeEvent({ EventID: 4688, Channel: 'Security', NewProcessName: 'C:\\Program Files\\x\\msedge.exe', CommandLine: '"msedge.exe"  https://h.example/a.zip ' }, 0, 'logs[0]');
    expect(e.fields.CommandLine).toBe('"msedge.exe"  https://h.example/a.zip');
  });

  it("gives Defender's spaced field names the names SigmaHQ windefend rules use", () => {
    const e = normalizeEvent({ EventID: 5007, Channel: 'Microsoft-Windows-Windows Defender/Operational', Provider: 'Microsoft-Windows-Windows Defender', 'Old Value': '', 'New Value': 'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Exclusions\\Paths\\C:\\Temp = 0x0', 'Feature Name': 'Tamper Protection' }, 0, 'logs[0]');
    expect(e.fields.NewValue).toContain('\\Exclusions\\Paths\\');
    expect(e.fields.Feature_Name).toBe('Tamper Protection');
    const sec = normalizeEvent({ EventID: 4688, Channel: 'Security', 'Odd Name': 'x' }, 0, 'logs[0]');
    expect(sec.fields.OddName).toBeUndefined();
  });

  it('names the 4688 process account as Sysmon does: target account, well-known service SIDs', () => {
    const base = { EventID: 4688, Channel: 'Security', NewProcessName: 'C:\\Windows\\System32\\whoami.exe', MandatoryLabel: 'S-1-16-16384' };
    const system = normalizeEvent({ ...base, SubjectUserSid: 'S-1-5-18', SubjectUserName: 'WS01$', SubjectDomainName: 'CORP', TargetUserSid: 'S-1-0-0', TargetUserName: '-', TargetDomainName: '-' }, 0, 'logs[0]');
    expect(system.fields.User).toBe('NT AUTHORITY\\SYSTEM');
    expect(system.fields.IntegrityLevel).toBe('S-1-16-16384');
    const runas = normalizeEvent({ ...base, SubjectUserSid: 'S-1-5-21-1-2-3-1104', SubjectUserName: 'jdoe', SubjectDomainName: 'CORP', TargetUserSid: 'S-1-5-21-1-2-3-500', TargetUserName: 'Administrator', TargetDomainName: 'CORP' }, 0, 'logs[0]');
    expect(runas.fields.User).toBe('CORP\\Administrator');
    const plain = normalizeEvent({ ...base, SubjectUserSid: 'S-1-5-21-1-2-3-1104', SubjectUserName: 'jdoe', SubjectDomainName: 'CORP' }, 0, 'logs[0]');
    expect(plain.fields.User).toBe('CORP\\jdoe');
  });

  it('never rewrites the raw event it renders', () => {
    const raw = { EventID: 5145, Channel: 'Security', SubjectLogonId: '0x00000000000003e7', AccessList: '%%4417', CommandLine: 'a.exe ' };
    const sys = { EventID: 7045, Channel: 'System', Provider: 'Service Control Manager', ServiceName: 'x' };
    const copy = JSON.parse(JSON.stringify([raw, sys]));
    const e = normalizeEvent(raw, 0, 'logs[0]');
    const s = normalizeEvent(sys, 1, 'logs[1]');
    expect(e.fields.SubjectLogonId).toBe('0x3e7');
    expect(s.fields.Provider_Name).toBe('Service Control Manager');
    expect([raw, sys]).toEqual(copy);
  });

  describe('SigmaHQ-style rules now match raw EVTX exports', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winvalues-'));
      const rule = (name: string, body: string): void => fs.writeFileSync(path.join(dir, `${name}.yml`), body);
      rule('atsvc', `title: ATSVC pipe write
id: 3a1c6f5e-64a4-4a7f-9a53-6f3f8a6a0c11
logsource: { product: windows, service: security }
detection:
  selection:
    EventID: 5145
    ShareName: '\\\\\\\\\\*\\\\IPC$'
    RelativeTargetName: atsvc
    AccessList|contains: 'WriteData'
  condition: selection
level: medium
`);
      rule('mssql', `title: MSSQL audit disabled
id: 0a8f2d39-3a7e-4c77-9d3c-1c2f2b8e6a21
logsource: { product: windows, service: application }
detection:
  selection:
    Provider_Name|contains: 'MSSQL'
    EventID: 33205
    Data|contains: 'statement:ALTER SERVER AUDIT'
  condition: selection
level: high
`);
      rule('rc4', `title: RC4 TGS
id: 6b0b9f61-0d8e-4b0a-a8f4-5d8f0f6c2d33
logsource: { product: windows, service: security }
detection:
  selection:
    EventID: 4769
    TicketEncryptionType: '0x17'
    Status: '0x0'
  condition: selection
level: medium
`);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const titles = (raw: Record<string, unknown>): string[] => {
      const rs = loadRuleSet([dir]);
      return rs.matchEvent(normalizeEvent(raw, 0, 'logs[0]')).map((r) => r.title);
    };

    it('matches a rendered-name access list rule on %% codes', () => {
      expect(titles({ EventID: 5145, Channel: 'Security', ShareName: '\\\\*\\IPC$', RelativeTargetName: 'atsvc', AccessList: '%%4416\n\t%%4417\n\t' })).toEqual(['ATSVC pipe write']);
      expect(titles({ EventID: 5145, Channel: 'Security', ShareName: '\\\\*\\IPC$', RelativeTargetName: 'atsvc', AccessList: '%%4416\n\t' })).toEqual([]);
    });

    it('matches Provider_Name and Data on a classic-provider export', () => {
      const base = { EventID: 33205, Channel: 'Application', Provider: 'MSSQL$PROD' };
      expect(titles({ ...base, param1: 'action_id:AL\nstatement:ALTER SERVER AUDIT [a] WITH (STATE = OFF)\n' })).toEqual(['MSSQL audit disabled']);
      expect(titles({ ...base, param1: 'action_id:SL\nstatement:SELECT 1\n' })).toEqual([]);
    });

    it('matches hex codes on zero-padded renderings', () => {
      expect(titles({ EventID: 4769, Channel: 'Security', TicketEncryptionType: '0x00000017', Status: '0x00000000' })).toEqual(['RC4 TGS']);
      expect(titles({ EventID: 4769, Channel: 'Security', TicketEncryptionType: '0x00000012', Status: '0x00000000' })).toEqual([]);
    });
  });
});
