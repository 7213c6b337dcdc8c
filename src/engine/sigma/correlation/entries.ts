/** The internal records of correlation evaluation: what is counted, and in which order. */
import type { CorrelationHit } from '../../model';
import { readField } from './fields';

/** One thing a correlation counts: a detection hit on one event, or a hit of a chained correlation. */
export interface Occurrence {
  /** Same key = same underlying event (an event matching two referenced rules counts once):
   *  the event index for a detection hit, a negative number for a chained correlation hit. */
  key: number;
  order: number;
  tiebreak: number;
  firstTime?: number;
  lastTime?: number;
  eventIndices: number[];
  /** id and name of the rule that produced it (alias mappings may name either). */
  sourceIds: string[];
  /** The event's fields (detection hit). */
  fields?: Record<string, unknown>;
  /** Field lookup of a chained correlation hit. */
  lookup?: (field: string) => unknown;
}

export function occurrenceValue(occ: Occurrence, field: string): unknown {
  return occ.fields ? readField(occ.fields, field) : occ.lookup?.(field);
}

export interface Entry {
  /** Position of the referenced rule in `rules`. */
  ref: number;
  occ: Occurrence;
  groupValues: unknown[];
  /** Value of the condition field(s) for this entry, when the rule has one. */
  value?: unknown;
  valueKey?: string;
  num?: number;
}

export interface WindowResult {
  value: number;
  entries: Entry[];
  extraGroup?: Record<string, unknown>;
  triggerOrder: number;
  triggerTiebreak: number;
}

/** An internal hit: the public CorrelationHit plus when it fired, for chained correlations. */
export interface InternalHit {
  hit: CorrelationHit;
  order: number;
  tiebreak: number;
  /** The hit's group (groupKeyOf): orders hits that fire at one instant. */
  groupKey: string;
}

export function compareEntries(a: Entry, b: Entry): number {
  return a.occ.order - b.occ.order || a.occ.tiebreak - b.occ.tiebreak || a.occ.key - b.occ.key || a.ref - b.ref;
}

export function sameInstant(a: Entry, b: Entry): boolean {
  return a.occ.order === b.occ.order && a.occ.tiebreak === b.occ.tiebreak;
}

