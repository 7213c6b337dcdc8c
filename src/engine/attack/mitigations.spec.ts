import { loadAttackCatalog } from './catalog';
import { mitigationsFor } from './mitigations';

const catalog = loadAttackCatalog();

describe('mitigationsFor', () => {
  it('names the mitigations of a technique', () => {
    const ids = mitigationsFor(['T1110.001'], catalog).map((m) => `${m.id} ${m.name}`);
    expect(ids).toEqual(expect.arrayContaining(['M1032 Multi-factor Authentication', 'M1027 Password Policies']));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('ranks mitigations covering more of the observed techniques first', () => {
    // Brute force, SSH lateral movement and valid-account use: MFA addresses all of them.
    const ranked = mitigationsFor(['T1110.001', 'T1021.004', 'T1078'], catalog);
    expect(ranked[0]).toMatchObject({ id: 'M1032', name: 'Multi-factor Authentication', techniques: ['T1110.001', 'T1021.004', 'T1078'] });
    const counts = ranked.map((m) => m.techniques.length);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('prefers the more targeted mitigation among equally relevant ones', () => {
    // Both apply to T1110.001; Account Use Policies covers far fewer techniques across ATT&CK than Password Policies.
    const names = mitigationsFor(['T1110.001'], catalog).map((m) => m.name);
    expect(names.indexOf('Account Use Policies')).toBeLessThan(names.indexOf('Password Policies'));
  });

  it('leaves out mitigations that name no defensive action', () => {
    const all = mitigationsFor(['T1583', 'T1589'], catalog, { includeNonActionable: true }).map((m) => m.id);
    expect(all).toContain('M1056');
    expect(mitigationsFor(['T1583', 'T1589'], catalog).map((m) => m.id)).not.toContain('M1056');
  });

  it('resolves revoked ids, ignores unknown ones and counts a technique once', () => {
    const viaRevoked = mitigationsFor(['T1086', 'T1059.001', 'T9999'], catalog);
    const direct = mitigationsFor(['T1059.001'], catalog);
    expect(viaRevoked).toEqual(direct);
    expect(direct.every((m) => m.techniques.length === 1)).toBe(true);
  });

  it('lets a sub-technique without mitigations borrow its parent\'s', () => {
    const sub = catalog.techniques().find((t) => t.parent && t.mitigations.length === 0 && catalog.technique(t.parent)?.mitigations.length);
    expect(sub).toBeDefined();
    const parentIds = catalog.technique(sub!.parent!)!.mitigations.map((m) => m.id).filter((m) => m !== 'M1055' && m !== 'M1056');
    expect(mitigationsFor([sub!.id], catalog).map((m) => m.id).sort()).toEqual([...parentIds].sort());
  });

  it('honours a limit and links each mitigation to ATT&CK', () => {
    const top = mitigationsFor(['T1110.001', 'T1021.004', 'T1078'], catalog, { limit: 2 });
    expect(top).toHaveLength(2);
    expect(top[0].url).toBe('https://attack.mitre.org/mitigations/M1032/');
  });

  it('returns nothing for no techniques', () => {
    expect(mitigationsFor([], catalog)).toEqual([]);
  });
});
