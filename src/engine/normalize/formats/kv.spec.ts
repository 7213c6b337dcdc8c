import { normalizeEvent } from '../normalize';

describe('CEF lines', () => {
  it('reads a firewall CEF record behind a syslog header as a firewall event', () => {
    const line = 'Apr  3 14:20:00 fw01 CEF:0|Palo Alto Networks|PAN-OS|10.1.0|end|TRAFFIC|3|rt=Apr 03 2026 14:20:00 GMT src=185.220.101.42 dst=10.0.1.15 spt=51515 dpt=22 proto=TCP act=allow suser= cs1Label=Rule cs1=allow-ssh';
    const ev = normalizeEvent(line, 0, 'x');
    expect(ev.format).toBe('firewall');
    expect(ev.logsource).toEqual({ category: 'firewall' });
    expect(ev.fields).toMatchObject({ src_ip: '185.220.101.42', dst_ip: '10.0.1.15', dst_port: '22', action: 'allow', cef_vendor: 'Palo Alto Networks', cs1: 'allow-ssh' });
    expect(ev.outcome).toBe('success');
    expect(ev.time).toBe(Date.UTC(2026, 3, 3, 14, 20));
    expect(ev.entities).toMatchObject({ srcIp: '185.220.101.42', dstIp: '10.0.1.15', dstPort: 22 });
  });

  it('reads a proxy CEF record with its URL', () => {
    const ev = normalizeEvent('CEF:0|Zscaler|NSSWeblog|5.0|Malicious|Blocked URL|8|rt=1775226300000 src=10.4.1.117 suser=tlee request=http://45.9.148.108/upd.exe requestMethod=GET act=blocked', 0, 'x');
    expect(ev.format).toBe('proxy');
    expect(ev.fields).toMatchObject({ 'c-uri': 'http://45.9.148.108/upd.exe', 'cs-method': 'GET', 'c-uri-extension': 'exe' });
    expect(ev.outcome).toBe('failure');
    expect(ev.entities).toMatchObject({ user: 'tlee', srcIp: '10.4.1.117', url: 'http://45.9.148.108/upd.exe' });
    expect(ev.time).toBe(1775226300000);
  });

  it('unescapes \\= and \\| in CEF values', () => {
    const ev = normalizeEvent('CEF:0|Acme|IDS|1|42|Odd \\| name|5|msg=a\\=b src=1.2.3.4 dst=5.6.7.8 dpt=80 act=alert', 0, 'x');
    expect(ev.fields.cef_name).toBe('Odd | name');
    expect(ev.fields.msg).toBe('a=b');
  });
});

describe('LEEF lines', () => {
  it('reads tab-separated LEEF 1.0 attributes', () => {
    const ev = normalizeEvent('LEEF:1.0|Check Point|Firewall|R81|Drop|src=203.0.113.5\tdst=10.0.0.1\tsrcPort=4444\tdstPort=445\tproto=TCP\taction=drop\tdevTime=2026-04-03T14:20:00Z', 0, 'x');
    expect(ev.format).toBe('firewall');
    expect(ev.fields).toMatchObject({ src_ip: '203.0.113.5', dst_ip: '10.0.0.1', dst_port: '445' });
    expect(ev.outcome).toBe('failure');
    expect(ev.time).toBe(Date.UTC(2026, 3, 3, 14, 20));
  });
});

describe('key=value lines', () => {
  it('reads a FortiGate traffic log as a firewall event with its local time zone', () => {
    const ev = normalizeEvent('date=2026-04-03 time=16:20:00 devname="FGT60F" type="traffic" subtype="forward" srcip=185.220.101.42 srcport=51515 dstip=10.0.1.15 dstport=3389 proto=6 action="deny" policyid=0 tz="+0200"', 0, 'x');
    expect(ev.format).toBe('firewall');
    expect(ev.time).toBe(Date.UTC(2026, 3, 3, 14, 20));
    expect(ev.outcome).toBe('failure');
    expect(ev.fields).toMatchObject({ srcip: '185.220.101.42', src_ip: '185.220.101.42', dst_port: '3389', devname: 'FGT60F' });
    expect(ev.entities).toMatchObject({ srcIp: '185.220.101.42', dstIp: '10.0.1.15', dstPort: 3389 });
  });
});

describe('netfilter log lines', () => {
  it('reads a UFW block from kernel syslog as a Linux firewall event', () => {
    const ev = normalizeEvent('Apr  3 14:20:00 srv kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=00:11 SRC=45.9.148.108 DST=10.0.1.15 LEN=60 TOS=0x00 TTL=50 ID=1 DF PROTO=TCP SPT=40000 DPT=23 WINDOW=64240 SYN URGP=0', 0, 'x');
    expect(ev.format).toBe('firewall');
    expect(ev.logsource).toEqual({ product: 'linux', category: 'firewall' });
    expect(ev.fields).toMatchObject({ src_ip: '45.9.148.108', dst_ip: '10.0.1.15', dst_port: 23, action: 'block', protocol: 'tcp' });
    expect(ev.outcome).toBe('failure');
    expect(ev.entities).toMatchObject({ srcIp: '45.9.148.108', dstPort: 23, host: 'srv' });
  });
});

describe('Cisco ASA syslog', () => {
  it('reads a denied connection as a firewall event', () => {
    const ev = normalizeEvent('Apr  3 14:20:00 fw01 %ASA-4-106023: Deny tcp src outside:185.220.101.42/51515 dst inside:10.0.1.15/22 by access-group "outside_in" [0x0, 0x0]', 0, 'x');
    expect(ev.format).toBe('firewall');
    expect(ev.logsource).toEqual({ product: 'cisco', service: 'asa', category: 'firewall' });
    expect(ev.fields).toMatchObject({ src_ip: '185.220.101.42', dst_ip: '10.0.1.15', dst_port: 22, action: 'deny', asa_message_id: '106023' });
    expect(ev.outcome).toBe('failure');
    expect(ev.entities).toMatchObject({ srcIp: '185.220.101.42', dstIp: '10.0.1.15', dstPort: 22, protocol: 'tcp', host: 'fw01' });
  });

  it('orders built connections by who initiated them, with the ASA timestamp', () => {
    const ev = normalizeEvent('Apr 03 2026 14:20:00: %ASA-6-302013: Built outbound TCP connection 91 for outside:203.0.113.50/443 (203.0.113.50/443) to inside:10.0.0.7/50500 (198.51.100.1/50500)', 0, 'x');
    expect(ev.entities).toMatchObject({ srcIp: '10.0.0.7', srcPort: 50500, dstIp: '203.0.113.50', dstPort: 443 });
    expect(ev.outcome).toBe('success');
    expect(ev.time).toBe(Date.UTC(2026, 3, 3, 14, 20));
  });

  it('reads AAA rejections as failed logons', () => {
    const ev = normalizeEvent('Apr  3 14:21:00 fw01 %ASA-6-113015: AAA user authentication Rejected : reason = Invalid password : local database : user = admin : user IP = 45.9.148.108', 0, 'x');
    expect(ev.action).toBe('logon_failed');
    expect(ev.logsource).toEqual({ product: 'cisco', service: 'asa' });
    expect(ev.entities).toMatchObject({ user: 'admin', srcIp: '45.9.148.108' });
  });
});
