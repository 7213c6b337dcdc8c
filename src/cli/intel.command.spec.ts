import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { loadIntel } from '../engine/intel';
import { registerIntelCommand } from './intel.command';
import { readFeedsConfig, updateIntel } from './intel-update';

const ROUTES: Record<string, { status: number; body: string; type?: string }> = {
  '/torbulkexitlist': { status: 200, body: '185.220.101.1\n185.220.101.2\n2001:db8:dead::1\n' },
  '/c2.txt': { status: 200, body: '# label: Should not win\n203.0.113.0/24\nc2.bad.example\n' },
  '/hashes.csv': { status: 200, body: 'value,label\n44d88612fea8a8f36de82e1278abb02f,EICAR test file\n' },
  '/portal': { status: 200, body: '<html><body>Please log in</body></html>', type: 'text/html' },
  '/missing': { status: 404, body: 'not found' },
};

let server: http.Server;
let base: string;
let closedPort: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/slow') return; // never answers
    const route = ROUTES[req.url ?? ''] ?? ROUTES['/missing'];
    res.writeHead(route.status, { 'content-type': route.type ?? 'text/plain' });
    res.end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'intel-update-'));
}

function writeFeeds(dir: string, feeds: unknown): void {
  fs.writeFileSync(path.join(dir, 'feeds.json'), JSON.stringify(feeds));
}

async function runCli(args: string[], cwd = os.tmpdir()): Promise<{ out: string; err: string; error?: Error }> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride();
  registerIntelCommand(program, { out: (t) => (out += t), err: (t) => (err += t), env: {}, cwd });
  try {
    await program.parseAsync(['node', 'lantern', 'intel', ...args]);
    return { out, err };
  } catch (error) {
    return { out, err, error: error as Error };
  }
}

describe('lantern intel update', () => {
  it('downloads the Tor exit list and the configured feeds, ready for lookups', async () => {
    const dir = tempDir();
    writeFeeds(dir, [
      { name: 'c2-servers', url: `${base}/c2.txt`, label: 'C2 server', type: 'mixed' },
      { name: 'malware-hashes', url: `${base}/hashes.csv`, label: 'Malware hash', type: 'csv' },
    ]);
    const result = await runCli(['update', '--dir', dir, '--tor-url', `${base}/torbulkexitlist`]);
    expect(result.error).toBeUndefined();
    expect(result.out).toContain('updated tor-exit-nodes.txt: 3 entries');
    expect(result.out).toContain('updated c2-servers.txt: 2 entries');
    expect(result.out).toContain('updated malware-hashes.csv: 1 entries');

    const intel = loadIntel(dir);
    expect(intel.lookupIp('185.220.101.2')).toEqual(['Tor exit node']);
    expect(intel.lookupIp('203.0.113.50')).toEqual(['C2 server']);
    expect(intel.lookupDomain('x.c2.bad.example')).toEqual(['C2 server']);
    expect(intel.lookupHash('44d88612fea8a8f36de82e1278abb02f')).toEqual(['EICAR test file']);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('records where and when a feed came from in its header', async () => {
    const dir = tempDir();
    const results = await updateIntel({
      dir,
      tor: { name: 'tor-exit-nodes', url: `${base}/torbulkexitlist`, label: 'Tor exit node', type: 'ip' },
      now: () => new Date('2026-12-04T21:00:00Z'),
    });
    expect(results.map((r) => r.ok)).toEqual([true]);
    const text = fs.readFileSync(path.join(dir, 'tor-exit-nodes.txt'), 'utf8');
    expect(text.split('\n').slice(0, 4)).toEqual([
      '# label: Tor exit node',
      '# type: ip',
      `# source: ${base}/torbulkexitlist`,
      '# updated: 2026-12-04T21:00:00.000Z',
    ]);
  });

  it('fails with a clear message and a non-zero exit when offline, keeping the old files', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'tor-exit-nodes.txt'), '# label: Tor exit node\n185.220.101.9\n');
    const result = await runCli(['update', '--dir', dir, '--tor-url', `http://127.0.0.1:${closedPort}/torbulkexitlist`]);
    expect(result.error?.message).toMatch(/1 of 1 feed\(s\) could not be updated; existing files in .* were left unchanged/);
    expect(result.err).toMatch(/failed tor-exit-nodes: cannot reach http:\/\/127\.0\.0\.1:\d+\/torbulkexitlist: .*ECONNREFUSED.*offline/);
    expect(loadIntel(dir).lookupIp('185.220.101.9')).toEqual(['Tor exit node']);
    expect(fs.readdirSync(dir)).toEqual(['tor-exit-nodes.txt']);
  });

  it('rejects an HTTP error and a download without usable entries, updating the feeds that worked', async () => {
    const dir = tempDir();
    writeFeeds(dir, [
      { name: 'gone', url: `${base}/missing`, label: 'Gone' },
      { name: 'portal', url: `${base}/portal`, label: 'Captive portal', type: 'ip' },
    ]);
    const result = await runCli(['update', '--dir', dir, '--tor-url', `${base}/torbulkexitlist`]);
    expect(result.error?.message).toMatch(/2 of 3 feed\(s\) could not be updated/);
    expect(result.err).toContain('failed gone: ' + `${base}/missing answered HTTP 404 Not Found`);
    expect(result.err).toContain('failed portal: the download has no usable ip entries');
    expect(fs.readdirSync(dir).sort()).toEqual(['feeds.json', 'tor-exit-nodes.txt']);
  });

  it('gives up on a server that does not answer within --timeout', async () => {
    const dir = tempDir();
    const result = await runCli(['update', '--dir', dir, '--tor-url', `${base}/slow`, '--timeout', '0.2']);
    expect(result.err).toMatch(/failed tor-exit-nodes: cannot reach .*\/slow: no answer within 0.2s/);
    expect(result.error).toBeDefined();
  });

  it('skips the Tor list with --no-tor', async () => {
    const dir = tempDir();
    const result = await runCli(['update', '--dir', dir, '--no-tor']);
    expect(result.error).toBeUndefined();
    expect(result.out).toMatch(/nothing to update/);
  });
});

describe('feeds.json', () => {
  it.each([
    [[{ name: '../evil', url: 'http://x.example/a', label: 'X' }], /"name" must be a file-name-safe word/],
    [[{ name: 'a', url: 'ftp://x.example/a', label: 'X' }], /"url" must be an http\(s\) URL/],
    [[{ name: 'a', url: 'http://x.example/a', label: '' }], /"label" must be a non-empty string/],
    [[{ name: 'a', url: 'http://x.example/a', label: 'X', type: 'url' }], /"type" must be one of/],
    [[{ name: 'a', url: 'http://x.example/a', label: 'X' }, { name: 'A', url: 'http://x.example/b', label: 'Y' }], /used twice/],
    [{ name: 'a' }, /expected an array/],
  ])('rejects %j', (feeds, error) => {
    const dir = tempDir();
    writeFeeds(dir, feeds);
    expect(() => readFeedsConfig(dir)).toThrow(error);
  });

  it('reports invalid JSON with the file name', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'feeds.json'), '[{');
    expect(() => readFeedsConfig(dir)).toThrow(/feeds\.json: not valid JSON/);
  });
});

describe('lantern intel list and lookup', () => {
  const fixtures = path.join(__dirname, '..', 'engine', 'intel', 'fixtures', 'feeds');

  it('lists each feed with its label and counts', async () => {
    const result = await runCli(['list', '--dir', fixtures]);
    expect(result.out).toContain('tor-exit-nodes.txt\tTor exit node\t3 ip\n');
    expect(result.out).toContain('bad-networks.netset\tKnown scanner network\t3 ip\t(1 skipped)\n');
  });

  it('explains each match with its feed entry', async () => {
    const result = await runCli(['lookup', '203.0.113.7', 'nothing.example', '--dir', fixtures]);
    expect(result.out).toBe('203.0.113.7\tKnown scanner network [bad-networks: 203.0.113.0/24]\nnothing.example\tno match\n');
  });

  it('asks for a folder when none is configured', async () => {
    const result = await runCli(['list'], tempDir());
    expect(result.error?.message).toMatch(/no intel folder: set LANTERN_INTEL_DIR/);
  });
});
