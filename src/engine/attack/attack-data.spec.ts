import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_ATTACK_DATA_DIR } from './catalog';
import { sharedPath } from '../../testing/shared-data';

const SOURCE = sharedPath('attack');
const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'scripts', 'build-attack-catalog.js');

describe('attack-data/enterprise.json', () => {
  const withSource = fs.existsSync(SOURCE) ? it : it.skip;

  withSource('is exactly what `npm run attack-data` builds from the ATT&CK sources', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-data-'));
    const log = execFileSync(process.execPath, [SCRIPT, '--source', SOURCE, '--out', out], { encoding: 'utf8' });
    expect(log).toMatch(/709 techniques, 15 tactics, 44 mitigations/);
    const built = fs.readFileSync(path.join(out, 'enterprise.json'), 'utf8');
    expect(built === fs.readFileSync(path.join(DEFAULT_ATTACK_DATA_DIR, 'enterprise.json'), 'utf8')).toBe(true);
    expect(fs.readFileSync(path.join(out, 'NOTICE.md'), 'utf8')).toBe(fs.readFileSync(path.join(DEFAULT_ATTACK_DATA_DIR, 'NOTICE.md'), 'utf8'));
  });

  it('stays small and carries no descriptions', () => {
    const file = path.join(DEFAULT_ATTACK_DATA_DIR, 'enterprise.json');
    expect(fs.statSync(file).size).toBeLessThan(300 * 1024);
    expect(fs.readFileSync(file, 'utf8')).not.toMatch(/"description"|Adversaries may/);
  });

  it('keeps MITRE\'s copyright line and licence beside the data', () => {
    const data = JSON.parse(fs.readFileSync(path.join(DEFAULT_ATTACK_DATA_DIR, 'enterprise.json'), 'utf8')) as { copyright: string };
    expect(data.copyright).toMatch(/The MITRE Corporation/);
    expect(fs.readFileSync(path.join(DEFAULT_ATTACK_DATA_DIR, 'NOTICE.md'), 'utf8')).toContain(data.copyright);
  });
});
