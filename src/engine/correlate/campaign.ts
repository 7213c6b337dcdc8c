import type { ChainBuild } from './chains';

/** Roles whose values identify one actor across incidents: shared infrastructure, accounts or tooling. */
const LINKING_ROLES = new Set(['attacker', 'c2', 'exfil_destination', 'payload_host', 'malware', 'compromised_account', 'created_account', 'phishing_sender', 'payload_url']);

function linkingKeys(build: ChainBuild): Set<string> {
  const keys = new Set<string>();
  for (const r of build.roles) if (LINKING_ROLES.has(r.role)) keys.add(`${r.type}:${r.value.toLowerCase()}`);
  // External source addresses named in the chain link too; account names alone do not ("admin" is everywhere).
  for (const e of build.chain.entities) if (e.startsWith('ip:')) keys.add(e.toLowerCase());
  return keys;
}

/**
 * Campaign scope: chains (incidents separated by time or entities) that share attacker
 * infrastructure, accounts or tooling belong to one campaign cluster. Returns clusters of chain
 * positions, most important first (chains arrive sorted by score).
 */
export function clusterChains(chains: ChainBuild[]): number[][] {
  const parent = chains.map((_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  const owner = new Map<string, number>();
  chains.forEach((c, i) => {
    for (const key of linkingKeys(c)) {
      const other = owner.get(key);
      if (other === undefined) owner.set(key, i);
      else parent[find(i)] = find(other);
    }
  });
  const clusters = new Map<number, number[]>();
  chains.forEach((_, i) => {
    const root = find(i);
    clusters.set(root, [...(clusters.get(root) ?? []), i]);
  });
  return [...clusters.values()].sort((a, b) => a[0] - b[0]);
}
