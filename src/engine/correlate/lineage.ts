import type { AttackCatalog } from '../attack';
import type { CanonicalEvent, RuleRef } from '../model';
import { baseName, hostKey } from './entities';
import { isProcessCreation } from './event-kinds';
import { processAccount, type ProcessTree } from './process-tree';
import { makeSignal, type EventLookup, type RoleHint, type Signal } from './signal';

/**
 * Behaviours only the process tree shows: facts about a process that its parent's own creation
 * event holds (the account the parent ran as), which no single event carries. See README.md.
 */
export interface LineageContext {
  events: CanonicalEvent[];
  lookup: EventLookup;
  catalog: AttackCatalog;
  tree: ProcessTree;
}

/** Service identities that hold SeImpersonatePrivilege but are not SYSTEM. */
const SERVICE_ACCOUNT = /^(?:nt authority\\)?(?:local ?service|network ?service)$|^iis apppool\\|^nt service\\/i;
const SYSTEM_ACCOUNT = /^(?:nt authority\\)?(?:system|localsystem)$|^s-1-5-18$/i;

export function isServiceAccount(account: string | undefined): boolean {
  return account !== undefined && SERVICE_ACCOUNT.test(account.trim());
}

export function isSystemIdentity(account: string | undefined): boolean {
  return account !== undefined && SYSTEM_ACCOUNT.test(account.trim());
}

function rule(id: string, title: string, level: string, tags: string[], description: string): RuleRef {
  return { id: `lantern.heuristic.${id}`, title, level, status: 'heuristic', tags, description };
}

/**
 * A SYSTEM process whose parent runs as a service account (LOCAL/NETWORK SERVICE, an IIS pool, a
 * virtual service account) per the parent's own creation event: a service identity cannot start
 * SYSTEM processes unless it abused its impersonation privilege (the "potato" family, PrintSpoofer,
 * RogueWinRM): token impersonation, then a process created with the stolen token.
 */
export function serviceAccountToSystem(ctx: LineageContext): Signal[] {
  const hits: { child: CanonicalEvent; parent: CanonicalEvent }[] = [];
  for (const child of ctx.events) {
    if (!isProcessCreation(child) || !isSystemIdentity(processAccount(child))) continue;
    const parent = ctx.tree.parentOf(child);
    if (!parent || !isServiceAccount(processAccount(parent))) continue;
    hits.push({ child, parent });
  }
  if (hits.length === 0) return [];
  const roles: RoleHint[] = hits.slice(0, 50).flatMap(({ child, parent }) => [
    { type: 'process', value: parent.entities.process as string, role: 'attack_tool', eventIndices: [parent.index, child.index] },
    ...(child.entities.host ? [{ type: 'host', value: child.entities.host, role: 'compromised_host', eventIndices: [child.index] }] : []),
  ]).filter((r) => r.value);
  const first = hits[0];
  const indices = [...new Set(hits.flatMap(({ child, parent }) => [parent.index, child.index]))];
  const r = rule('service_account_to_system', 'SYSTEM process started by a service-account process (token impersonation, potato)', 'high',
    ['attack.privilege-escalation', 'attack.t1134.001', 'attack.t1134.002'],
    'The parent runs as LOCAL SERVICE, NETWORK SERVICE, an IIS pool or an NT SERVICE account in its own creation event; the child runs as SYSTEM');
  const signal = makeSignal('behaviour', `${r.id}:${hostKey(first.child.entities.host) ?? ''}`, r, indices, ctx.lookup, ctx.catalog, roles);
  signal.story = true;
  signal.summary = `${baseName(first.parent.entities.process)} running as ${processAccount(first.parent)} started ${baseName(first.child.entities.process)} as SYSTEM`
    + `${first.child.entities.host ? ` on ${first.child.entities.host}` : ''}${hits.length > 1 ? ` (${hits.length} times)` : ''} (privilege escalation through a stolen token)`;
  return [signal];
}
