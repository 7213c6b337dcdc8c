import type { EventEntities } from '../model';
import { ENTITY_FIELDS, FIELD_ALIASES, type AliasSource, type AliasTable } from './field-mappings';
import { getPath, int, str } from './paths';

type Reader = (fields: Record<string, unknown>) => unknown;
type CompiledTable = ReadonlyArray<readonly [alias: string, readers: readonly Reader[]]>;

const compiled = new Map<string, CompiledTable>();

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

function reader(source: AliasSource): Reader {
  if (typeof source === 'string') {
    if (source.indexOf('.') < 0) return (f) => f[source];
    return (f) => getPath(f, source);
  }
  const parts = source.join;
  return (f) => {
    const values: string[] = [];
    for (const p of parts) {
      const v = str(getPath(f, p));
      if (v === undefined) return undefined;
      values.push(v);
    }
    return values.join(source.sep);
  };
}

function compile(table: AliasTable): CompiledTable {
  return Object.entries(table).map(([alias, sources]) => [alias, sources.map(reader)] as const);
}

function table(name: string): CompiledTable {
  let t = compiled.get(name);
  if (t) return t;
  const src = FIELD_ALIASES[name];
  t = src ? compile(src) : [];
  compiled.set(name, t);
  return t;
}

/** Windows tables by service and EventID, resolved once per pair (no key string built per event). */
const windowsTables = new Map<string, { service: CompiledTable; byId: Map<number, CompiledTable> }>();

function windowsEntry(service: string): { service: CompiledTable; byId: Map<number, CompiledTable> } {
  let entry = windowsTables.get(service);
  if (!entry) {
    entry = { service: table(`windows:${service}`), byId: new Map() };
    windowsTables.set(service, entry);
  }
  return entry;
}

function windowsIdTable(service: string, id: number): CompiledTable {
  const entry = windowsEntry(service);
  let t = entry.byId.get(id);
  if (!t) {
    t = table(`windows:${service}:${id}`);
    entry.byId.set(id, t);
  }
  return t;
}

/** True when the `windows:<service>` or `windows:<service>:<id>` tables could add a field. */
export function hasWindowsAliases(service: string, id: number | undefined): boolean {
  return windowsEntry(service).service.length > 0 || (id !== undefined && windowsIdTable(service, id).length > 0);
}

/** Applies `windows:<service>` then `windows:<service>:<id>`. */
export function applyWindowsAliases(fields: Record<string, unknown>, service: string, id: number | undefined): void {
  applyTable(fields, windowsEntry(service).service);
  if (id !== undefined) applyTable(fields, windowsIdTable(service, id));
}

/** True when table `name` would add nothing to any event. */
export function hasAliases(name: string): boolean {
  return table(name).length > 0;
}

/** Adds the aliases of table `name` to `fields` (in place); existing fields are never overwritten. */
export function applyAliases(fields: Record<string, unknown>, name: string): void {
  applyTable(fields, table(name));
}

function applyTable(fields: Record<string, unknown>, t: CompiledTable): void {
  for (const [alias, readers] of t) {
    if (present(fields[alias])) continue;
    for (const read of readers) {
      const v = read(fields);
      if (present(v)) {
        fields[alias] = v;
        break;
      }
    }
  }
}

const IPV4_MAPPED = '::ffff:';

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is the IPv4 address for correlation purposes. */
export function cleanIp(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  if (s.toLowerCase().startsWith(IPV4_MAPPED) && s.indexOf('.') > 0) return s.slice(IPV4_MAPPED.length);
  return s;
}

const enum EntityKind {
  Text,
  Number,
  Ip,
}

const NUMERIC_ENTITIES = new Set<string>(['srcPort', 'dstPort']);
const IP_ENTITIES = new Set<string>(['srcIp', 'dstIp']);

/** ENTITY_FIELDS compiled once into a flat plan: this runs for every event. */
const ENTITY_PLAN: ReadonlyArray<{ key: string; sources: readonly string[]; kind: EntityKind }> = Object.entries(ENTITY_FIELDS).map(
  ([key, sources]) => ({
    key,
    sources: sources ?? [],
    kind: NUMERIC_ENTITIES.has(key) ? EntityKind.Number : IP_ENTITIES.has(key) ? EntityKind.Ip : EntityKind.Text,
  }),
);

function entityValue(raw: unknown, kind: EntityKind): string | number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (kind === EntityKind.Number) {
    const n = int(raw);
    return n !== undefined && n > 0 ? n : undefined;
  }
  return kind === EntityKind.Ip ? cleanIp(raw) : str(raw);
}

/** Fills entities from the shared ENTITY_FIELDS table; entities the format already set are kept. */
export function entitiesFromFields(fields: Record<string, unknown>, entities: EventEntities): EventEntities {
  const out = entities as Record<string, unknown>;
  for (const step of ENTITY_PLAN) {
    if (out[step.key] !== undefined) continue;
    for (const f of step.sources) {
      const v = entityValue(fields[f], step.kind);
      if (v !== undefined) {
        out[step.key] = v;
        break;
      }
    }
  }
  return entities;
}
