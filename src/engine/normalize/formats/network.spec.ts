import { normalizeEvent, normalizeRequestEvents } from '../normalize';

describe('Zeek JSON', () => {
  it('reads a dns log with its Zeek names plus SigmaHQ dns names', () => {
    const ev = normalizeEvent(
      { ts: 1782781201.5, uid: 'C1x', _path: 'dns', 'id.orig_h': '10.8.0.44', 'id.orig_p': 53211, 'id.resp_h': '10.8.0.2', 'id.resp_p': 53, proto: 'udp', query: 'abcd1234.t.exfil-cdn.example', qtype_name: 'TXT', rcode_name: 'NOERROR', answers: ['v=1'] },
      0,
      'x',
    );
    expect(ev.format).toBe('zeek');
    expect(ev.logsource).toEqual({ product: 'zeek', service: 'dns', category: 'dns' });
    expect(ev.time).toBe(1782781201500);
    expect(ev.fields).toMatchObject({ query: 'abcd1234.t.exfil-cdn.example', 'id.orig_h': '10.8.0.44', record_type: 'TXT', src_ip: '10.8.0.44', dst_port: 53 });
    expect(ev.action).toBe('dns_query');
    expect(ev.outcome).toBe('success');
    expect(ev.entities).toMatchObject({ srcIp: '10.8.0.44', dstIp: '10.8.0.2', dstPort: 53, domain: 'abcd1234.t.exfil-cdn.example', protocol: 'udp' });
  });

  it('reads an exporter shape (source zeek, log conn) and decides outcome from conn_state', () => {
    const ev = normalizeEvent({ timestamp: '2023-09-06T05:43:22.059Z', source: 'zeek', log: 'conn', uid: 'Cz', 'id.orig_h': '192.168.56.30', 'id.orig_p': '56791', 'id.resp_h': '192.168.56.1', 'id.resp_p': '445', proto: 'tcp', conn_state: 'S0' }, 0, 'x');
    expect(ev.logsource).toEqual({ product: 'zeek', service: 'conn' });
    expect(ev.action).toBe('network_connection');
    expect(ev.outcome).toBe('failure');
    expect(ev.entities).toMatchObject({ srcPort: 56791, dstPort: 445 });
  });

  it('reads an http log into web fields and a URL entity', () => {
    const ev = normalizeEvent({ ts: 1700000000, _path: 'http', uid: 'C2', 'id.orig_h': '10.0.0.5', 'id.resp_h': '198.51.100.4', 'id.resp_p': 80, method: 'GET', host: 'update.example.net', uri: '/payload.ps1', user_agent: 'PowerShell/7', status_code: 200 }, 0, 'x');
    expect(ev.fields).toMatchObject({ 'c-uri': '/payload.ps1', 'cs-host': 'update.example.net', 'cs-method': 'GET', 'c-useragent': 'PowerShell/7', 'sc-status': 200 });
    expect(ev.entities).toMatchObject({ url: 'http://update.example.net/payload.ps1', domain: 'update.example.net' });
    expect(ev.action).toBe('http_request');
  });
});

describe('Zeek TSV', () => {
  it('reads data lines under #separator/#fields headers, skipping unset fields', () => {
    const text = [
      '#separator \\x09',
      '#set_separator\t,',
      '#empty_field\t(empty)',
      '#unset_field\t-',
      '#path\tconn',
      '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tconn_state',
      '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring',
      '1782781200.123456\tCabc\t10.0.0.7\t49152\t203.0.113.50\t4444\ttcp\t-\tSF',
      '#close\t2026-06-30-01-00-00',
    ].join('\n');
    const r = normalizeRequestEvents({ zeek: text });
    expect(r.events).toHaveLength(1);
    const ev = r.events[0];
    expect(ev.format).toBe('zeek');
    expect(ev.logsource).toEqual({ product: 'zeek', service: 'conn' });
    expect(ev.time).toBe(1782781200123);
    expect(ev.fields.service).toBeUndefined();
    expect(ev.entities).toMatchObject({ srcIp: '10.0.0.7', dstIp: '203.0.113.50', dstPort: 4444 });
    expect(ev.outcome).toBe('success');
    expect(ev.ref).toBe('zeek[7]');
  });
});

describe('Suricata EVE', () => {
  it('reads an alert with its signature as message', () => {
    const ev = normalizeEvent(
      { timestamp: '2026-03-01T12:00:00.000000+0100', flow_id: 123, in_iface: 'eth0', event_type: 'alert', src_ip: '203.0.113.66', src_port: 4444, dest_ip: '10.0.0.8', dest_port: 445, proto: 'TCP', alert: { action: 'allowed', signature_id: 2024217, signature: 'ET EXPLOIT Possible ETERNALBLUE', category: 'Attempted Administrator Privilege Gain', severity: 1 } },
      0,
      'x',
    );
    expect(ev.format).toBe('suricata');
    expect(ev.logsource).toEqual({ product: 'suricata', service: 'alert' });
    expect(ev.time).toBe(Date.UTC(2026, 2, 1, 11));
    expect(ev.action).toBe('alert');
    expect(ev.message).toBe('ET EXPLOIT Possible ETERNALBLUE');
    expect(ev.fields).toMatchObject({ src_ip: '203.0.113.66', dst_ip: '10.0.0.8', dst_port: 445 });
    expect(ev.entities).toMatchObject({ srcIp: '203.0.113.66', dstIp: '10.0.0.8', dstPort: 445, srcPort: 4444 });
  });

  it('reads dns and http records into SigmaHQ names', () => {
    const dns = normalizeEvent({ timestamp: '2026-03-01T12:00:00Z', flow_id: 1, event_type: 'dns', src_ip: '10.0.0.8', dest_ip: '10.0.0.2', dns: { type: 'query', rrname: 'evil.example', rrtype: 'A' } }, 0, 'x');
    expect(dns.logsource).toEqual({ product: 'suricata', service: 'dns', category: 'dns' });
    expect(dns.fields).toMatchObject({ query: 'evil.example', record_type: 'A' });
    expect(dns.entities.domain).toBe('evil.example');
    const http = normalizeEvent({ timestamp: '2026-03-01T12:00:00Z', flow_id: 2, event_type: 'http', src_ip: '10.0.0.8', dest_ip: '198.51.100.1', http: { hostname: 'x.example', url: '/a.exe', http_method: 'GET', status: 200, http_user_agent: 'curl' } }, 0, 'x');
    expect(http.fields).toMatchObject({ 'c-uri': '/a.exe', 'cs-host': 'x.example', 'cs-method': 'GET', 'sc-status': 200, 'c-useragent': 'curl' });
    expect(http.entities.url).toBe('http://x.example/a.exe');
    expect(http.outcome).toBe('success');
  });
});

describe('Zeek application logs', () => {
  it('names the account of NTLM and the file of SMB file access', () => {
    const ntlm = normalizeEvent({ ts: 1700000000, _path: 'ntlm', uid: 'C3', 'id.orig_h': '10.0.0.5', 'id.resp_h': '10.0.0.2', username: 'svc_sql', domainname: 'CORP', success: true }, 0, 'x');
    expect(ntlm.entities.user).toBe('CORP\\svc_sql');
    expect(ntlm.outcome).toBe('success');
    const smb = normalizeEvent({ ts: 1700000000, _path: 'smb_files', uid: 'C4', 'id.orig_h': '10.0.0.5', 'id.resp_h': '10.0.0.2', action: 'SMB::FILE_OPEN', name: 'evil.exe', path: '\\\\DC01\\ADMIN$' }, 0, 'x');
    expect(smb.entities.file).toBe('\\\\DC01\\ADMIN$\\evil.exe');
    expect(smb.action).toBe('share_file_access');
  });
});
