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

/** Detection hits as occurrences, per referenced key (rule id or name), for the keys asked only. */
function detectionOccurrences(inputs: CorrelationInput[], wanted: Set<string>): Map<string, Occurrence[]> {
  const relevant = inputs.filter(({ rule }) => wanted.has(rule.id) || (rule.name !== undefined && wanted.has(rule.name)));
  const times = effectiveTimes(relevant);
  const byRef = new Map<string, Occurrence[]>();
  const seen = new Map<string, Set<number>>();
  for (const { rule, event } of relevant) {
    let indices = seen.get(rule.id);
    if (!indices) seen.set(rule.id, (indices = new Set()));
    if (indices.has(event.index)) continue;
    indices.add(event.index);
    const sourceIds = rule.name && rule.name !== rule.id ? [rule.id, rule.name] : [rule.id];
    const occurrence: Occurrence = {
      key: event.index,
      order: times ? (times.get(event.index) ?? 0) : (event.time as number),
      tiebreak: event.index,
      firstTime: event.time,
      lastTime: event.time,
      eventIndices: [event.index],
      sourceIds,
      fields: event.fields,
    };
    for (const id of sourceIds) {
      if (!wanted.has(id)) continue;
      const list = byRef.get(id);
      if (list) list.push(occurrence);
      else byRef.set(id, [occurrence]);
    }
  }
  return byRef;
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

function buildGroups(rule: CorrelationRule, sources: Occurrence[][]): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>();
  sources.forEach((occurrences, ref) => {
    for (const occ of occurrences) {
      const groupValues = rule.groupBy.map((name) => occurrenceValue(occ, fieldFor(rule, name, ref, occ)));
      if (!groupValues.every(hasValue)) continue;
      const entry: Entry = { ref, occ, groupValues };
      const value = conditionValue(rule, ref, occ);
      if (hasValue(value)) {
        entry.value = value;
        entry.valueKey = valueKey(value);
        entry.num = numericValue(value);
      }
      const key = groupValues.map(valueKey).join('\u0000');
      const list = groups.get(key);
      if (list) list.push(entry);
      else groups.set(key, [entry]);
    }
  });
  return groups;
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

function evaluateGroup(rule: CorrelationRule, entries: Entry[]): WindowResult[] {
  entries.sort(compareEntries);
  const results: WindowResult[] = [];
  const incremental = isIncremental(rule);
  let aggregate = new RunningAggregate(rule);
  let floor = 0;
  let end = -1;
  let previousEnd = -1;
  let start = 0;
  while (start < entries.length) {
    const limit = entries[start].occ.order + rule.timespanMs;
    while (end + 1 < entries.length && entries[end + 1].occ.order <= limit) aggregate.add(entries[++end]);
    const maximal = start === floor || end > previousEnd;
    const candidate = maximal && (!incremental || conditionHolds(rule.condition, aggregate.value()));
    const found = candidate ? measureWindow(rule, entries.slice(start, end + 1)) : [];
    if (found.length > 0) {
      results.push(...found);
      floor = end + 1;
      start = floor;
      previousEnd = end;
      aggregate = new RunningAggregate(rule);
      continue;
    }
    previousEnd = end;
    aggregate.remove(entries[start]);
    start++;
  }
  return results;
}

function toHit(rule: CorrelationRule, groupValues: unknown[], found: WindowResult): InternalHit {
  const group: Record<string, unknown> = {};
  rule.groupBy.forEach((name, i) => {
    group[name] = groupValues[i];
  });
  Object.assign(group, found.extraGroup);
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
    group,
    eventIndices: [...indices].sort((a, b) => a - b),
    value: found.value,
  };
  if (firstTime !== undefined) hit.firstTime = firstTime;
  if (lastTime !== undefined) hit.lastTime = lastTime;
  return { hit, order: found.triggerOrder, tiebreak: found.triggerTiebreak };
}

function commonValue(events: Map<number, SigmaEvent>, indices: number[], field: string): unknown {
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
function chainedOccurrence(rule: CorrelationRule, internal: InternalHit, seq: number, events: Map<number, SigmaEvent>): Occurrence {
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

function evaluateRule(rule: CorrelationRule, sources: Occurrence[][]): InternalHit[] {
  const hits: InternalHit[] = [];
  for (const entries of buildGroups(rule, sources).values()) {
    const groupValues = entries[0].groupValues;
    for (const found of evaluateGroup(rule, entries)) hits.push(toHit(rule, groupValues, found));
  }
  return hits;
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
  const detections = detectionOccurrences(hits, new Set(rules.flatMap((rule) => rule.rules)));
  const correlationOutput = new Map<string, Occurrence[]>();
  const correlationKeysSet = new Set(rules.flatMap(correlationKeys));
  // Events by index, for chained correlations that group on a field of the inner hit's events.
  const events = new Map<number, SigmaEvent>();
  if (rules.some((rule) => rule.rules.some((ref) => correlationKeysSet.has(ref)))) {
    for (const { event } of hits) events.set(event.index, event);
  }
  const hidden = hiddenRuleKeys(rules);
  const results: InternalHit[] = [];
  let seq = 0;
  for (const rule of correlationOrder(rules).ordered) {
    const sources = rule.rules.map((ref) =>
      correlationKeysSet.has(ref) ? (correlationOutput.get(ref) ?? []) : (detections.get(ref) ?? []),
    );
    const found = evaluateRule(rule, sources);
    const occurrences = found.map((internal) => chainedOccurrence(rule, internal, seq++, events));
    for (const key of correlationKeys(rule)) correlationOutput.set(key, occurrences);
    if (options.includeHidden || isReported(rule.ref, hidden)) results.push(...found);
  }
  results.sort(
    (a, b) =>
      (a.hit.firstTime ?? a.order) - (b.hit.firstTime ?? b.order) ||
      a.order - b.order ||
      a.tiebreak - b.tiebreak ||
      a.hit.rule.id.localeCompare(b.hit.rule.id),
  );
  return results.map((internal) => internal.hit);
}
