/** Window aggregates kept while a window slides (entries added at its end, dropped at its start). */
import type { Entry } from './entries';
import type { CorrelationRule } from './types';

/**
 * Running aggregate of a window for the types that can add and drop entries cheaply.
 * Counts are per occurrence, so an event matched by two referenced rules is one event.
 */
export class RunningAggregate {
  private readonly occurrences = new Map<number, { count: number; entry: Entry }>();
  private readonly values = new Map<string, number>();
  private readonly refCounts: number[];
  private refsPresent = 0;
  private sum = 0;
  private numericCount = 0;
  /** value_percentile with `percentile`: the window's numbers, kept sorted. */
  private readonly sorted: number[] = [];

  constructor(private readonly rule: CorrelationRule) {
    this.refCounts = rule.rules.map(() => 0);
  }

  add(entry: Entry): void {
    if (this.refCounts[entry.ref]++ === 0) this.refsPresent++;
    const held = this.occurrences.get(entry.occ.key);
    if (held) {
      held.count++;
      return;
    }
    this.occurrences.set(entry.occ.key, { count: 1, entry });
    this.count(entry, 1);
  }

  remove(entry: Entry): void {
    if (--this.refCounts[entry.ref] === 0) this.refsPresent--;
    const held = this.occurrences.get(entry.occ.key);
    if (!held) return;
    if (--held.count > 0) return;
    this.occurrences.delete(entry.occ.key);
    this.count(held.entry, -1);
  }

  private count(entry: Entry, delta: 1 | -1): void {
    if (entry.valueKey !== undefined) {
      const next = (this.values.get(entry.valueKey) ?? 0) + delta;
      if (next === 0) this.values.delete(entry.valueKey);
      else this.values.set(entry.valueKey, next);
    }
    if (entry.num !== undefined) {
      this.sum += delta * entry.num;
      this.numericCount += delta;
      if (this.rule.type === 'value_percentile') this.keepSorted(entry.num, delta);
    }
  }

  private keepSorted(num: number, delta: 1 | -1): void {
    const sorted = this.sorted;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (sorted[mid] < num) low = mid + 1;
      else high = mid;
    }
    if (delta > 0) sorted.splice(low, 0, num);
    else if (sorted[low] === num) sorted.splice(low, 1);
  }

  value(): number | undefined {
    switch (this.rule.type) {
      case 'event_count':
        return this.occurrences.size;
      case 'value_count':
        return this.values.size;
      case 'temporal':
        return this.refsPresent;
      case 'value_sum':
        return this.numericCount > 0 ? this.sum : undefined;
      case 'value_avg':
        return this.numericCount > 0 ? this.sum / this.numericCount : undefined;
      case 'value_percentile': {
        const percentile = this.rule.condition.percentile;
        return percentile !== undefined && this.sorted.length > 0 ? percentileOf(this.sorted, percentile) : undefined;
      }
      default:
        return undefined;
    }
  }
}

const INCREMENTAL = new Set(['event_count', 'value_count', 'temporal', 'value_sum', 'value_avg']);

/** Types whose window aggregate is kept while the window slides (the others are recomputed per window). */
export function isIncremental(rule: CorrelationRule): boolean {
  return INCREMENTAL.has(rule.type) || (rule.type === 'value_percentile' && rule.condition.percentile !== undefined);
}

/** Nearest-rank percentile (the pySigma SQL backends' choice). */
export function percentileOf(sorted: number[], percentile: number): number {
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[rank - 1];
}

