import { normalizeEvent, normalizeRequestEvents } from '../normalize';

describe('Apache/Nginx access lines', () => {
  it('reads the combined format into SigmaHQ webserver fields', () => {
    const line = '203.0.113.45 - - [03/Apr/2026:16:25:01 +0200] "GET /cgi-bin/status.cgi?cmd=%28%29%20%7B%20%3A%3B%20%7D%3B%20id HTTP/1.1" 404 512 "-" "() { :; }; /bin/bash -c id"';
    const ev = normalizeEvent(line, 0, 'x');
    expect(ev.format).toBe('web_access');
    expect(ev.logsource).toEqual({ category: 'webserver' });
    expect(ev.time).toBe(Date.UTC(2026, 3, 3, 14, 25, 1));
    expect(ev.fields).toMatchObject({
      'c-ip': '203.0.113.45',
      'cs-method': 'GET',
      'cs-uri-stem': '/cgi-bin/status.cgi',
      'cs-uri-query': 'cmd=%28%29%20%7B%20%3A%3B%20%7D%3B%20id',
      'cs-uri': '/cgi-bin/status.cgi?cmd=%28%29%20%7B%20%3A%3B%20%7D%3B%20id',
      'cs-version': 'HTTP/1.1',
      'sc-status': 404,
      'sc-bytes': 512,
      'cs-user-agent': '() { :; }; /bin/bash -c id',
      'c-useragent': '() { :; }; /bin/bash -c id',
      'c-uri-extension': 'cgi',
    });
    expect(ev.fields['cs-referer']).toBeUndefined();
    expect(ev.action).toBe('http_request');
    expect(ev.outcome).toBe('failure');
    expect(ev.entities.srcIp).toBe('203.0.113.45');
  });

  it('reads the common format with an authenticated user', () => {
    const ev = normalizeEvent('10.0.0.7 - alice [10/Oct/2000:13:55:36 -0700] "POST /admin/upload.php HTTP/1.0" 200 2326', 0, 'x');
    expect(ev.fields).toMatchObject({ 'cs-username': 'alice', 'cs-method': 'POST', 'sc-status': 200 });
    expect(ev.entities.user).toBe('alice');
    expect(ev.outcome).toBe('success');
    expect(ev.time).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
  });

  it('keeps a malformed request line as cs-request', () => {
    const ev = normalizeEvent('198.51.100.9 - - [03/Apr/2026:14:00:00 +0000] "\\x16\\x03\\x01" 400 0 "-" "-"', 0, 'x');
    expect(ev.format).toBe('web_access');
    expect(ev.fields['cs-method']).toBeUndefined();
    expect(ev.fields['cs-request']).toBe('\\x16\\x03\\x01');
  });
});

describe('IIS W3C lines', () => {
  it('reads data lines with the #Fields header in force', () => {
    const text = [
      '#Software: Microsoft Internet Information Services 10.0',
      '#Version: 1.0',
      '#Date: 2026-03-02 10:00:00',
      '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
      '2026-03-02 10:00:05 10.0.0.20 POST /owa/auth/x.aspx cmd=whoami 443 - 203.0.113.8 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 15',
    ].join('\n');
    const r = normalizeRequestEvents({ iis: text });
    expect(r.events).toHaveLength(1);
    const ev = r.events[0];
    expect(ev.format).toBe('web_access');
    expect(ev.logsource).toEqual({ category: 'webserver' });
    expect(ev.time).toBe(Date.UTC(2026, 2, 2, 10, 0, 5));
    expect(ev.fields).toMatchObject({ 'cs-method': 'POST', 'cs-uri-stem': '/owa/auth/x.aspx', 'cs-uri-query': 'cmd=whoami', 'c-ip': '203.0.113.8', 'cs-user-agent': 'Mozilla/5.0 (Windows NT 10.0)', 'sc-status': 200, 'c-uri-extension': 'aspx' });
    expect(ev.fields['cs-username']).toBeUndefined();
    expect(ev.entities).toMatchObject({ srcIp: '203.0.113.8', dstIp: '10.0.0.20', dstPort: 443 });
    expect(ev.ref).toBe('iis[4]');
  });
});

describe('JSON access logs', () => {
  it('reads nginx JSON fields', () => {
    const ev = normalizeEvent({ time_iso8601: '2026-04-03T14:00:00+00:00', remote_addr: '198.51.100.2', request: 'GET /.env HTTP/1.1', status: '404', http_user_agent: 'python-requests/2.31', host: 'shop.example.com' }, 0, 'x');
    expect(ev.format).toBe('web_access');
    expect(ev.fields).toMatchObject({ 'c-ip': '198.51.100.2', 'cs-method': 'GET', 'cs-uri-stem': '/.env', 'sc-status': 404, 'c-useragent': 'python-requests/2.31' });
    expect(ev.entities.url).toBe('http://shop.example.com/.env');
    expect(ev.time).toBe(Date.UTC(2026, 3, 3, 14));
  });
});

describe('IIS lines without their header', () => {
  it('reads the default IIS 10 columns', () => {
    const ev = normalizeEvent('2026-03-02 10:00:05 10.0.0.20 GET /aspnet_client/shell.aspx c=whoami 443 - 203.0.113.8 Mozilla/5.0 - 200 0 0 15', 0, 'x');
    expect(ev.format).toBe('web_access');
    expect(ev.fields).toMatchObject({ 'cs-uri-stem': '/aspnet_client/shell.aspx', 'cs-uri-query': 'c=whoami', 'c-ip': '203.0.113.8', 'sc-status': 200 });
    expect(ev.time).toBe(Date.UTC(2026, 2, 2, 10, 0, 5));
  });
});
