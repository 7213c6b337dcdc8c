/**
 * A loaded rule pack: detection rules routed by logsource, each route with its own literal
 * prefilter, plus correlation rules evaluated over the detection hits (event time).
 */
import type { CorrelationHit, DetectionHit, LogSource, RuleRef } from '../model';
import { type CorrelationRule, evaluateCorrelations, hiddenRuleKeys, isReported } from './correlation';
import { EventContext } from './fields';
import { type CorrelationDoc, type LoadOptions, type LoadResult, loadRuleTexts, loadRules } from './loader';
import { logsourceCompatible, logsourceKey, normalizeLogSource } from './logsource';
import { type MatcherCache, Prefilter } from './prefilter';
import { type DetectionRule, type SigmaFilter, applyFilter, filterAppliesTo } from './rule';
import { type RuleSelection, type SelectedRules, selectRules, selects } from './selection';
import type { MatchOptions, RuleLoadError, SigmaEvent } from './types';

export interface EvaluateOptions extends MatchOptions {
  /** Also report hits of rules consumed by a `generate: false` correlation. */
  includeHidden?: boolean;
}

/** Why a rule did (or did not) match an event: the verified facts behind a detection. */
export interface MatchExplanation {
  rule: RuleRef;
  /** The detection (filters included) matches the event's fields. */
  matched: boolean;
  /** The rule would run on the event's logsource at all. */
  logsourceCompatible: boolean;
  /** Search identifiers of the condition that matched on their own. */
  selections: string[];
  /** The event's values of the fields the rule reads (absent fields left out). */
  fields: Record<string, unknown>;
  /** Filters applied to the rule. */
  filters: string[];
}

export interface EvaluateResult {
  detections: DetectionHit[];
  correlations: CorrelationHit[];
}

interface Route {
  rules: DetectionRule[];
  prefilter: Prefilter | undefined;
}

export class RuleSet {
  readonly detectionRules: DetectionRule[];
  readonly correlationRules: CorrelationRule[];
  readonly correlationDocs: CorrelationDoc[];
  readonly filters: SigmaFilter[];
  readonly errors: RuleLoadError[];
  readonly warnings: RuleLoadError[];
  readonly files: string[];
  readonly prefilterEnabled: boolean;
  /**
   * With a rule selection: ids of rules that run only to feed a chosen correlation, and the rules `generate: false`
   * correlations of the whole set consume (ids or names). Their own hits are not reported.
   */
  readonly unreported: ReadonlySet<string>;
  /** What a rule selection left out, when one was made. */
  readonly selection: Pick<SelectedRules, 'leftOut' | 'unknownExclusions'> | undefined;
  private readonly routes = new Map<string, Route>();
  private readonly routesByRaw = new Map<string, Route>();
  /** Frozen logsource objects (the normaliser interns them) by identity: no key built per event. */
  private readonly routesByObject = new WeakMap<object, Route>();
  /** Routes by their rule list: logsources meeting the same rules share one prefilter. */
  private readonly routesByRules = new Map<string, Route>();
  private allRoute: Route | undefined;
  /** Literal matchers shared by the routes' prefilters. */
  private readonly matchers: MatcherCache = new Map();
  private readonly ctx = new EventContext();

  /**
   * `logsources`: routes to compile now, prefilters and their literal matchers included (the
   * normaliser's knownLogsources()); any other logsource gets its route when an event first needs it.
   */
  constructor(loaded: LoadResult, opts: { prefilter?: boolean; logsources?: Iterable<LogSource>; select?: RuleSelection } = {}) {
    const selected = selects(opts.select) ? selectRules(loaded, opts.select) : undefined;
    // What `generate: false` correlations hide stays hidden when a selection leaves those correlations out:
    // narrowing the rules never brings back hits a full run keeps quiet.
    this.unreported = selected === undefined ? new Set() : new Set([...selected.unreported, ...hiddenRuleKeys(loaded.correlationRules)]);
    if (selected !== undefined) loaded = selected.loaded;
    this.selection = selected && { leftOut: selected.leftOut, unknownExclusions: selected.unknownExclusions };
    this.detectionRules = loaded.detectionRules;
    this.correlationRules = loaded.correlationRules;
    this.correlationDocs = loaded.correlationDocs;
    this.filters = loaded.filters;
    this.errors = loaded.errors;
    this.warnings = loaded.warnings;
    this.files = loaded.files;
    this.prefilterEnabled = opts.prefilter !== false;
    this.applyFilters();
    this.checkCorrelationRefs();
    for (const logsource of opts.logsources ?? []) this.routeByKey(logsource).prefilter?.prepare();
  }

  /** Detection plus correlation rules. */
  get size(): number {
    return this.detectionRules.length + this.correlationRules.length;
  }

  /** Detection rules matching one event, in load order. */
  matchEvent(event: SigmaEvent, opts: MatchOptions = {}): readonly RuleRef[] {
    const rules = this.matchingRules(event, opts);
    return rules.length === 0 ? NO_REFS : rules.map((r) => r.ref);
  }

  /** Same as matchEvent, with the full rule objects. */
  matchingRules(event: SigmaEvent, opts: MatchOptions = {}): readonly DetectionRule[] {
    const route = opts.ignoreLogsource ? this.everyRule() : this.route(event);
    if (route.rules.length === 0) return NO_RULES;
    const ctx = this.ctx.reset(event.fields ?? {});
    if (route.prefilter) {
      // Most events have no candidate: no result array is made for them.
      const candidates = route.prefilter.candidates(ctx);
      if (candidates.length === 0) return NO_RULES;
      const out: DetectionRule[] = [];
      for (const i of candidates) {
        const rule = route.rules[i];
        if (safeMatch(rule, ctx)) out.push(rule);
      }
      return out;
    }
    const out: DetectionRule[] = [];
    for (const rule of route.rules) if (safeMatch(rule, ctx)) out.push(rule);
    return out;
  }

  /**
   * The rules matchingRules would test on the event, untested: its route's rules the prefilter leaves (all of
   * them without a prefilter), in load order. What the prefilter costs and spares is measured with it
   * (bench/hunt-stages.js).
   */
  candidateRules(event: SigmaEvent, opts: MatchOptions = {}): readonly DetectionRule[] {
    const route = opts.ignoreLogsource ? this.everyRule() : this.route(event);
    if (route.rules.length === 0 || route.prefilter === undefined) return route.rules;
    const candidates = route.prefilter.candidates(this.ctx.reset(event.fields ?? {}));
    return candidates.length === 0 ? NO_RULES : candidates.map((i) => route.rules[i]);
  }

  /** Detections over all events, then the correlation rules over those hits. */
  evaluate(events: Iterable<SigmaEvent>, opts: EvaluateOptions = {}): EvaluateResult {
    const hits: Array<{ rule: RuleRef; event: SigmaEvent }> = [];
    for (const event of events) {
      for (const rule of this.matchEvent(event, opts)) hits.push({ rule, event });
    }
    const correlations = this.correlationRules.length > 0 ? evaluateCorrelations(this.correlationRules, hits, { includeHidden: opts.includeHidden }) : [];
    const hidden = opts.includeHidden ? new Set<string>() : this.hiddenKeys();
    const detections = hits.filter((h) => isReported(h.rule, hidden)).map((h) => ({ rule: h.rule, eventIndex: h.event.index }));
    return { detections, correlations: this.unreported.size === 0 ? correlations : correlations.filter((c) => isReported(c.rule, hidden)) };
  }

  /** Rules whose own hits are not reported: consumed by a `generate: false` correlation, or run only for a chosen correlation. */
  hiddenKeys(): Set<string> {
    const hidden = hiddenRuleKeys(this.correlationRules);
    for (const id of this.unreported) hidden.add(id);
    return hidden;
  }

  /** Explain one rule (by id, name or ref) on one event; undefined for an unknown rule. */
  explain(event: SigmaEvent, rule: string | Pick<RuleRef, 'id'>): MatchExplanation | undefined {
    const key = typeof rule === 'string' ? rule : rule.id;
    const found = this.detectionRules.find((r) => r.ref.id === key || r.ref.name === key);
    return found === undefined ? undefined : this.explainRule(event, found);
  }

  /** Explain a rule of this set (as matchingRules returns it) on one event. */
  explainRule(event: SigmaEvent, found: DetectionRule): MatchExplanation {
    const ctx = this.ctx.reset(event.fields ?? {});
    const matched = found.selections.filter((s) => s.match(ctx));
    const fields: Record<string, unknown> = {};
    for (const name of found.fieldNames) {
      const fv = ctx.get(name);
      if (fv.present) fields[name] = fv.leaves.length === 1 ? fv.leaves[0] : fv.leaves.slice();
    }
    const isMatch = safeMatch(found, ctx);
    keywordFields(matched, event.fields ?? {}, fields);
    return {
      rule: found.ref,
      matched: isMatch,
      logsourceCompatible: logsourceCompatible(found.route, normalizeLogSource(event.logsource)),
      selections: matched.map((s) => s.name),
      fields,
      filters: found.filters,
    };
  }

  /** Rules routed to an event logsource, for diagnostics and benchmarks. */
  routeSize(event: Pick<SigmaEvent, 'logsource'>): { rules: number; unconditional: number } {
    const r = this.route(event);
    return { rules: r.rules.length, unconditional: r.prefilter?.unconditional ?? r.rules.length };
  }

  private route(event: Pick<SigmaEvent, 'logsource'>): Route {
    const raw = event.logsource;
    const frozen = raw !== undefined && raw !== null && Object.isFrozen(raw);
    if (frozen) {
      const byObject = this.routesByObject.get(raw);
      if (byObject !== undefined) return byObject;
      const route = this.routeByKey(raw);
      this.routesByObject.set(raw, route);
      return route;
    }
    return this.routeByKey(raw);
  }

  private routeByKey(raw: SigmaEvent['logsource']): Route {
    // Keyed by the logsource as given (cheap, per event); normalised only on a miss.
    const rawKey = rawRouteKey(raw);
    const known = rawKey === undefined ? undefined : this.routesByRaw.get(rawKey);
    if (known) return known;
    const ls = normalizeLogSource(raw);
    const key = logsourceKey(ls);
    let route = this.routes.get(key);
    if (!route) {
      const positions: number[] = [];
      this.detectionRules.forEach((r, i) => logsourceCompatible(r.route, ls) && positions.push(i));
      const rulesKey = positions.join(',');
      route = this.routesByRules.get(rulesKey);
      if (!route) {
        route = this.buildRoute(positions.map((i) => this.detectionRules[i]));
        this.routesByRules.set(rulesKey, route);
      }
      this.routes.set(key, route);
    }
    if (rawKey !== undefined) this.routesByRaw.set(rawKey, route);
    return route;
  }

  private everyRule(): Route {
    return (this.allRoute ??= this.buildRoute(this.detectionRules));
  }

  private buildRoute(rules: DetectionRule[]): Route {
    return { rules, prefilter: this.prefilterEnabled ? new Prefilter(rules.map((r) => r.need), this.matchers) : undefined };
  }

  /** Filters narrow the detection rules they apply to; correlation rules are never filtered (as pySigma). */
  private applyFilters(): void {
    for (const filter of this.filters) {
      let applied = 0;
      for (const rule of this.detectionRules) {
        if (!filterAppliesTo(filter, rule)) continue;
        applyFilter(rule, filter);
        applied++;
      }
      const reasons = filter.rules === 'any' ? [] : filter.rules.flatMap((ref) => this.unappliedReference(filter, ref));
      for (const reason of reasons) this.warnings.push({ file: filter.file, ruleId: filter.id, title: filter.title, reason });
      if (applied === 0 && reasons.length === 0) {
        this.warnings.push({ file: filter.file, ruleId: filter.id, title: filter.title, reason: 'filter applies to no loaded rule' });
      }
    }
  }

  /** Why a rule the filter lists is left unfiltered, if it is. */
  private unappliedReference(filter: SigmaFilter, ref: string): string[] {
    const named = (r: { ref: RuleRef }): boolean => r.ref.id === ref || r.ref.name === ref;
    const rules = this.detectionRules.filter(named);
    if (rules.length > 0) {
      return rules.some((rule) => filterAppliesTo(filter, rule)) ? [] : [`filter does not apply to rule '${ref}': its logsource is not within the filter's`];
    }
    if (this.correlationRules.some(named)) return [`filter references correlation rule '${ref}': correlation rules are never filtered`];
    return [`filter references unknown rule '${ref}'`];
  }

  private checkCorrelationRefs(): void {
    const known = new Set<string>();
    for (const r of this.detectionRules) {
      known.add(r.ref.id);
      if (r.ref.name) known.add(r.ref.name);
    }
    for (const c of this.correlationRules) {
      known.add(c.ref.id);
      if (c.ref.name) known.add(c.ref.name);
    }
    for (const c of this.correlationRules) {
      for (const ref of c.rules) {
        if (!known.has(ref)) {
          this.warnings.push({ file: c.ref.file ?? '', ruleId: c.ref.id, title: c.ref.title, reason: `correlation references unknown rule '${ref}'` });
        }
      }
    }
  }
}

/** The result of an event no rule matches (frozen: shared by every such event). */
const NO_RULES: readonly DetectionRule[] = Object.freeze([]);
const NO_REFS: readonly RuleRef[] = Object.freeze([]);

/** Exact key of a logsource as given; undefined when a part is not a plain NUL-free string. */
function rawRouteKey(ls: SigmaEvent['logsource'] | undefined): string | undefined {
  if (!ls) return '';
  let key = '';
  for (const part of [ls.product, ls.category, ls.service]) {
    if (part === undefined) key += '\u0001';
    else if (typeof part === 'string' && !part.includes('\u0000') && !part.includes('\u0001')) key += `${part}\u0000`;
    else return undefined;
  }
  return key;
}

/** A rule that throws at run time (a native regex error on odd input) counts as no match. */
function safeMatch(rule: DetectionRule, ctx: EventContext): boolean {
  try {
    return rule.match(ctx);
  } catch {
    return false;
  }
}

export function loadRuleSet(paths: string[], options: LoadOptions & { logsources?: Iterable<LogSource>; select?: RuleSelection } = {}): RuleSet {
  return new RuleSet(loadRules(paths, options), { prefilter: options.prefilter, logsources: options.logsources, select: options.select });
}

/** A rule set from YAML texts, each named by the file it stands for. */
export function ruleSetFromText(sources: Array<{ file: string; text: string }> | string, options: LoadOptions = {}): RuleSet {
  const list = typeof sources === 'string' ? [{ file: 'inline.yml', text: sources }] : sources;
  return new RuleSet(loadRuleTexts(list, options), { prefilter: options.prefilter });
}

/**
 * Keyword searches read every string of the event rather than named fields: for a selection that matches
 * without any field the rule names, the event's own string fields that it matches on their own are added
 * to `fields` (the text that made a keyword rule fire).
 */
function keywordFields(matched: ReadonlyArray<{ match: (ctx: EventContext) => boolean }>, eventFields: Record<string, unknown>, fields: Record<string, unknown>): void {
  const named = new EventContext().reset(fields);
  for (const selection of matched) {
    if (selection.match(named)) continue;
    for (const [key, value] of Object.entries(eventFields)) {
      if (typeof value !== 'string' || key in fields) continue;
      if (selection.match(new EventContext().reset({ [key]: value }))) fields[key] = value;
    }
  }
}
