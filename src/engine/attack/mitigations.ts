import { loadAttackCatalog, type AttackCatalog } from './catalog';

export interface RankedMitigation {
  id: string;
  name: string;
  /** The given techniques (current ids, in the order given) this mitigation addresses. */
  techniques: string[];
  url: string;
}

export interface MitigationOptions {
  /** At most this many mitigations. */
  limit?: number;
  /** Keep M1055 "Do Not Mitigate" and M1056 "Pre-compromise", which name no action a defender can take. */
  includeNonActionable?: boolean;
}

const NON_ACTIONABLE = new Set(['M1055', 'M1056']);

/**
 * The mitigations that address a set of observed techniques, most useful first: those covering more of the
 * techniques rank higher; among equals, the more targeted one (mitigating fewer techniques across ATT&CK) wins,
 * since "Audit" or "User Account Management" apply almost everywhere. A sub-technique without mitigations of
 * its own borrows its parent's. Unknown ids are ignored; revoked ids are resolved.
 */
export function mitigationsFor(
  techniqueIds: readonly string[],
  catalog: AttackCatalog = loadAttackCatalog(),
  options: MitigationOptions = {},
): RankedMitigation[] {
  const covered = new Map<string, string[]>();
  for (const id of uniqueCurrentIds(techniqueIds, catalog)) {
    for (const m of mitigationIdsOf(id, catalog)) {
      if (!options.includeNonActionable && NON_ACTIONABLE.has(m)) continue;
      const list = covered.get(m) ?? [];
      list.push(id);
      covered.set(m, list);
    }
  }
  const breadth = globalBreadth(catalog);
  const ranked = [...covered.entries()]
    .sort(([a, ta], [b, tb]) => tb.length - ta.length || (breadth.get(a) ?? 0) - (breadth.get(b) ?? 0) || a.localeCompare(b))
    .map(([id, techniques]) => ({
      id,
      name: catalog.mitigation(id)?.name ?? id,
      techniques,
      url: `https://attack.mitre.org/mitigations/${id}/`,
    }));
  return options.limit === undefined ? ranked : ranked.slice(0, Math.max(0, options.limit));
}

function uniqueCurrentIds(ids: readonly string[], catalog: AttackCatalog): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const current = catalog.resolve(id);
    if (current && !out.includes(current)) out.push(current);
  }
  return out;
}

function mitigationIdsOf(id: string, catalog: AttackCatalog): string[] {
  const technique = catalog.technique(id);
  if (!technique) return [];
  if (technique.mitigations.length || !technique.parent) return technique.mitigations.map((m) => m.id);
  return catalog.technique(technique.parent)?.mitigations.map((m) => m.id) ?? [];
}

const breadthCache = new WeakMap<AttackCatalog, Map<string, number>>();

/** How many techniques each mitigation applies to across the whole catalog. */
function globalBreadth(catalog: AttackCatalog): Map<string, number> {
  const cached = breadthCache.get(catalog);
  if (cached) return cached;
  const counts = new Map<string, number>();
  for (const t of catalog.techniques()) for (const m of t.mitigations) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
  breadthCache.set(catalog, counts);
  return counts;
}
