import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AttackDataError, loadAttackCatalog, normalizeTechniqueId } from './catalog';
import { sharedPath } from '../../testing/shared-data';

const catalog = loadAttackCatalog();
const SIGMA_ROOT = sharedPath('sigma');

describe('ATT&CK catalog: techniques', () => {
  it('names a sub-technique the way ATT&CK displays it, with its tactic', () => {
    const t = catalog.technique('T1110.001');
    expect(t?.name).toBe('Brute Force: Password Guessing');
    expect(t?.shortName).toBe('Password Guessing');
    expect(t?.tactics).toEqual(['Credential Access']);
    expect(t?.tacticShortNames).toEqual(['credential-access']);
    expect(t?.parent).toBe('T1110');
    expect(t?.isSubtechnique).toBe(true);
    expect(t?.url).toBe('https://attack.mitre.org/techniques/T1110/001/');
  });

  it('knows T1033 System Owner/User Discovery under Discovery', () => {
    const t = catalog.technique('T1033');
    expect(t?.name).toBe('System Owner/User Discovery');
    expect(t?.tactics).toEqual(['Discovery']);
    expect(t?.isSubtechnique).toBe(false);
    expect(t?.parent).toBeUndefined();
  });

  it('knows T1021.004 Remote Services: SSH under Lateral Movement, on Linux', () => {
    const t = catalog.technique('T1021.004');
    expect(t?.name).toBe('Remote Services: SSH');
    expect(t?.tactics).toEqual(['Lateral Movement']);
    expect(t?.platforms).toContain('Linux');
  });

  it('lists several tactics in kill-chain order', () => {
    // Valid Accounts spans Initial Access, Persistence, Privilege Escalation and Stealth (v19).
    expect(catalog.technique('T1078')?.tactics).toEqual(['Initial Access', 'Persistence', 'Privilege Escalation', 'Stealth']);
  });

  it('attaches named mitigations', () => {
    const t = catalog.technique('T1110.001');
    expect(t?.mitigations).toContainEqual({ id: 'M1032', name: 'Multi-factor Authentication' });
    expect(t?.mitigations.every((m) => /^M\d{4}$/.test(m.id) && m.name.length > 0)).toBe(true);
  });

  it('accepts lower case, URL and tag spellings of an id', () => {
    expect(catalog.technique('t1059.001')?.id).toBe('T1059.001');
    expect(catalog.technique('T1059/001')?.id).toBe('T1059.001');
    expect(catalog.technique(' attack.t1059.001 ')?.id).toBe('T1059.001');
  });

  it('returns undefined for ids that are not techniques', () => {
    expect(catalog.technique('T9999')).toBeUndefined();
    expect(catalog.technique('TA0006')).toBeUndefined();
    expect(catalog.technique('')).toBeUndefined();
    expect(normalizeTechniqueId('T1059.1')).toBeUndefined();
  });

  it('knows the techniques added in ATT&CK v19', () => {
    expect(catalog.technique('T1685')?.name).toBe('Disable or Modify Tools');
    expect(catalog.technique('T1685')?.tactics).toEqual(['Defense Impairment']);
    expect(catalog.technique('T1685.005')?.name).toBe('Disable or Modify Tools: Clear Windows Event Logs');
    expect(catalog.technique('T1684.001')?.name).toBe('Social Engineering: Impersonation');
  });

  it('has no technique without a tactic and no sub-technique without its parent', () => {
    const all = catalog.techniques();
    expect(all.length).toBeGreaterThan(650);
    expect(all.filter((t) => t.tactics.length === 0).map((t) => t.id)).toEqual([]);
    expect(all.filter((t) => t.parent && !catalog.technique(t.parent)).map((t) => t.id)).toEqual([]);
  });
});

describe('ATT&CK catalog: revoked and deprecated ids', () => {
  it('maps an id revoked in the STIX bundle to its replacement', () => {
    // T1086 PowerShell became a sub-technique of Command and Scripting Interpreter.
    expect(catalog.resolve('T1086')).toBe('T1059.001');
    expect(catalog.technique('T1086')?.name).toBe('Command and Scripting Interpreter: PowerShell');
  });

  it('maps ids revoked by the v19 Defense Impairment split to the new techniques', () => {
    expect(catalog.resolve('T1562.001')).toBe('T1685');
    expect(catalog.resolve('T1070.001')).toBe('T1685.005');
    expect(catalog.resolve('T1562.004')).toBe('T1686');
  });

  it('follows chains of revocations to the current id', () => {
    // T1089 (Disabling Security Tools) -> T1562.001 (revoked in v19) -> T1685.
    expect(catalog.resolve('T1089')).toBe('T1685');
  });

  it('maps a deprecated technique with a single named successor to it', () => {
    expect(catalog.resolve('T1064')).toBe('T1059');
  });

  it('keeps a deprecated technique without a single successor, flagged, with its suggested successors', () => {
    const t = catalog.technique('T1108');
    expect(t?.id).toBe('T1108');
    expect(t?.deprecated).toBe(true);
    expect(t?.successors).toEqual(['T1136', 'T1505.003', 'T1133']);
  });

  it('resolves a current id to itself', () => {
    expect(catalog.resolve('T1033')).toBe('T1033');
    expect(catalog.resolve('T1999')).toBeUndefined();
  });
});

describe('ATT&CK catalog: tactics', () => {
  it('finds a tactic by id, short name, display name and pre-v19 name', () => {
    expect(catalog.tactic('TA0006')?.name).toBe('Credential Access');
    expect(catalog.tactic('credential-access')?.id).toBe('TA0006');
    expect(catalog.tactic('Command and Control')?.shortName).toBe('command-and-control');
    expect(catalog.tactic('defense-evasion')?.name).toBe('Stealth');
    expect(catalog.tactic('Defense Evasion')?.id).toBe('TA0005');
    expect(catalog.tactic('defense-impairment')?.id).toBe('TA0112');
    expect(catalog.tactic('launch')).toBeUndefined();
  });

  it('orders the 15 Enterprise tactics along the kill chain', () => {
    expect(catalog.tactics().map((t) => t.name)).toEqual([
      'Reconnaissance', 'Resource Development', 'Initial Access', 'Execution', 'Persistence', 'Privilege Escalation',
      'Stealth', 'Defense Impairment', 'Credential Access', 'Discovery', 'Lateral Movement', 'Collection',
      'Command and Control', 'Exfiltration', 'Impact',
    ]);
    expect(catalog.killChainOrder('Initial Access')).toBeLessThan(catalog.killChainOrder('Lateral Movement'));
    expect(catalog.killChainOrder('Impact')).toBe(15);
    expect(catalog.killChainOrder('No Such Tactic')).toBeGreaterThan(15);
  });

  it('picks the tactic a rule names when the technique has several, else the earliest', () => {
    expect(catalog.tacticFor('T1078', ['persistence'])).toBe('Persistence');
    expect(catalog.tacticFor('T1078', ['Impact'])).toBe('Initial Access');
    expect(catalog.tacticFor('T1078')).toBe('Initial Access');
    expect(catalog.tacticFor('T9999')).toBeUndefined();
  });
});

describe('ATT&CK catalog: Sigma tags', () => {
  it('reads technique and tactic tags and ignores group and software tags', () => {
    const mapping = catalog.fromSigmaTags([
      'attack.lateral-movement', 'attack.t1021.004', 'attack.credential-access', 'attack.T1110.001',
      'attack.g0016', 'attack.s0002', 'cve.2021-44228', 'detection.threat-hunting',
    ]);
    expect(mapping.techniques).toEqual(['T1021.004', 'T1110.001']);
    expect(mapping.tactics).toEqual(['Credential Access', 'Lateral Movement']);
    expect(mapping.unknown).toEqual([]);
  });

  it('understands the v19 tactics and the former defense-evasion tactic', () => {
    expect(catalog.fromSigmaTags(['attack.stealth', 'attack.defense-impairment']).tactics).toEqual(['Stealth', 'Defense Impairment']);
    expect(catalog.fromSigmaTags(['attack.defense-evasion']).tactics).toEqual(['Stealth']);
  });

  it('resolves revoked technique tags and drops duplicates', () => {
    expect(catalog.fromSigmaTags(['attack.t1086', 'attack.t1059.001']).techniques).toEqual(['T1059.001']);
  });

  it('reports attack tags it cannot place', () => {
    expect(catalog.fromSigmaTags(['attack.t9999', 'attack.made-up-tactic']).unknown).toEqual(['attack.t9999', 'attack.made-up-tactic']);
  });

  const corpus = fs.existsSync(SIGMA_ROOT) ? it : it.skip;
  corpus('resolves every technique tag used by the SigmaHQ corpus', () => {
    const tags = new Set<string>();
    for (const file of ruleFiles(SIGMA_ROOT)) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/^\s*-\s*(attack\.t\d{4}(?:\.\d{3})?)\s*$/gim)) {
        tags.add(m[1].toLowerCase());
      }
    }
    expect(tags.size).toBeGreaterThan(300);
    expect([...tags].filter((tag) => !catalog.resolve(tag))).toEqual([]);
  });

  corpus('knows every tactic tag used by the SigmaHQ corpus', () => {
    const tags = new Set<string>();
    for (const file of ruleFiles(SIGMA_ROOT)) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/^\s*-\s*attack\.([a-z][a-z-]+)\s*$/gim)) tags.add(m[1].toLowerCase());
    }
    expect([...tags].filter((tag) => !catalog.tactic(tag))).toEqual([]);
  });
});

describe('loadAttackCatalog', () => {
  it('returns the same instance for the same folder', () => {
    expect(loadAttackCatalog()).toBe(catalog);
  });

  it('explains how to build the data when the folder has none', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-'));
    expect(() => loadAttackCatalog(empty)).toThrow(AttackDataError);
    expect(() => loadAttackCatalog(empty)).toThrow(/npm run attack-data/);
  });

  it('rejects a file of the wrong shape', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-'));
    fs.writeFileSync(path.join(dir, 'enterprise.json'), '{"techniques": []}');
    expect(() => loadAttackCatalog(dir)).toThrow(/unexpected shape/);
  });
});

function ruleFiles(root: string): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith('rules'))
    .flatMap((d) => walk(path.join(root, d.name)));
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return walk(full);
    return /\.ya?ml$/.test(d.name) ? [full] : [];
  });
}
