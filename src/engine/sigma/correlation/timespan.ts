/** Fixed unit lengths; `M` and `y` are pySigma's average month and year. */
const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  M: 2629746,
  y: 31556952,
};

const TIMESPAN = /^([0-9]+)([smhdwMy])$/;

/** `5m` -> 300000. Undefined for anything that is not a positive count and a unit letter. */
export function parseTimespan(spec: unknown): number | undefined {
  if (typeof spec !== 'string') return undefined;
  const match = TIMESPAN.exec(spec.trim());
  if (!match) return undefined;
  const count = Number(match[1]);
  if (!Number.isSafeInteger(count) || count <= 0) return undefined;
  return count * UNIT_SECONDS[match[2]] * 1000;
}
