import { remoteTargets } from './remote-targets';

describe('remote targets named on a command line', () => {
  it.each([
    ['wmic /node:"FS-02" process call create "cmd.exe /c whoami"', [{ type: 'host', value: 'FS-02' }]],
    ['wmic /node:10.0.0.5,DC01 /user:corp\\adm process call create calc', [{ type: 'ip', value: '10.0.0.5' }, { type: 'host', value: 'DC01' }]],
    ['C:\\Tools\\PsExec64.exe -accepteula \\\\WS-14 -s cmd.exe', [{ type: 'host', value: 'WS-14' }]],
    ['psexec.exe \\\\10.1.1.9 -u admin cmd', [{ type: 'ip', value: '10.1.1.9' }]],
    ['sc \\\\FILESRV create upd binpath= "cmd /c x"', [{ type: 'host', value: 'FILESRV' }]],
    ['reg query \\\\hr-07\\HKLM\\Software', [{ type: 'host', value: 'hr-07' }]],
    ['schtasks /create /s DC02 /tn x /tr c:\\a.exe /ru system', [{ type: 'host', value: 'DC02' }]],
    ['winrs -r:http://app-3:5985 cmd', [{ type: 'host', value: 'app-3' }]],
    ['powershell Invoke-Command -ComputerName SQL01 -ScriptBlock {whoami}', [{ type: 'host', value: 'SQL01' }]],
    ['mstsc.exe /v:10.2.2.2:3389', [{ type: 'ip', value: '10.2.2.2' }]],
  ])('%s', (commandLine, expected) => {
    expect(remoteTargets(commandLine)).toEqual(expected);
  });

  it('names no target for local runs, host lists in files, or plain share paths', () => {
    expect(remoteTargets('wmic /node:localhost process list')).toEqual([]);
    expect(remoteTargets('wmic /node:@hosts.txt process list')).toEqual([]);
    expect(remoteTargets('copy a.exe \\\\host\\c$\\temp')).toEqual([]);
    expect(remoteTargets('schtasks /create /tn x /tr c:\\a.exe /sc daily')).toEqual([]);
  });
});
