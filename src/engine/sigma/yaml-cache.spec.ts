import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleSet } from './ruleset';

function rule(id: string, title: string, image: string): string {
  return `title: ${title}
id: ${id}
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '${image}'
    EventID: 0x10
  condition: selection
`;
}

const ID_A = '11111111-1111-4111-8111-111111111111';
const ID_B = '22222222-2222-4222-8222-222222222222';
const ev = (image: string) => ({ index: 0, fields: { Image: image, EventID: '0x10' }, logsource: { product: 'windows', category: 'process_creation' } });

describe('YAML stage cache', () => {
  let dir: string;
  let rules: string;
  let cacheDir: string;
  const load = () => loadRuleSet([rules], { cache: true, cacheDir });
  const cacheFiles = () => readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
  /** Rewrites the cached title of every entry: shows whether a load read the cache or the file. */
  const tamperCache = (title: string) => {
    const file = join(cacheDir, cacheFiles()[0]);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"title":"[^"]*"/g, `"title":"${title}"`));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lantern-yaml-cache-'));
    rules = join(dir, 'rules');
    cacheDir = join(dir, 'cache');
    mkdirSync(rules);
    writeFileSync(join(rules, 'a.yml'), rule(ID_A, 'Rule A', '\\a.exe'));
    writeFileSync(join(rules, 'broken.yml'), 'title: [unclosed\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a warm load the same rules, errors and hits as the cold load', () => {
    const cold = load();
    expect(cacheFiles()).toHaveLength(1);
    const warm = load();
    expect(warm.detectionRules.map((r) => r.ref)).toEqual(cold.detectionRules.map((r) => r.ref));
    expect(warm.errors).toEqual(cold.errors);
    expect(warm.errors).toEqual([expect.objectContaining({ file: join(rules, 'broken.yml'), reason: expect.stringMatching(/^YAML: /) })]);
    // 0x10 stays the string written (not 16) through the cache.
    expect(warm.matchEvent(ev('C:\\x\\a.exe')).map((r) => r.id)).toEqual([ID_A]);
  });

  it('reads unchanged files from the cache', () => {
    load();
    tamperCache('From cache');
    expect(load().detectionRules[0].ref.title).toBe('From cache');
  });

  it('re-reads a file whose content changed, even with the same size and modification time', () => {
    load();
    tamperCache('From cache');
    const file = join(rules, 'a.yml');
    const before = statSync(file);
    writeFileSync(file, rule(ID_A, 'Rule Z', '\\z.exe'));
    utimesSync(file, before.atime, before.mtime);
    const rs = load();
    expect(rs.detectionRules[0].ref.title).toBe('Rule Z');
    expect(rs.matchEvent(ev('C:\\x\\z.exe')).map((r) => r.id)).toEqual([ID_A]);
    expect(rs.matchEvent(ev('C:\\x\\a.exe'))).toEqual([]);
  });

  it('picks up added files and forgets deleted ones', () => {
    load();
    writeFileSync(join(rules, 'b.yml'), rule(ID_B, 'Rule B', '\\b.exe'));
    expect(load().detectionRules.map((r) => r.ref.id)).toEqual([ID_A, ID_B]);
    rmSync(join(rules, 'a.yml'));
    expect(load().detectionRules.map((r) => r.ref.id)).toEqual([ID_B]);
    expect(readFileSync(join(cacheDir, cacheFiles()[0]), 'utf8')).not.toContain('a.yml');
  });

  it('ignores a cache written by another engine version or corrupted', () => {
    load();
    const file = join(cacheDir, cacheFiles()[0]);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"version":"[^"]*"/, '"version":"other"').replace(/"title":"[^"]*"/g, '"title":"Stale"'));
    expect(load().detectionRules[0].ref.title).toBe('Rule A');
    writeFileSync(file, '{not json');
    expect(load().detectionRules[0].ref.title).toBe('Rule A');
  });

  it('writes no cache when disabled', () => {
    loadRuleSet([rules], { cache: false, cacheDir });
    expect(() => readdirSync(cacheDir)).toThrow();
  });
});
