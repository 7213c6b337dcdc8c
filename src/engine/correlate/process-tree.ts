import type { CanonicalEvent } from '../model';
import { baseName, hostKey } from './entities';
import { eventId, field, isProcessCreation } from './event-kinds';

/**
 * Process tree over one batch: process-creation events (Sysmon 1, Security 4688, generic process
 * events) indexed by host + ProcessGuid and host + process id, so an event can see the creation
 * event of its own process and of its parent (the account and command line the parent itself ran
 * with). Process ids are reused: an id resolves to the latest creation of that id on that host
 * at or before the event, unless the process was seen exiting in between or the image names disagree.
 */
export interface ProcessTree {
  /** The creation event of the process `e` belongs to (`e` itself for a creation event). */
  creationOf(e: CanonicalEvent): CanonicalEvent | undefined;
  /** The creation event of the parent of the process `e` creates or belongs to. */
  parentOf(e: CanonicalEvent): CanonicalEvent | undefined;
  /** Parent, grandparent, ... of `e` (up to `depth` generations, no cycles). */
  ancestors(e: CanonicalEvent, depth: number): CanonicalEvent[];
}

const ZERO_GUID = /^\{?0{8}-0{4}-0{4}-0{4}-0{12}\}?$/;
/** Sysmon logs a creation a little after its children may be stamped: allow this much skew. */
const CLOCK_SKEW_MS = 2_000;

/** `0x1f4`, `500` -> `500`. */
export function pidValue(value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!text) return undefined;
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isFinite(n) ? String(n) : undefined;
}

function guidValue(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  return v && !ZERO_GUID.test(v) ? v : undefined;
}

function isTermination(e: CanonicalEvent): boolean {
  const id = eventId(e);
  return (id === 5 && e.format === 'sysmon') || id === 4689 || e.action === 'process_terminate';
}

interface PidEntry {
  creations: CanonicalEvent[];
  exits: number[];
}

export function buildProcessTree(events: CanonicalEvent[]): ProcessTree {
  const byGuid = new Map<string, CanonicalEvent>();
  const byPid = new Map<string, PidEntry>();
  const entry = (key: string): PidEntry => {
    let found = byPid.get(key);
    if (!found) byPid.set(key, (found = { creations: [], exits: [] }));
    return found;
  };
  for (const e of events) {
    const host = hostKey(e.entities.host) ?? '';
    const pid = pidValue(e.entities.processId);
    if (isProcessCreation(e)) {
      const guid = guidValue(field(e, 'ProcessGuid'));
      if (guid) byGuid.set(`${host}|${guid}`, e);
      if (pid) entry(`${host}|${pid}`).creations.push(e);
    } else if (pid && e.time !== undefined && isTermination(e)) {
      entry(`${host}|${pid}`).exits.push(e.time);
    }
  }
  for (const list of byPid.values()) list.creations.sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || a.index - b.index);

  const resolve = (host: string, guidText: string, pidText: unknown, at: CanonicalEvent, image: string | undefined, self?: CanonicalEvent): CanonicalEvent | undefined => {
    const guid = guidValue(guidText);
    if (guid) {
      const hit = byGuid.get(`${host}|${guid}`);
      if (hit) return hit === self ? undefined : hit;
    }
    const pid = pidValue(pidText);
    if (!pid) return undefined;
    const list = byPid.get(`${host}|${pid}`);
    if (!list) return undefined;
    const time = at.time;
    let candidate: CanonicalEvent | undefined;
    for (const c of list.creations) {
      if (c === self) continue;
      if (time !== undefined && c.time !== undefined && c.time > time + CLOCK_SKEW_MS) break;
      if (time === undefined && c.index > at.index) break;
      candidate = c;
    }
    if (!candidate) return undefined;
    const from = candidate.time;
    if (from !== undefined && time !== undefined && list.exits.some((t) => t > from && t < time)) return undefined;
    const name = baseName(image);
    // A parent image the child event names must be the candidate's: otherwise the id was reused.
    if (name && name !== '?' && baseName(candidate.entities.process) !== name) return undefined;
    return candidate;
  };

  const creationOf = (e: CanonicalEvent): CanonicalEvent | undefined => {
    if (isProcessCreation(e)) return e;
    return resolve(hostKey(e.entities.host) ?? '', field(e, 'ProcessGuid'), e.entities.processId, e, e.entities.process);
  };
  const parentOf = (e: CanonicalEvent): CanonicalEvent | undefined => {
    const own = creationOf(e);
    if (!own) return undefined;
    return resolve(hostKey(own.entities.host) ?? '', field(own, 'ParentProcessGuid'), own.entities.parentProcessId, own, own.entities.parentProcess, own);
  };
  const ancestors = (e: CanonicalEvent, depth: number): CanonicalEvent[] => {
    const out: CanonicalEvent[] = [];
    const seen = new Set<CanonicalEvent>([e]);
    let current: CanonicalEvent | undefined = e;
    while (out.length < depth && current) {
      const parent = parentOf(current);
      if (!parent || seen.has(parent)) break;
      seen.add(parent);
      out.push(parent);
      current = parent;
    }
    return out;
  };
  return { creationOf, parentOf, ancestors };
}

/** The account a process runs as, from its own creation event (Sysmon `User`; 4688 rendered alike by the normaliser). */
export function processAccount(e: CanonicalEvent): string | undefined {
  return field(e, 'User') || e.entities.user || undefined;
}
