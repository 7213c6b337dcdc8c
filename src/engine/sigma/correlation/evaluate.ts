/**
 * Evaluation of Sigma correlation rules over detection hits, on EVENT time.
 *
 * Window semantics (the choice, documented once here):
 * - Per group, the entries (rule hits) are ordered by event time, then event index. An event without
 *   a time takes the time of the closest earlier timed event among the hits (by index; the first
 *   timed one for leading untimed events), so untimed events keep their input order; a batch
 *   without any time is one instant.
 * - A window is anchored at an entry and holds every entry up to `timespan` later (both ends
 *   inclusive, so lastTime - firstTime <= timespan always). This is the sliding window of the
 *   pySigma SQL backends (`RANGE BETWEEN <timespan> PRECEDING AND CURRENT ROW`) seen from its start.
 * - Only maximal windows are tested: a window that a neighbour contains adds nothing for gt/gte,
 *   and for lt/lte/eq/neq, averages and percentiles it would report a partial picture (the first
 *   two of ten events in a minute are not "fewer than three events in an hour").
 * - Each window is reported once: after a hit, the next window starts after the hit's last entry,
 *   so a burst yields one hit citing all its events, and a long stream one hit per timespan, not a
 *   flood of overlapping duplicates.
 * - Windows are built only from events that exist: "fewer than N events" can only be seen in a
 *   window that holds at least one of them.
 * - An entry lacking a group-by field (absent or null) joins no group: it cannot be attributed, and
 *   grouping it under "missing" would merge unrelated events.
 */
import type { CorrelationHit, RuleRef } from '../../model';
import { RunningAggregate, isIncremental } from './aggregate';
import { conditionHolds, isMonotone } from './condition';
import { type Entry, type InternalHit, type Occurrence, type WindowResult, compareEntries, occurrenceValue } from './entries';
import { hasValue, numericValue, readField, valueKey } from './fields';
import { orderedChain } from './ordered';
import type { CorrelationInput, CorrelationRule, EvaluateCorrelationOptions, SigmaEvent } from './types';

function effectiveTimes(inputs: CorrelationInput[]): Map<number, number> | undefined {
  if (inputs.every((input) => input.event.time !== undefined)) return undefined;
  const events = new Map<number, SigmaEvent>();
  for (const input of inputs) events.set(input.event.index, input.event);
  const ordered = [...events.values()].sort((a, b) => a.index - b.index);
  const firstTimed = ordered.find((event) => event.time !== undefined)?.time ?? 0;
  const times = new Map<number, number>();
  let last = firstTimed;
  for (const event of ordered) {
    if (event.time !== undefined) last = event.time;
    times.set(event.index, last);
  }
  return times;
}

/** Detection hits of the wanted rules (ids or names) as occurrences, each hit of a rule on an event once. */
function detectionOccurrences(inputs: CorrelationInput[], wanted: Set<string>): Occurrence[] {
  const relevant = inputs.filter(({ rule }) => wanted.has(rule.id) || (rule.name !== undefined && wanted.has(rule.name)));
  const times = effectiveTimes(relevant);
  const seen = new Map<string, Set<number>>();
  const occurrences: Occurrence[] = [];
  for (const input of relevant) {
    const { rule, event } = input;
    let indices = seen.get(rule.id);
    if (!indices) seen.set(rule.id, (indices = new Set()));
    if (indices.has(event.index)) continue;
    indices.add(event.index);
    occurrences.push(detectionOccurrence(input, times ? (times.get(event.index) ?? 0) : (event.time as number)));
  }
  return occurrences;
}

function correlationKeys(rule: CorrelationRule): string[] {
  return [...new Set([rule.ref.id, rule.ref.name].filter((k): k is string => typeof k === 'string'))];
}

/** Correlation rules in an order where referenced correlations come first; rules in a cycle are left out. */
export function correlationOrder(rules: CorrelationRule[]): { ordered: CorrelationRule[]; cyclic: CorrelationRule[] } {
  const byKey = new Map<string, CorrelationRule>();
  for (const rule of rules) for (const key of correlationKeys(rule)) if (!byKey.has(key)) byKey.set(key, rule);
  const state = new Map<CorrelationRule, 'visiting' | 'done' | 'cyclic'>();
  const ordered: CorrelationRule[] = [];
  const cyclic: CorrelationRule[] = [];
  const visit = (rule: CorrelationRule): boolean => {
    const current = state.get(rule);
    if (current === 'done') return true;
    if (current === 'visiting' || current === 'cyclic') return false;
    state.set(rule, 'visiting');
    let ok = true;
    for (const ref of rule.rules) {
      const target = byKey.get(ref);
      if (target && !visit(target)) ok = false;
    }
    state.set(rule, ok ? 'done' : 'cyclic');
    if (ok) ordered.push(rule);
    else cyclic.push(rule);
    return ok;
  };
  for (const rule of rules) visit(rule);
  return { ordered, cyclic };
}

function fieldFor(rule: CorrelationRule, name: string, ref: number, occ: Occurrence): string {
  const mapping = rule.aliases[name];
  if (!mapping) return name;
  const direct = mapping[rule.rules[ref]];
  if (direct !== undefined) return direct;
  for (const id of occ.sourceIds) if (mapping[id] !== undefined) return mapping[id];
  return name;
}

function conditionValue(rule: CorrelationRule, ref: number, occ: Occurrence): unknown {
  const fields = rule.condition.field;
  if (!fields || rule.type === 'event_count' || rule.type === 'temporal' || rule.type === 'temporal_ordered') {
    return undefined;
  }
  const values = fields.map((field) => occurrenceValue(occ, fieldFor(rule, field, ref, occ)));
  if (values.length === 1) return values[0];
  return values.every(hasValue) ? values : undefined;
}

/** What `occ` counts for `rule` as its `ref`-th referenced rule; undefined when a group-by field is missing. */
function entryFor(rule: CorrelationRule, ref: number, occ: Occurrence): Entry | undefined {
  const groupValues = rule.groupBy.map((name) => occurrenceValue(occ, fieldFor(rule, name, ref, occ)));
  if (!groupValues.every(hasValue)) return undefined;
  const entry: Entry = { ref, occ, groupValues };
  const value = conditionValue(rule, ref, occ);
  if (hasValue(value)) {
    entry.value = value;
    entry.valueKey = valueKey(value);
    entry.num = numericValue(value);
  }
  return entry;
}

/** The key of an entry's group: its group-by values (445 and "445" alike), as one string no other values give. */
export function groupKeyOf(groupValues: unknown[]): string {
  return groupValues.length === 1 ? valueKey(groupValues[0]) : JSON.stringify(groupValues.map(valueKey));
}

function uniqueOccurrences(window: Entry[]): Entry[] {
  let duplicates = false;
  for (let i = 1; i < window.length && !duplicates; i++) duplicates = window[i].occ.key === window[i - 1].occ.key;
  // Entries of one occurrence are adjacent (same instant and index), so no adjacent pair = no duplicate.
  if (!duplicates) return window;
  const seen = new Set<number>();
  const unique: Entry[] = [];
  for (const entry of window) {
    if (seen.has(entry.occ.key)) continue;
    seen.add(entry.occ.key);
    unique.push(entry);
  }
  return unique;
}

function lastEntry(entries: Entry[]): Entry {
  return entries.reduce((latest, entry) => (compareEntries(entry, latest) > 0 ? entry : latest));
}

function result(value: number, entries: Entry[], extraGroup?: Record<string, unknown>): WindowResult {
  const trigger = lastEntry(entries);
  return { value, entries, extraGroup, triggerOrder: trigger.occ.order, triggerTiebreak: trigger.occ.tiebreak };
}

/**
 * value_percentile without `percentile`: the spec's example ("spawned a process name ... than 1%
 * of all the processes") reads the condition as the share, in percent, of the window's events
 * carrying each value, so each value whose share meets the condition is reported (a rare-value
 * hunt). With `percentile: P` (pySigma) the P-th percentile of the field is compared instead
 * (RunningAggregate).
 */
function rarityResults(rule: CorrelationRule, window: Entry[]): WindowResult[] {
  const withValue = uniqueOccurrences(window).filter((e) => e.valueKey !== undefined);
  const byValue = new Map<string, Entry[]>();
  for (const entry of withValue) {
    const key = entry.valueKey as string;
    const list = byValue.get(key);
    if (list) list.push(entry);
    else byValue.set(key, [entry]);
  }
  const field = (rule.condition.field ?? [])[0];
  const results: WindowResult[] = [];
  for (const list of byValue.values()) {
    const share = (100 * list.length) / withValue.length;
    if (conditionHolds(rule.condition, share)) results.push(result(share, list, { [field]: list[0].value }));
  }
  return results;
}

/** Full evaluation of one window, for any type; empty when the condition does not hold. */
function measureWindow(rule: CorrelationRule, window: Entry[]): WindowResult[] {
  if (rule.type === 'temporal_ordered') {
    const chain = orderedChain(rule, window);
    return chain.length > 0 && conditionHolds(rule.condition, chain.length) ? [result(chain.length, chain)] : [];
  }
  if (!isIncremental(rule)) return rarityResults(rule, window);
  const aggregate = new RunningAggregate(rule);
  let trigger: Entry | undefined;
  for (const entry of window) {
    aggregate.add(entry);
    if (!trigger && conditionHolds(rule.condition, aggregate.value())) trigger = entry;
  }
  const value = aggregate.value();
  if (value === undefined || !conditionHolds(rule.condition, value)) return [];
  // The hit "fires" when its condition first held (for gt/gte), which is what a chained
  // correlation orders on: ten failures then a success is ordered even if more failures follow.
  const fired = trigger && isMonotone(rule.condition) ? trigger : lastEntry(window);
  return [{ value, entries: window, triggerOrder: fired.occ.order, triggerTiebreak: fired.occ.tiebreak }];
}

/**
 * The windows of one group whose condition holds, handed to `emit` as found. `next` gives the group's entries in
 * compareEntries order, once each; only the entries from the current window's start on are held, so a group read
 * from disk needs no more memory than its largest window.
 */
function evaluateSortedGroup(rule: CorrelationRule, next: () => Entry | undefined, emit: (found: WindowResult) => void): void {
  const held: Entry[] = [];
  // Position (in the group) of held[0].
  let base = 0;
  let done = false;
  const has = (i: number): boolean => {
    while (!done && base + held.length <= i) {
      const entry = next();
      if (entry === undefined) done = true;
      else held.push(entry);
    }
    return i < base + held.length;
  };
  const at = (i: number): Entry => held[i - base];
  const incremental = isIncremental(rule);
  let aggregate = new RunningAggregate(rule);
  let floor = 0;
  let end = -1;
  let previousEnd = -1;
  let start = 0;
  while (has(start)) {
    const limit = at(start).occ.order + rule.timespanMs;
    while (has(end + 1) && at(end + 1).occ.order <= limit) aggregate.add(at(++end));
    const maximal = start === floor || end > previousEnd;
    const candidate = maximal && (!incremental || conditionHolds(rule.condition, aggregate.value()));
    const found = candidate ? measureWindow(rule, held.slice(start - base, end + 1 - base)) : [];
    if (found.length > 0) {
      for (const window of found) emit(window);
      floor = end + 1;
      start = floor;
      previousEnd = end;
      aggregate = new RunningAggregate(rule);
    } else {
      previousEnd = end;
      aggregate.remove(at(start));
      start++;
    }
    // Entries before the window's start are never read again.
    if (start - base >= 1024 && start - base >= held.length >> 1) {
      held.splice(0, Math.min(start - base, held.length));
      base = start;
    }
  }
}

/** The group a hit reports: the group-by values, then what the window adds (a rare value). */
function groupOf(rule: CorrelationRule, groupValues: unknown[], extraGroup: Record<string, unknown> | undefined): Record<string, unknown> {
  const group: Record<string, unknown> = {};
  rule.groupBy.forEach((name, i) => {
    group[name] = groupValues[i];
  });
  return Object.assign(group, extraGroup);
}

/** A window as a hit; its group is set when the group's values are known (groupOf). */
function toHit(rule: CorrelationRule, groupKey: string, found: WindowResult): InternalHit {
  const indices = new Set<number>();
  let firstTime: number | undefined;
  let lastTime: number | undefined;
  for (const entry of found.entries) {
    for (const index of entry.occ.eventIndices) indices.add(index);
    const { firstTime: first, lastTime: last } = entry.occ;
    if (first !== undefined && (firstTime === undefined || first < firstTime)) firstTime = first;
    if (last !== undefined && (lastTime === undefined || last > lastTime)) lastTime = last;
  }
  const hit: CorrelationHit = {
    rule: rule.ref,
    correlationType: rule.type,
    group: {},
    eventIndices: [...indices].sort((a, b) => a - b),
    value: found.value,
  };
  if (firstTime !== undefined) hit.firstTime = firstTime;
  if (lastTime !== undefined) hit.lastTime = lastTime;
  return { hit, order: found.triggerOrder, tiebreak: found.triggerTiebreak, groupKey };
}

function commonValue(events: EventLookup, indices: number[], field: string): unknown {
  let found: unknown;
  let key: string | undefined;
  for (const index of indices) {
    const event = events.get(index);
    const value = event ? readField(event.fields, field) : undefined;
    if (!hasValue(value)) continue;
    if (key === undefined) {
      found = value;
      key = valueKey(value);
    } else if (valueKey(value) !== key) {
      return undefined;
    }
  }
  return found;
}

/**
 * A correlation hit seen by a correlation that references it: grouped by the inner hit's group
 * values, else by a value all of its events share (the outer rule groups by its own fields).
 */
function chainedOccurrence(rule: CorrelationRule, internal: InternalHit, seq: number, events: EventLookup): Occurrence {
  const { hit } = internal;
  return {
    key: -1 - seq,
    order: internal.order,
    tiebreak: internal.tiebreak,
    firstTime: hit.firstTime,
    lastTime: hit.lastTime,
    eventIndices: hit.eventIndices,
    sourceIds: correlationKeys(rule),
    lookup: (field) => (hasValue(hit.group[field]) ? hit.group[field] : commonValue(events, hit.eventIndices, field)),
  };
}

/**
 * Every event field the rules read (group-by and condition fields, through their aliases): a
 * caller that keeps hits for later correlation needs to keep only these (chained correlations
 * read their own fields from the inner hits' events, so the union covers them).
 */
export function correlationFieldNames(rules: CorrelationRule[]): string[] {
  const names = new Set<string>();
  for (const rule of rules) {
    for (const name of [...rule.groupBy, ...(rule.condition.field ?? [])]) {
      names.add(name);
      for (const field of Object.values(rule.aliases[name] ?? {})) names.add(field);
    }
  }
  return [...names];
}

/** Keys (id and name) of the rules whose own hits a `generate: false` correlation consumes. */
export function hiddenRuleKeys(rules: CorrelationRule[]): Set<string> {
  // pySigma disables a referenced rule's output as soon as one referencing correlation does not
  // generate it, whatever the others say; we do the same.
  const hidden = new Set<string>();
  for (const rule of rules) if (!rule.generate) for (const ref of rule.rules) hidden.add(ref);
  return hidden;
}

/** Whether a rule's own hits are reported (false when a `generate: false` correlation consumes it). */
export function isReported(rule: Pick<RuleRef, 'id' | 'name'>, hidden: Set<string>): boolean {
  return !hidden.has(rule.id) && !(rule.name !== undefined && hidden.has(rule.name));
}

/** Held events by index: chained correlations read fields of their inner hits' events. */
export interface EventLookup {
  get(index: number): SigmaEvent | undefined;
}

/**
 * One group of a correlation rule's entries: `next` gives them in compareEntries order, each once, then undefined.
 * Entries of one group can differ in how they spell its values (445 and "445"): the group reports those of its
 * first entry in reference order, then in the order entries were added, known once `next` has given undefined.
 */
export interface EntryGroup {
  key: string;
  next: () => Entry | undefined;
  groupValues: () => unknown[];
}

/**
 * Where the entries of correlation rules wait to be evaluated, by the rule's position in the rules evaluated: in
 * memory (MemoryEntryStore), or in a temporary database when a hunt holds more than memory should (the CLI's).
 */
export interface CorrelationEntryStore {
  /** Entries are added in event order (a rule's detections), then a referenced correlation's hits in their order. */
  add(rule: number, entry: Entry): void;
  /** The rule's groups, in an order of the store's own; called once a rule, after its last add. */
  groups(rule: number): Iterable<EntryGroup>;
  events: EventLookup;
}

export class MemoryEntryStore implements CorrelationEntryStore {
  private readonly byRule = new Map<number, Map<string, { entries: Entry[]; first: Entry }>>();

  constructor(readonly events: EventLookup) {}

  add(rule: number, entry: Entry): void {
    let groups = this.byRule.get(rule);
    if (!groups) this.byRule.set(rule, (groups = new Map()));
    const key = groupKeyOf(entry.groupValues);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { entries: [entry], first: entry });
    else {
      group.entries.push(entry);
      if (entry.ref < group.first.ref) group.first = entry;
    }
  }

  *groups(rule: number): Iterable<EntryGroup> {
    for (const [key, { entries, first }] of this.byRule.get(rule) ?? []) {
      entries.sort(compareEntries);
      let i = 0;
      yield { key, next: () => entries[i++], groupValues: () => first.groupValues };
    }
    this.byRule.delete(rule);
  }
}

/**
 * Correlation rules prepared for evaluation: their order (referenced correlations first) and, for each rule a
 * detection hit may come from, the (rule position, ref position) pairs its hits count for.
 */
export class CorrelationPlan {
  readonly ordered: CorrelationRule[];
  /** Keys (id, name) of the correlation rules: a reference to one is a chained correlation. */
  readonly correlationKeys: Set<string>;
  private readonly detectionRefs = new Map<string, Array<{ rule: number; ref: number }>>();
  private readonly positions = new Map<CorrelationRule, number>();

  constructor(readonly rules: CorrelationRule[]) {
    this.ordered = correlationOrder(rules).ordered;
    this.correlationKeys = new Set(rules.flatMap(correlationKeys));
    rules.forEach((rule, position) => {
      this.positions.set(rule, position);
      rule.rules.forEach((key, ref) => {
        if (this.correlationKeys.has(key)) return;
        const list = this.detectionRefs.get(key);
        if (list) list.push({ rule: position, ref });
        else this.detectionRefs.set(key, [{ rule: position, ref }]);
      });
    });
  }

  /** Rule ids and names detection hits are wanted for. */
  get wanted(): Set<string> {
    return new Set(this.detectionRefs.keys());
  }

  /**
   * Every key a rule references, correlation keys included: the hits that time untimed events (a detection rule
   * may share its name with a correlation rule; its hits still give times).
   */
  get referenced(): Set<string> {
    return new Set(this.rules.flatMap((rule) => rule.rules));
  }

  /** Whether some rule chains another correlation's hits (their events must then be kept by index). */
  get chains(): boolean {
    return this.rules.some((rule) => rule.rules.some((ref) => this.correlationKeys.has(ref)));
  }

  position(rule: CorrelationRule): number {
    return this.positions.get(rule) as number;
  }

  /** Adds what one detection occurrence counts for, in every rule that references the rule it came from. */
  addDetection(store: CorrelationEntryStore, occ: Occurrence): void {
    const seen = new Set<string>();
    for (const id of occ.sourceIds) {
      for (const { rule, ref } of this.detectionRefs.get(id) ?? []) {
        // A rule listing both the id and the name of one detection rule counts its hit under each reference.
        const slot = `${rule}:${ref}`;
        if (seen.has(slot)) continue;
        seen.add(slot);
        const entry = entryFor(this.rules[rule], ref, occ);
        if (entry) store.add(rule, entry);
      }
    }
  }
}

/** A detection hit as an occurrence, counted at `order` (its event's time, or the time it takes when it has none). */
export function detectionOccurrence(input: CorrelationInput, order: number): Occurrence {
  const { rule, event } = input;
  return {
    key: event.index,
    order,
    tiebreak: event.index,
    firstTime: event.time,
    lastTime: event.time,
    eventIndices: [event.index],
    sourceIds: rule.name && rule.name !== rule.id ? [rule.id, rule.name] : [rule.id],
    fields: event.fields,
  };
}

/**
 * Evaluates correlation rules over detection hits (each with its event). Chained correlations see
 * the hits of the correlations they reference. Hits of a correlation consumed by a `generate: false`
 * correlation are not returned unless `includeHidden` is set. Output is ordered by time, then rule.
 */
export function evaluateCorrelations(
  rules: CorrelationRule[],
  hits: CorrelationInput[],
  options: EvaluateCorrelationOptions = {},
): CorrelationHit[] {
  const plan = new CorrelationPlan(rules);
  // Events by index, for chained correlations that group on a field of the inner hit's events.
  const events = new Map<number, SigmaEvent>();
  if (plan.chains) for (const { event } of hits) events.set(event.index, event);
  const store = new MemoryEntryStore(events);
  for (const occ of detectionOccurrences(hits, plan.referenced)) plan.addDetection(store, occ);
  return evaluateStoredCorrelations(plan, store, options);
}

/** Evaluates the rules of `plan` over the detection entries in `store` (chained correlations' entries are added as they come). */
export function evaluateStoredCorrelations(plan: CorrelationPlan, store: CorrelationEntryStore, options: EvaluateCorrelationOptions = {}): CorrelationHit[] {
  const correlationOutput = new Map<string, Occurrence[]>();
  const hidden = hiddenRuleKeys(plan.rules);
  const results: InternalHit[] = [];
  let seq = 0;
  for (const rule of plan.ordered) {
    const position = plan.position(rule);
    rule.rules.forEach((key, ref) => {
      if (!plan.correlationKeys.has(key)) return;
      for (const occ of correlationOutput.get(key) ?? []) {
        const entry = entryFor(rule, ref, occ);
        if (entry) store.add(position, entry);
      }
    });
    const found: InternalHit[] = [];
    for (const group of store.groups(position)) {
      // Each window becomes a hit at once: its entries are let go with the window; its group is set at the group's end.
      const hits: Array<{ internal: InternalHit; extra: Record<string, unknown> | undefined }> = [];
      evaluateSortedGroup(rule, group.next, (window) => hits.push({ internal: toHit(rule, group.key, window), extra: window.extraGroup }));
      if (hits.length === 0) continue;
      const groupValues = group.groupValues();
      for (const { internal, extra } of hits) {
        internal.hit.group = groupOf(rule, groupValues, extra);
        found.push(internal);
      }
    }
    // The store's group order is its own: hits are numbered for chaining in an order of their own.
    found.sort(byTrigger);
    const occurrences = found.map((internal) => chainedOccurrence(rule, internal, seq++, store.events));
    for (const key of correlationKeys(rule)) correlationOutput.set(key, occurrences);
    if (options.includeHidden || isReported(rule.ref, hidden)) results.push(...found);
  }
  results.sort(
    (a, b) =>
      (a.hit.firstTime ?? a.order) - (b.hit.firstTime ?? b.order) ||
      a.order - b.order ||
      a.tiebreak - b.tiebreak ||
      a.hit.rule.id.localeCompare(b.hit.rule.id) ||
      compareKeys(a.groupKey, b.groupKey),
  );
  return results.map((internal) => internal.hit);
}

function byTrigger(a: InternalHit, b: InternalHit): number {
  return a.order - b.order || a.tiebreak - b.tiebreak || compareKeys(a.groupKey, b.groupKey);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
