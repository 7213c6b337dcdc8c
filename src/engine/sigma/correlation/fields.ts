import { lowerName } from '../../normalize/names';

/**
 * Reads a field by exact name, else by dotted path through nested objects (`source.ip`), else by
 * name regardless of case (as the detection engine does: real logs vary in case).
 */
export function readField(fields: Record<string, unknown>, name: string): unknown {
  const direct = fields[name];
  if (direct !== undefined) return direct;
  if (name.includes('.')) {
    const nested = walk(fields, name.split('.'));
    if (nested !== undefined) return nested;
  }
  const lower = name.toLowerCase();
  for (const key of Object.keys(fields)) if (key.toLowerCase() === lower) return fields[key];
  return undefined;
}

/**
 * readField for several names of one event, with the same result per name. The event's keys are read
 * once into a map (looking up absent names on the object itself is a slow keyed load per name), and
 * lowercased only when a name is not found as written. Callers pass the same `names` array each time:
 * its lowercase and dotted forms are worked out once.
 */
export function readFields(fields: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const own = new Map<string, unknown>();
  for (const key of Object.keys(fields)) own.set(key, fields[key]);
  let byLower: Map<string, string> | undefined;
  for (const { name, lower, path } of namesOf(names)) {
    let value = own.get(name);
    if (value === undefined && path !== undefined) value = walk(fields, path);
    if (value === undefined) {
      byLower ??= lowerKeys(own);
      const key = byLower.get(lower);
      if (key !== undefined) value = own.get(key);
    }
    if (value !== undefined) out[name] = value;
  }
  return out;
}

interface NameForms {
  name: string;
  lower: string;
  /** The dotted path, for a name with dots. */
  path: string[] | undefined;
}

const nameForms = new WeakMap<readonly string[], NameForms[]>();

function namesOf(names: readonly string[]): NameForms[] {
  let forms = nameForms.get(names);
  if (forms === undefined) {
    forms = names.map((name) => ({ name, lower: name.toLowerCase(), path: name.includes('.') ? name.split('.') : undefined }));
    nameForms.set(names, forms);
  }
  return forms;
}

/** Lowercased key -> the first key (in key order) that lowercases to it, as readField's scan finds it. */
function lowerKeys(own: Map<string, unknown>): Map<string, string> {
  const map = new Map<string, string>();
  for (const key of own.keys()) {
    const lower = lowerName(key);
    if (!map.has(lower)) map.set(lower, key);
  }
  return map;
}


function walk(fields: Record<string, unknown>, path: string[]): unknown {
  let current: unknown = fields;
  for (const part of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Null and absent are "no value": such an event joins no group and adds no value. */
export function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Identity of a value for grouping and distinct counts: 445 and "445" are the same port. */
export function valueKey(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** Numbers and numeric strings; anything else is not summed or averaged. */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}
