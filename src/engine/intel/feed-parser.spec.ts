import { labelFromFileName, parseFeed, splitCsvLine } from './feed-parser';

describe('labelFromFileName', () => {
  it.each([
    ['tor-exit-nodes.txt', 'Tor exit node'],
    ['known_c2_ips.csv', 'Known C2 IP'],
    ['phishing-domains.list', 'Phishing domain'],
    ['ransomware_hashes.txt', 'Ransomware hash'],
    ['open-proxies.netset', 'Open proxy'],
  ])('%s -> %s', (file, label) => {
    expect(labelFromFileName(file)).toBe(label);
  });
});

describe('parseFeed', () => {
  it('takes the first value of a line and ignores trailing comments and columns', () => {
    const feed = parseFeed('192.0.2.1 # seen 2026-01-01\n192.0.2.2\tcountry=XX\n', 'x.txt');
    expect(feed.entries.map((e) => e.entry.value)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(feed.entries.map((e) => e.line)).toEqual([1, 2]);
  });

  it('normalises networks (host bits cleared) and IPv6 notation', () => {
    const feed = parseFeed('10.1.2.3/8\n2001:0DB8:0:0::1\n', 'x.txt');
    expect(feed.entries.map((e) => e.entry.value)).toEqual(['10.0.0.0/8', '2001:db8::1']);
  });

  it('rejects non-canonical IPv4 forms and bad prefixes', () => {
    const feed = parseFeed('127.1\n0x7f.0.0.1\n10.0.0.0/33\n10.0.0.0/-1\n', 'x.txt');
    expect(feed.entries).toEqual([]);
    expect(feed.skipped).toBe(4);
  });

  it('honours a `type` header and only the first `label` header', () => {
    const feed = parseFeed('# label: First\n# label: Second\n# type: hash\n44d88612fea8a8f36de82e1278abb02f\nevil.example\n', 'x.txt');
    expect(feed.label).toBe('First');
    expect(feed.type).toBe('hash');
    expect(feed.entries).toHaveLength(1);
    expect(feed.skipped).toBe(1);
  });

  it('ignores label directives in comments after the data starts', () => {
    expect(parseFeed('192.0.2.1\n# label: Late\n', 'early-list.txt').label).toBe('Early list');
  });

  it('reads CSV with and without a header row, with Windows line endings', () => {
    const withHeader = parseFeed('indicator,description\r\nevil.example,Bad\r\n', 'a.csv');
    const without = parseFeed('evil.example,Bad\r\nbroken,row\r\n', 'a.csv');
    expect(withHeader.entries.map((e) => [e.entry.value, e.label])).toEqual([['evil.example', 'Bad']]);
    expect(withHeader.skipped).toBe(0);
    expect(without.entries).toHaveLength(1);
    expect(without.skipped).toBe(1);
  });
});

describe('splitCsvLine', () => {
  it('keeps commas and doubled quotes inside quoted fields', () => {
    expect(splitCsvLine('"a,b","say ""hi""", c')).toEqual(['a,b', 'say "hi"', 'c']);
  });
});
