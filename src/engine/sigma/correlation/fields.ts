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
