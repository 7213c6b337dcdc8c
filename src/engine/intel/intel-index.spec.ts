import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IntelIndex, IntelLoadFailure, intelDirFrom, loadIntel } from './intel-index';
import { parseFeed } from './feed-parser';

const FIXTURES = path.join(__dirname, 'fixtures', 'feeds');
const intel = loadIntel(FIXTURES);

describe('loadIntel over a folder of feeds', () => {
  it('loads every feed file and ignores feeds.json, documentation and temp files', () => {
    expect(intel.feeds.map((f) => path.basename(f.file))).toEqual([
      'bad-networks.netset', 'malware-hashes.csv', 'phishing_domains.list', 'tor-exit-nodes.txt',
    ]);
    expect(intel.errors).toEqual([]);
  });

  it('labels a feed from its header comment, else from its file name', () => {
    const labels = Object.fromEntries(intel.feeds.map((f) => [f.name, f.label]));
    expect(labels['bad-networks']).toBe('Known scanner network');
    expect(labels['tor-exit-nodes']).toBe('Tor exit node');
    expect(labels['malware-hashes']).toBe('Malware hash');
  });

  it('counts the lines it could not use', () => {
    const byName = Object.fromEntries(intel.feeds.map((f) => [f.name, f]));
    expect(byName['bad-networks'].entries).toEqual({ ip: 3, domain: 0, hash: 0 });
    expect(byName['bad-networks'].skipped).toBe(1); // a domain in a feed declared `type: ip`
    expect(byName['phishing_domains'].skipped).toBe(2);
    expect(byName['malware-hashes'].skipped).toBe(1);
  });
});

describe('IntelIndex.lookupIp', () => {
  it('matches an exact IPv4 address with the feed label', () => {
    expect(intel.lookupIp('185.220.101.2')).toEqual(['Tor exit node']);
  });

  it('returns every label that names the address, once each', () => {
    expect(intel.lookupIp('185.220.101.1')).toEqual(['Tor relay seen in a CSV', 'Tor exit node']);
  });

  it('matches addresses inside a CIDR network, and not its neighbours', () => {
    expect(intel.lookupIp('203.0.113.77')).toEqual(['Known scanner network']);
    expect(intel.lookupIp('198.51.100.64')).toEqual(['Known scanner network']);
    expect(intel.lookupIp('198.51.100.127')).toEqual(['Known scanner network']);
    expect(intel.lookupIp('198.51.100.128')).toEqual([]);
    expect(intel.lookupIp('203.0.114.1')).toEqual([]);
  });

  it('matches IPv6 addresses in any notation, exact and by network', () => {
    expect(intel.lookupIp('2001:0db8:dead:0000:0000:0000:0000:0001')).toEqual(['Tor exit node']);
    expect(intel.lookupIp('[2001:db8:dead::1]')).toEqual(['Tor exit node']);
    expect(intel.lookupIp('2001:db8:beef:12::5')).toEqual(['Known scanner network']);
    expect(intel.lookupIp('2001:db8:beee::5')).toEqual([]);
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(intel.lookupIp('::ffff:203.0.113.9')).toEqual(['Known scanner network']);
  });

  it('returns nothing for values that are not addresses', () => {
    expect(intel.lookupIp('not-an-ip')).toEqual([]);
    expect(intel.lookupIp('203.0.113')).toEqual([]);
    expect(intel.lookupIp('')).toEqual([]);
  });

  it('explains a match with the feed entry that matched', () => {
    expect(intel.matchIp('203.0.113.77')).toEqual([
      { label: 'Known scanner network', feed: 'bad-networks', kind: 'ip', entry: '203.0.113.0/24' },
    ]);
  });

  it('answers correctly over ten thousand networks and addresses', () => {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(`10.${(i >> 8) & 255}.${i & 255}.0/24`);
    for (let i = 0; i < 5000; i++) lines.push(`172.16.${(i >> 8) & 255}.${i & 255}`);
    const big = new IntelIndex();
    big.addFeed(parseFeed(`# label: Big list\n${lines.join('\n')}\n`, 'big.txt'));
    expect(big.size).toBe(10000);
    expect(big.lookupIp('10.19.135.200')).toEqual(['Big list']); // 19*256+135 = 4999
    expect(big.lookupIp('10.19.136.1')).toEqual([]);
    expect(big.lookupIp('172.16.19.135')).toEqual(['Big list']);
    expect(big.lookupIp('172.16.19.136')).toEqual([]);
  });
});

describe('IntelIndex.lookupDomain', () => {
  it('matches the listed domain regardless of case and trailing dot', () => {
    expect(intel.lookupDomain('LOGIN-MICR0SOFT.example.')).toEqual(['Phishing domain']);
  });

  it('matches sub-domains of a listed domain, but not look-alike siblings', () => {
    expect(intel.lookupDomain('a.b.login-micr0soft.example')).toEqual(['Phishing domain']);
    expect(intel.lookupDomain('static.bad-cdn.example')).toEqual(['Phishing domain']);
    expect(intel.lookupDomain('notlogin-micr0soft.example')).toEqual([]);
    expect(intel.lookupDomain('example')).toEqual([]);
  });

  it('reads hosts-file lines as the domain they block', () => {
    expect(intel.lookupDomain('hosts-style.example')).toEqual(['Phishing domain']);
    expect(intel.lookupDomain('ads.tracker.example')).toEqual(['Phishing domain']);
    expect(intel.lookupIp('0.0.0.0')).toEqual([]);
  });

  it('matches internationalised names through their punycode form', () => {
    const idn = new IntelIndex();
    idn.addFeed(parseFeed('xn--mnchen-3ya.example\n', 'idn.txt'));
    expect(idn.lookupDomain('münchen.example')).toEqual(['Idn']);
  });
});

describe('IntelIndex.lookupHash', () => {
  it('matches MD5, SHA-1 and SHA-256 digests case-insensitively with their CSV labels', () => {
    expect(intel.lookupHash('44D88612FEA8A8F36DE82E1278ABB02F')).toEqual(['EICAR test file']);
    expect(intel.lookupHash('3395856ce81f2b7382dee72602f798b642f14140')).toEqual(['EICAR test file']);
    expect(intel.lookupHash('275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f')).toEqual([
      'EICAR test file, SHA-256',
    ]);
  });

  it('uses the feed label for CSV rows without one', () => {
    expect(intel.lookupHash('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toEqual(['Malware hash']);
  });

  it('accepts algorithm-prefixed digests as in Sysmon Hashes fields', () => {
    expect(intel.lookupHash('MD5=44D88612FEA8A8F36DE82E1278ABB02F')).toEqual(['EICAR test file']);
    expect(intel.lookupHash('sha1:3395856ce81f2b7382dee72602f798b642f14140')).toEqual(['EICAR test file']);
  });

  it('returns nothing for unknown or malformed digests', () => {
    expect(intel.lookupHash('00000000000000000000000000000000')).toEqual([]);
    expect(intel.lookupHash('44d88612fea8a8f36de82e1278abb02')).toEqual([]);
  });
});

describe('IntelIndex.lookup', () => {
  it('recognises the kind of any observable', () => {
    expect(intel.lookup('203.0.113.5')).toEqual(['Known scanner network']);
    expect(intel.lookup('x.login-micr0soft.example')).toEqual(['Phishing domain']);
    expect(intel.lookup('44d88612fea8a8f36de82e1278abb02f')).toEqual(['EICAR test file']);
    expect(intel.lookup('hello world')).toEqual([]);
  });
});

describe('loading failures and the intel folder setting', () => {
  it('refuses a folder that does not exist', () => {
    expect(() => loadIntel('/nonexistent/intel')).toThrow(IntelLoadFailure);
  });

  it('reports an unreadable feed and still loads the others', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intel-'));
    fs.writeFileSync(path.join(dir, 'good.txt'), '192.0.2.1\n');
    fs.mkdirSync(path.join(dir, 'folder.txt'));
    const loaded = loadIntel(dir);
    expect(loaded.lookupIp('192.0.2.1')).toEqual(['Good']);
    expect(loaded.errors.map((e) => path.basename(e.file))).toEqual(['folder.txt']);
  });

  it('prefers LANTERN_INTEL_DIR, else ./intel when it exists, else nothing', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cwd-'));
    expect(intelDirFrom({ LANTERN_INTEL_DIR: 'feeds' }, cwd)).toBe(path.join(cwd, 'feeds'));
    expect(intelDirFrom({}, cwd)).toBeUndefined();
    fs.mkdirSync(path.join(cwd, 'intel'));
    expect(intelDirFrom({}, cwd)).toBe(path.join(cwd, 'intel'));
  });
});
