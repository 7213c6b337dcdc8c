import { normalizeEvent } from '../normalize';

describe('Windows events, flat (EventData at the top)', () => {
  it('maps Sysmon 1 to process_creation with process entities and split hashes', () => {
    const ev = normalizeEvent(
      {
        EventID: 1,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: 'WS-22.corp.local',
        UtcTime: '2025-11-02 08:15:42.120',
        ProcessId: '4412',
        Image: 'C:\\Windows\\System32\\whoami.exe',
        CommandLine: 'whoami /all',
        ParentImage: 'C:\\Windows\\System32\\cmd.exe',
        ParentProcessId: '3920',
        ParentCommandLine: 'cmd.exe /c whoami /all',
        User: 'CORP\\jdoe',
        Hashes: 'SHA1=1111111111111111111111111111111111111111,MD5=22222222222222222222222222222222,SHA256=3333333333333333333333333333333333333333333333333333333333333333,IMPHASH=44444444444444444444444444444444',
      },
      0,
      'logs[0]',
    );
    expect(ev.format).toBe('sysmon');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'sysmon', category: 'process_creation' });
    expect(ev.action).toBe('process_create');
    expect(ev.outcome).toBe('success');
    expect(ev.time).toBe(Date.UTC(2025, 10, 2, 8, 15, 42, 120));
    expect(ev.entities).toMatchObject({
      host: 'WS-22.corp.local',
      user: 'CORP\\jdoe',
      process: 'C:\\Windows\\System32\\whoami.exe',
      processId: '4412',
      parentProcess: 'C:\\Windows\\System32\\cmd.exe',
      commandLine: 'whoami /all',
      parentCommandLine: 'cmd.exe /c whoami /all',
    });
    expect(ev.entities.hashes).toEqual([
      '1111111111111111111111111111111111111111',
      '22222222222222222222222222222222',
      '3333333333333333333333333333333333333333333333333333333333333333',
    ]);
    expect(ev.fields.Image).toBe('C:\\Windows\\System32\\whoami.exe');
  });

  it.each([
    [3, 'network_connection', 'network_connection'],
    [11, 'file_event', 'file_create'],
    [13, 'registry_set', 'registry_set'],
    [22, 'dns_query', 'dns_query'],
    [7, 'image_load', 'image_load'],
    [10, 'process_access', 'process_access'],
  ])('maps Sysmon %i to category %s', (id, category, action) => {
    const ev = normalizeEvent({ EventID: id, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'h' }, 0, 'x');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'sysmon', category });
    expect(ev.action).toBe(action);
  });

  it('splits Sysmon 12 by EventType into registry_add and registry_delete', () => {
    const add = normalizeEvent({ EventID: 12, Channel: 'Microsoft-Windows-Sysmon/Operational', EventType: 'CreateKey' }, 0, 'x');
    const del = normalizeEvent({ EventID: 12, Channel: 'Microsoft-Windows-Sysmon/Operational', EventType: 'DeleteValue' }, 0, 'x');
    expect(add.logsource.category).toBe('registry_add');
    expect(del.logsource.category).toBe('registry_delete');
  });

  it('names network endpoints of Sysmon 3', () => {
    const ev = normalizeEvent(
      { EventID: 3, Channel: 'Microsoft-Windows-Sysmon/Operational', SourceIp: '10.1.1.5', SourcePort: '50122', DestinationIp: '203.0.113.9', DestinationPort: '443', Protocol: 'tcp', DestinationHostname: 'cdn.example.net' },
      0,
      'x',
    );
    expect(ev.entities).toMatchObject({ srcIp: '10.1.1.5', srcPort: 50122, dstIp: '203.0.113.9', dstPort: 443, protocol: 'tcp', domain: 'cdn.example.net' });
  });

  it('reads a Security 4625 as a failed logon of the target account from the source address', () => {
    const ev = normalizeEvent(
      { timestamp: '2026-02-09T23:10:00Z', EventID: 4625, Channel: 'Security', Computer: 'RDS-01', TargetUserName: 'backup', TargetDomainName: 'RDS-01', LogonType: 10, IpAddress: '80.94.95.112', WorkstationName: 'kali', Status: '0xc000006d' },
      5,
      'logs[5]',
    );
    expect(ev.format).toBe('windows');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'security' });
    expect(ev.action).toBe('logon_failed');
    expect(ev.outcome).toBe('failure');
    expect(ev.entities).toMatchObject({ targetUser: 'RDS-01\\backup', user: 'RDS-01\\backup', srcIp: '80.94.95.112', host: 'RDS-01', srcHost: 'kali' });
    expect(ev.index).toBe(5);
    expect(ev.ref).toBe('logs[5]');
  });

  it('reads a Security 4624 as a successful logon and strips IPv4-mapped prefixes from addresses', () => {
    const ev = normalizeEvent({ EventID: 4624, Channel: 'security', TargetUserName: 'alice', IpAddress: '::ffff:10.2.7.31', LogonType: '3' }, 0, 'x');
    expect(ev.action).toBe('logon');
    expect(ev.outcome).toBe('success');
    expect(ev.entities.srcIp).toBe('10.2.7.31');
    expect(ev.fields.IpAddress).toBe('::ffff:10.2.7.31');
  });

  it('aliases Security 4688 NewProcessName/ParentProcessName to Image/ParentImage (THOR mapping)', () => {
    const ev = normalizeEvent(
      { EventID: 4688, Channel: 'Security', NewProcessName: 'C:\\Windows\\System32\\net.exe', ParentProcessName: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'net user /domain', SubjectUserName: 'bob', SubjectDomainName: 'CORP', NewProcessId: '0x1a2c', ProcessId: '0x88' },
      0,
      'x',
    );
    expect(ev.logsource).toEqual({ product: 'windows', service: 'security', category: 'process_creation' });
    expect(ev.fields).toMatchObject({ Image: 'C:\\Windows\\System32\\net.exe', ParentImage: 'C:\\Windows\\System32\\cmd.exe', User: 'CORP\\bob', ProcessId: '0x88' });
    expect(ev.entities).toMatchObject({ user: 'CORP\\bob', process: 'C:\\Windows\\System32\\net.exe', parentProcess: 'C:\\Windows\\System32\\cmd.exe', commandLine: 'net user /domain', processId: '0x1a2c', parentProcessId: '0x88' });
  });

  it('names the account of the new process (Target) as the actor of a 4688 when the audit policy logs it', () => {
    const ev = normalizeEvent({ EventID: 4688, Channel: 'Security', NewProcessName: 'C:\\x.exe', SubjectUserName: 'WS5$', SubjectDomainName: 'CORP', TargetUserName: 'pgustavo', TargetDomainName: 'CORP' }, 0, 'x');
    expect(ev.entities.user).toBe('CORP\\pgustavo');
    expect(ev.entities.targetUser).toBeUndefined();
  });

  it('names the IP protocol of Windows Filtering Platform events', () => {
    const ev = normalizeEvent({ EventID: 5156, Channel: 'Security', Application: '\\device\\harddiskvolume2\\x.exe', SourceAddress: '10.0.0.5', SourcePort: '5000', DestAddress: '203.0.113.1', DestPort: '443', Protocol: '6' }, 0, 'x');
    expect(ev.entities).toMatchObject({ srcIp: '10.0.0.5', dstIp: '203.0.113.1', dstPort: 443, protocol: 'tcp' });
  });

  it('names the added member of a group change as the target account', () => {
    const ev = normalizeEvent({ EventID: 4732, Channel: 'Security', SubjectUserName: 'admin', SubjectDomainName: 'SRV', TargetUserName: 'Administrators', MemberSid: 'S-1-5-21-1-2-3-1010', MemberName: '-' }, 0, 'x');
    expect(ev.action).toBe('group_member_added');
    expect(ev.entities.user).toBe('SRV\\admin');
    expect(ev.entities.targetUser).toBe('S-1-5-21-1-2-3-1010');
  });

  it('decides Kerberos outcomes from the Status code', () => {
    const ok = normalizeEvent({ EventID: 4769, Channel: 'Security', TargetUserName: 'mhill@CORP.EXAMPLE', ServiceName: 'MSSQLSvc/sql01:1433', Status: '0x0' }, 0, 'x');
    const bad = normalizeEvent({ EventID: 4768, Channel: 'Security', TargetUserName: 'mhill', Status: '0x18' }, 0, 'x');
    expect(ok.outcome).toBe('success');
    expect(ok.entities.service).toBe('MSSQLSvc/sql01:1433');
    expect(bad.outcome).toBe('failure');
  });

  it('maps PowerShell 4104 to ps_script and the classic channel to powershell-classic', () => {
    const ps = normalizeEvent({ EventID: 4104, Channel: 'Microsoft-Windows-PowerShell/Operational', ScriptBlockText: 'IEX (New-Object Net.WebClient)' }, 0, 'x');
    const classic = normalizeEvent({ EventID: 800, Channel: 'Windows PowerShell' }, 0, 'x');
    expect(ps.logsource).toEqual({ product: 'windows', service: 'powershell', category: 'ps_script' });
    expect(classic.logsource).toEqual({ product: 'windows', service: 'powershell-classic', category: 'ps_classic_script' });
  });

  it('treats Sysmon for Linux as product linux', () => {
    const ev = normalizeEvent({ EventID: 1, Channel: 'Linux-Sysmon/Operational', Image: '/usr/bin/curl', CommandLine: 'curl http://x' }, 0, 'x');
    expect(ev.logsource).toEqual({ product: 'linux', service: 'sysmon', category: 'process_creation' });
  });

  it('derives the service from the provider when the channel is missing', () => {
    const ev = normalizeEvent({ EventID: 7045, Provider: 'Service Control Manager', ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe' }, 0, 'x');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'system' });
    expect(ev.action).toBe('service_install');
    expect(ev.entities).toMatchObject({ service: 'PSEXESVC', file: '%SystemRoot%\\PSEXESVC.exe' });
  });
});

describe('Windows events, nested evtx dumps', () => {
  it('flattens System and EventData (Data array with Name attributes) and reads SystemTime', () => {
    const raw = {
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing', Guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}' } },
          EventID: 4624,
          Channel: 'Security',
          Computer: 'DC01.corp.local',
          TimeCreated: { '#attributes': { SystemTime: '2025-07-14T09:12:33.456789Z' } },
          EventRecordID: 88123,
        },
        EventData: {
          Data: [
            { '#attributes': { Name: 'TargetUserName' }, '#text': 'svc_backup' },
            { '#attributes': { Name: 'TargetDomainName' }, '#text': 'CORP' },
            { '#attributes': { Name: 'LogonType' }, '#text': '3' },
            { '#attributes': { Name: 'IpAddress' }, '#text': '10.0.4.20' },
          ],
        },
      },
    };
    const ev = normalizeEvent(raw, 0, 'x');
    expect(ev.format).toBe('windows');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'security' });
    expect(ev.time).toBe(Date.UTC(2025, 6, 14, 9, 12, 33, 456));
    expect(ev.fields).toMatchObject({ EventID: 4624, Channel: 'Security', TargetUserName: 'svc_backup', LogonType: '3', IpAddress: '10.0.4.20', Computer: 'DC01.corp.local' });
    expect(ev.fields.Event).toBe(raw.Event);
    expect(ev.entities).toMatchObject({ targetUser: 'CORP\\svc_backup', srcIp: '10.0.4.20', host: 'DC01.corp.local' });
  });

  it('reads EventData as a name->value map and UserData children, keeping names with spaces', () => {
    const raw = {
      Event: {
        System: { EventID: { '#text': '1102' }, Channel: 'Security', Computer: 'FS01', TimeCreated: { '#attributes': { SystemTime: '2025-07-14T09:12:33Z' } } },
        UserData: { LogFileCleared: { SubjectUserName: 'mallory', SubjectDomainName: 'CORP', 'Client Address': '10.0.0.9' } },
      },
    };
    const ev = normalizeEvent(raw, 0, 'x');
    expect(ev.fields.EventID).toBe(1102);
    expect(ev.action).toBe('log_cleared');
    expect(ev.fields['Client Address']).toBe('10.0.0.9');
    expect(ev.entities.user).toBe('CORP\\mallory');
  });
});

describe('Windows events, xmltodict-style dumps (python-evtx)', () => {
  it('reads @-prefixed attributes and #text values', () => {
    const ev = normalizeEvent(
      {
        Event: {
          '@xmlns': 'http://schemas.microsoft.com/win/2004/08/events/event',
          System: {
            Provider: { '@Name': 'Microsoft-Windows-Sysmon', '@Guid': '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}' },
            EventID: { '@Qualifiers': '', '#text': '1' },
            TimeCreated: { '@SystemTime': '2025-01-05 10:11:12.123456' },
            Channel: 'Microsoft-Windows-Sysmon/Operational',
            Computer: 'WS-3',
          },
          EventData: { Data: [{ '@Name': 'Image', '#text': 'C:\\Windows\\System32\\rundll32.exe' }, { '@Name': 'CommandLine', '#text': 'rundll32.exe comsvcs.dll, MiniDump 624 C:\\t\\l.dmp full' }] },
        },
      },
      0,
      'x',
    );
    expect(ev.format).toBe('sysmon');
    expect(ev.logsource.category).toBe('process_creation');
    expect(ev.fields).toMatchObject({ EventID: 1, Image: 'C:\\Windows\\System32\\rundll32.exe', Computer: 'WS-3' });
    expect(ev.time).toBe(Date.UTC(2025, 0, 5, 10, 11, 12, 123));
  });
});

describe('Windows events from Winlogbeat', () => {
  it('reads winlog.event_data, channel and event_id', () => {
    const ev = normalizeEvent(
      {
        '@timestamp': '2025-03-01T10:00:00.000Z',
        winlog: {
          channel: 'Microsoft-Windows-Sysmon/Operational',
          event_id: '1',
          computer_name: 'WS-9',
          provider_name: 'Microsoft-Windows-Sysmon',
          event_data: { Image: 'C:\\Tools\\mimikatz.exe', CommandLine: 'mimikatz.exe "sekurlsa::logonpasswords"', User: 'WS-9\\admin' },
        },
        host: { name: 'ws-9' },
      },
      0,
      'x',
    );
    expect(ev.format).toBe('sysmon');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'sysmon', category: 'process_creation' });
    expect(ev.fields.Image).toBe('C:\\Tools\\mimikatz.exe');
    expect(ev.fields.EventID).toBe(1);
    expect(ev.time).toBe(Date.UTC(2025, 2, 1, 10));
    expect(ev.entities).toMatchObject({ process: 'C:\\Tools\\mimikatz.exe', host: 'WS-9', user: 'WS-9\\admin' });
  });
});

describe('Windows events exported without Channel or Provider', () => {
  it('infers Security from the EventID range when Windows fields are present', () => {
    const ev = normalizeEvent({ timestamp: '2026-02-09T23:10:00Z', EventID: 4625, TargetUserName: 'backup', LogonType: 10, IpAddress: '80.94.95.112' }, 0, 'x');
    expect(ev.format).toBe('windows');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'security' });
    expect(ev.action).toBe('logon_failed');
  });

  it('infers Sysmon from its own fields', () => {
    const ev = normalizeEvent({ EventID: '1', UtcTime: '2026-02-09 23:10:00.000', ProcessGuid: '{x}', Image: 'C:\\a.exe' }, 0, 'x');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'sysmon', category: 'process_creation' });
  });

  it('does not take a CloudTrail eventID (a GUID) for a Windows event', () => {
    const ev = normalizeEvent({ eventID: '3c0f-...', EventID: 'a1b2c3', eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', userIdentity: {} }, 0, 'x');
    expect(ev.format).toBe('cloudtrail');
  });
});

describe('Windows Defender detections', () => {
  it('maps 1116 to category antivirus with the THOR Signature/Filename names', () => {
    const ev = normalizeEvent({ EventID: 1116, Channel: 'Microsoft-Windows-Windows Defender/Operational', 'Threat Name': 'HackTool:Win64/Mimikatz', Path: 'file:_C:\\Users\\Public\\m.exe', 'Detection User': 'CORP\\tlee' }, 0, 'x');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'windefend', category: 'antivirus' });
    expect(ev.fields).toMatchObject({ Signature: 'HackTool:Win64/Mimikatz', Filename: 'file:_C:\\Users\\Public\\m.exe' });
    expect(ev.action).toBe('alert');
    expect(ev.entities.user).toBe('CORP\\tlee');
  });
});

describe('Microsoft 365 Defender advanced hunting rows', () => {
  it('reads DeviceProcessEvents with Sysmon names and process_creation', () => {
    const ev = normalizeEvent(
      {
        Timestamp: '2026-04-22T16:45:20.1234567Z', DeviceId: 'd1', DeviceName: 'ws-117.corp.example', ActionType: 'ProcessCreated', FileName: 'schtasks.exe', FolderPath: 'C:\\Windows\\System32\\schtasks.exe',
        SHA256: 'b'.repeat(64), ProcessId: 4242, ProcessCommandLine: 'schtasks /create /tn Upd /tr C:\\Users\\Public\\upd.exe', AccountDomain: 'corp', AccountName: 'tlee',
        InitiatingProcessFileName: 'powershell.exe', InitiatingProcessFolderPath: 'c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe', InitiatingProcessCommandLine: 'powershell -enc AAAA', InitiatingProcessId: 4100, ReportId: 7,
      },
      0,
      'x',
    );
    expect(ev.format).toBe('m365_defender');
    expect(ev.logsource).toEqual({ product: 'windows', category: 'process_creation' });
    expect(ev.fields).toMatchObject({ Image: 'C:\\Windows\\System32\\schtasks.exe', CommandLine: 'schtasks /create /tn Upd /tr C:\\Users\\Public\\upd.exe', ParentImage: 'c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe', User: 'corp\\tlee', Computer: 'ws-117.corp.example' });
    expect(ev.action).toBe('process_create');
    expect(ev.time).toBe(Date.UTC(2026, 3, 22, 16, 45, 20, 123));
    expect(ev.entities).toMatchObject({ process: 'C:\\Windows\\System32\\schtasks.exe', processId: '4242', parentProcessId: '4100', user: 'corp\\tlee', hashes: ['b'.repeat(64)], host: 'ws-117.corp.example' });
  });

  it('reads DeviceRegistryEvents with Sysmon-style hives and DeviceNetworkEvents with endpoints', () => {
    const reg = normalizeEvent({ Timestamp: '2026-04-22T16:46:00Z', DeviceName: 'ws', ActionType: 'RegistryValueSet', RegistryKey: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run', RegistryValueName: 'Upd', RegistryValueData: 'C:\\Users\\Public\\upd.exe', InitiatingProcessFileName: 'reg.exe', InitiatingProcessFolderPath: 'C:\\Windows\\System32\\reg.exe' }, 0, 'x');
    expect(reg.logsource).toEqual({ product: 'windows', category: 'registry_set' });
    expect(reg.fields).toMatchObject({ TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\Upd', Details: 'C:\\Users\\Public\\upd.exe', Image: 'C:\\Windows\\System32\\reg.exe' });
    const net = normalizeEvent({ Timestamp: '2026-04-22T16:45:04Z', DeviceName: 'ws', ActionType: 'ConnectionSuccess', RemoteIP: '45.9.148.108', RemotePort: 80, RemoteUrl: 'upd.example.net', LocalIP: '10.4.1.117', LocalPort: 50000, InitiatingProcessFileName: 'powershell.exe' }, 0, 'x');
    expect(net.logsource.category).toBe('network_connection');
    expect(net.entities).toMatchObject({ srcIp: '10.4.1.117', dstIp: '45.9.148.108', dstPort: 80, domain: 'upd.example.net' });
  });
});

describe('Windows exports with renamed header fields', () => {
  it('reads Splunk-style EventCode/LogName/ComputerName', () => {
    const ev = normalizeEvent({ _time: '2026-02-09T23:10:00.000+00:00', EventCode: '4625', LogName: 'Security', ComputerName: 'RDS-01', TargetUserName: 'backup', IpAddress: '80.94.95.112' }, 0, 'x');
    expect(ev.format).toBe('windows');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'security' });
    expect(ev.fields).toMatchObject({ EventID: 4625, Channel: 'Security', Computer: 'RDS-01' });
    expect(ev.action).toBe('logon_failed');
    expect(ev.time).toBe(Date.UTC(2026, 1, 9, 23, 10));
  });

  it('reads PowerShell Get-WinEvent exports (Id, LogName, MachineName, ProviderName), Sysmon fields from the rendered message', () => {
    const message = 'Process Create:\r\nRuleName: -\r\nUtcTime: 2024-03-01 10:00:00.123\r\nProcessId: 4242\r\nImage: C:\\Windows\\System32\\whoami.exe\r\nCommandLine: whoami /all\r\nUser: CORP\\alice\r\nParentImage: C:\\Windows\\System32\\cmd.exe';
    const sysmon = normalizeEvent({ Message: message, Id: 1, RecordId: 101, ProviderName: 'Microsoft-Windows-Sysmon', LogName: 'Microsoft-Windows-Sysmon/Operational', MachineName: 'ws1', TimeCreated: '/Date(1709287200123)/' }, 0, 'x');
    expect(sysmon.format).toBe('sysmon');
    expect(sysmon.logsource).toEqual({ product: 'windows', service: 'sysmon', category: 'process_creation' });
    expect(sysmon.fields).toMatchObject({ EventID: 1, Computer: 'ws1', Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all', User: 'CORP\\alice', ParentImage: 'C:\\Windows\\System32\\cmd.exe', ProcessId: '4242' });
    expect(sysmon.time).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 123));
    const security = normalizeEvent({ Message: 'An account failed to log on.', Id: 4625, ProviderName: 'Microsoft-Windows-Security-Auditing', LogName: 'Security', MachineName: 'dc1', TimeCreated: '/Date(1709287205000)/' }, 0, 'x');
    expect(security.logsource).toEqual({ product: 'windows', service: 'security' });
    expect(security.fields).toMatchObject({ EventID: 4625, Computer: 'dc1', Provider: 'Microsoft-Windows-Security-Auditing' });
    expect(security.fields).not.toHaveProperty('An account failed to log on.');
    expect(security.time).toBe(Date.UTC(2024, 2, 1, 10, 0, 5));
  });

  it("reads EvtxECmd rows (CSV or JSON): the EventData kept as JSON in Payload becomes the event's fields", () => {
    const payload = JSON.stringify({ EventData: { Data: [{ '@Name': 'SubjectUserName', '#text': 'alice' }, { '@Name': 'NewProcessName', '#text': 'C:\\Windows\\System32\\whoami.exe' }, { '@Name': 'CommandLine', '#text': 'whoami /all' }, { '@Name': 'ProcessId', '#text': '0x1234' }] } });
    const row = { RecordNumber: '1', TimeCreated: '2024-03-01 10:00:00.1234567', EventId: '4688', Provider: 'Microsoft-Windows-Security-Auditing', Channel: 'Security', ProcessId: '4', Computer: 'ws1', ExecutableInfo: 'whoami /all', Payload: payload };
    const ev = normalizeEvent(row, 0, 'x');
    expect(ev.logsource).toEqual({ product: 'windows', service: 'security', category: 'process_creation' });
    // EventData wins over EvtxECmd's own columns of the same name (ProcessId: the logging process there).
    expect(ev.fields).toMatchObject({ Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all', SubjectUserName: 'alice', ProcessId: '0x1234' });
    expect(ev.time).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 123));
    expect(row.ProcessId).toBe('4');
    const cleared = normalizeEvent({ EventId: '1102', Channel: 'Security', Computer: 'dc1', Payload: JSON.stringify({ UserData: { LogFileCleared: { SubjectUserName: 'admin' } } }) }, 0, 'x');
    expect(cleared.fields).toMatchObject({ EventId: '1102', SubjectUserName: 'admin' });
    const notJson = normalizeEvent({ EventId: '4624', Channel: 'Security', Computer: 'dc1', Payload: '{not json' }, 0, 'x');
    expect(notJson.fields).toMatchObject({ Payload: '{not json' });
  });

  it('leaves an application event_id with a non-Windows channel alone', () => {
    const ev = normalizeEvent({ event_id: 17, channel: 'payments', action: 'refund', user: 'u' }, 0, 'x');
    expect(ev.format).toBe('generic');
  });
});

describe('Service Control Manager messages with unnamed inserts', () => {
  it('names the service of a 7009 timeout (param2) and of a 7036 state change (param1)', () => {
    const t = normalizeEvent({ EventID: 7009, Channel: 'System', Provider: 'Service Control Manager', param1: '30000', param2: 'gdKhvCScykzNFZKd' }, 0, 'x');
    expect(t.fields.ServiceName).toBe('gdKhvCScykzNFZKd');
    expect(t.entities.service).toBe('gdKhvCScykzNFZKd');
    expect(t.action).toBe('service_error');
    const s = normalizeEvent({ EventID: 7036, Channel: 'System', Provider: 'Service Control Manager', param1: 'PSEXESVC', param2: 'running' }, 0, 'x');
    expect(s.fields).toMatchObject({ ServiceName: 'PSEXESVC', State: 'running' });
  });
});

describe('PowerShell context blocks', () => {
  it('gives classic PowerShell events their Data from the rendered Message and names the host command line', () => {
    const ev = normalizeEvent(
      { EventID: 800, Channel: 'Windows PowerShell', Provider: 'PowerShell', Message: 'Pipeline execution details for command line: Get-Random\r\n\r\nContext Information: \r\n\tUserId=CORP\\tlee\r\n\tHostApplication=powershell.exe -noP -sta -w 1 -enc SQBGAA==\r\n\tEngineVersion=5.1\r\n' },
      0,
      'x',
    );
    expect(ev.logsource).toEqual({ product: 'windows', service: 'powershell-classic', category: 'ps_classic_script' });
    expect(String(ev.fields.Data)).toContain('HostApplication=powershell.exe -noP -sta -w 1 -enc SQBGAA==');
    expect(ev.entities.commandLine).toBe('powershell.exe -noP -sta -w 1 -enc SQBGAA==');
  });

  it('reads the Host Application of PowerShell 4103 ContextInfo', () => {
    const ev = normalizeEvent({ EventID: 4103, Channel: 'Microsoft-Windows-PowerShell/Operational', ContextInfo: '        Severity = Informational\n        Host Name = ConsoleHost\n        Host Application = C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -ep bypass\n' }, 0, 'x');
    expect(ev.entities.commandLine).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -ep bypass');
  });
});

describe('Application events exported with the rendered message only', () => {
  it('gives them Data from Message so Data rules can search it', () => {
    const ev = normalizeEvent({ EventID: 1033, Channel: 'Application', Provider: 'MsiInstaller', Message: 'Windows Installer installed the product. Product Name: AnyDesk. Product Version: 8.0.' }, 0, 'x');
    expect(ev.fields.Data).toBe('Windows Installer installed the product. Product Name: AnyDesk. Product Version: 8.0.');
    expect(ev.fields.Provider_Name).toBe('MsiInstaller');
  });
});

describe('Security object access and task content', () => {
  it('names the file or registry key of object-access events', () => {
    const file = normalizeEvent({ EventID: 4663, Channel: 'Security', ObjectType: 'File', ObjectName: 'C:\\Windows\\NTDS\\ntds.dit', SubjectUserName: 'x', SubjectDomainName: 'C' }, 0, 'x');
    expect(file.entities.file).toBe('C:\\Windows\\NTDS\\ntds.dit');
    const key = normalizeEvent({ EventID: 4657, Channel: 'Security', ObjectName: '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run', ObjectValueName: 'Upd' }, 0, 'x');
    expect(key.entities.registryKey).toBe('HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\Upd');
  });

  it('reads the command of a created scheduled task', () => {
    const ev = normalizeEvent({ EventID: 4698, Channel: 'Security', TaskName: '\\OneDrive Standalone Update', TaskContent: '<?xml version="1.0" encoding="UTF-16"?><Task><Actions Context="Author"><Exec><Command>C:\\Users\\Public\\upd.exe</Command><Arguments>-k &quot;x&quot;</Arguments></Exec></Actions></Task>', SubjectUserName: 'tlee', SubjectDomainName: 'CORP' }, 0, 'x');
    expect(ev.action).toBe('task_create');
    expect(ev.entities).toMatchObject({ task: '\\OneDrive Standalone Update', commandLine: 'C:\\Users\\Public\\upd.exe -k "x"', user: 'CORP\\tlee' });
  });
});
