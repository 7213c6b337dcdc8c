import type { ConditionBound, CorrelationCondition } from './types';

export function boundHolds(bound: ConditionBound, value: number): boolean {
  switch (bound.op) {
    case 'gt':
      return value > bound.value;
    case 'gte':
      return value >= bound.value;
    case 'lt':
      return value < bound.value;
    case 'lte':
      return value <= bound.value;
    case 'eq':
      return value === bound.value;
    case 'neq':
      return value !== bound.value;
  }
}

export function conditionHolds(condition: CorrelationCondition, value: number | undefined): boolean {
  if (value === undefined || Number.isNaN(value)) return false;
  return condition.bounds.every((bound) => boundHolds(bound, value));
}

/** True when a larger window can only keep the condition true (gt/gte bounds only). */
export function isMonotone(condition: CorrelationCondition): boolean {
  return condition.bounds.every((bound) => bound.op === 'gt' || bound.op === 'gte');
}

/** True when no number satisfies every bound (e.g. `gt: 10, lt: 5`), a rule that can never fire. */
export function isUnsatisfiable(bounds: ConditionBound[]): boolean {
  const condition: CorrelationCondition = { bounds, explicit: true };
  const equals = bounds.filter((b) => b.op === 'eq');
  if (equals.length > 0) return !conditionHolds(condition, equals[0].value);
  let low = -Infinity;
  let high = Infinity;
  let lowInclusive = false;
  let highInclusive = false;
  for (const bound of bounds) {
    if ((bound.op === 'gt' || bound.op === 'gte') && bound.value >= low) {
      lowInclusive = bound.value === low ? lowInclusive && bound.op === 'gte' : bound.op === 'gte';
      low = bound.value;
    }
    if ((bound.op === 'lt' || bound.op === 'lte') && bound.value <= high) {
      highInclusive = bound.value === high ? highInclusive && bound.op === 'lte' : bound.op === 'lte';
      high = bound.value;
    }
  }
  if (low > high) return true;
  if (low < high) return false;
  return !(lowInclusive && highInclusive && conditionHolds(condition, low));
}

export function describeCondition(condition: CorrelationCondition): string {
  return condition.bounds.map((b) => `${b.op} ${b.value}`).join(' and ');
}
