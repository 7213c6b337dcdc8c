/**
 * The bounded view of the Findings the model reads. The model never sees the raw batch: it gets the
 * deterministic stage's conclusions, with repeats counted, the most important items first, and a
 * coverage line saying how much of the batch the digest stands for.
 */
import type { AttackChain, CorrelationHit, DetectionHit, Findings, Indicator, Severity, TimelineEntry } from '../engine/model';
import { SEVERITIES } from '../engine/model';

export interface DigestLimits {
  chains: number;
  stepsPerChain: number;
  timeline: number;
  indicators: number;
  techniques: number;
  rules: number;
  correlations: number;
  /** Longest single text value, in characters. */
  textChars: number;
}

export const DEFAULT_DIGEST_LIMITS: DigestLimits = {
  chains: 5,
  stepsPerChain: 10,
  timeline: 40,
  indicators: 30,
  techniques: 20,
  rules: 20,
  correlations: 10,
  textChars: 400,
};

/** Upper bound on the digest's serialised size (about 6k tokens). */
export const DEFAULT_DIGEST_MAX_CHARS = 24000;

export interface Coverage {
  events: number;
  matched: number;
  /** Distinct events that some item of the digest stands for. */
  sent: number;
}

export interface FindingsDigest {
  /** JSON text handed to the model as data. */
  text: string;
  coverage: Coverage;
  /** True when items were left out to stay within the limits. */
  truncated: boolean;
}

export interface DigestOptions {
  limits?: Partial<DigestLimits>;
  maxChars?: number;
  /** Applied to every string from the findings (spotlighting); identity by default. */
  mark?: (text: string) => string;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const severityRank = (s: Severity | string): number => SEVERITIES.indexOf(s as Severity);

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function iso(ms: number | undefined): string | null {
  return ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

/** Keeps the first and last entries of a long timeline: how it started and where it got to. */
function headAndTail<T>(items: readonly T[], max: number): { kept: T[]; omitted: number } {
  if (items.length <= max) return { kept: [...items], omitted: 0 };
  const head = Math.ceil(max / 2);
  return { kept: [...items.slice(0, head), ...items.slice(items.length - (max - head))], omitted: items.length - max };
}

interface RuleGroup {
  title: string;
  level: string;
  events: number[];
}

function groupDetections(detections: readonly DetectionHit[]): RuleGroup[] {
  const byRule = new Map<string, RuleGroup>();
  for (const hit of detections) {
    const group = byRule.get(hit.rule.id) ?? { title: hit.rule.title, level: hit.rule.level, events: [] };
    group.events.push(hit.eventIndex);
    byRule.set(hit.rule.id, group);
  }
  return [...byRule.values()].sort(
    (a, b) => severityRank(b.level) - severityRank(a.level) || b.events.length - a.events.length || a.title.localeCompare(b.title),
  );
}

class Builder {
  readonly sent = new Set<number>();
  constructor(
    private readonly limits: DigestLimits,
    private readonly mark: (text: string) => string,
  ) {}

  text(value: string): string {
    return this.mark(clip(value, this.limits.textChars));
  }

  cover(indices: readonly number[] | undefined): void {
    for (const i of indices ?? []) this.sent.add(i);
  }

  chain(chain: AttackChain): Json {
    const steps = chain.steps.slice(0, this.limits.stepsPerChain);
    steps.forEach((step) => this.cover(step.event_indices));
    return {
      id: this.text(chain.id),
      severity: chain.severity,
      first_seen: iso(chain.firstTime),
      last_seen: iso(chain.lastTime),
      entities: chain.entities.slice(0, 15).map((e) => this.text(e)),
      steps: steps.map((step) => ({
        stage: this.text(step.stage),
        time: iso(step.time),
        description: this.text(step.description),
        techniques: step.techniques.map((t) => this.text(t)),
        events: step.event_indices.length,
      })),
      steps_omitted: chain.steps.length - steps.length,
    };
  }

  timelineEntry(entry: TimelineEntry): Json {
    this.cover(entry.event_indices);
    return { timestamp: this.text(entry.timestamp), description: this.text(entry.description), count: entry.count ?? entry.event_indices?.length ?? 1 };
  }

  indicator(indicator: Indicator): Json {
    this.cover(indicator.event_indices);
    return {
      type: this.text(indicator.type),
      value: this.text(indicator.value),
      role: this.text(indicator.role),
      events: indicator.event_indices?.length ?? 0,
      intel: (indicator.intel ?? []).map((label) => this.text(label)),
    };
  }

  rule(group: RuleGroup): Json {
    this.cover(group.events);
    return { rule: this.text(group.title), level: group.level, events: new Set(group.events).size };
  }

  correlation(hit: CorrelationHit): Json {
    this.cover(hit.eventIndices);
    const group: Record<string, string> = {};
    for (const [key, value] of Object.entries(hit.group)) group[this.text(key)] = this.text(String(value));
    return {
      rule: this.text(hit.rule.title),
      type: hit.correlationType,
      group,
      events: hit.eventIndices.length,
      value: hit.value ?? null,
      first_seen: iso(hit.firstTime),
      last_seen: iso(hit.lastTime),
    };
  }
}

function render(findings: Findings, limits: DigestLimits, mark: (text: string) => string): FindingsDigest {
  const b = new Builder(limits, mark);
  const chains = findings.chains.slice(0, limits.chains).map((c) => b.chain(c));
  const timeline = headAndTail(findings.timeline, limits.timeline);
  const timelineJson = timeline.kept.map((e) => b.timelineEntry(e));
  const indicators = findings.indicators.slice(0, limits.indicators).map((i) => b.indicator(i));
  const techniques = [...findings.techniques]
    .sort((x, y) => y.confidence - x.confidence)
    .slice(0, limits.techniques)
    .map((t) => ({ id: b.text(t.technique_id), name: b.text(t.name), tactic: b.text(t.tactic), confidence: t.confidence }));
  const ruleGroups = groupDetections(findings.detections);
  const rules = ruleGroups.slice(0, limits.rules).map((g) => b.rule(g));
  const correlations = findings.correlations.slice(0, limits.correlations).map((c) => b.correlation(c));
  const omitted = {
    chains: Math.max(0, findings.chains.length - limits.chains),
    timeline_entries: timeline.omitted,
    indicators: Math.max(0, findings.indicators.length - limits.indicators),
    techniques: Math.max(0, findings.techniques.length - limits.techniques),
    rules: Math.max(0, ruleGroups.length - limits.rules),
    correlations: Math.max(0, findings.correlations.length - limits.correlations),
  };
  const coverage: Coverage = { events: findings.stats.events, matched: findings.stats.matched, sent: b.sent.size };
  const digest: Json = {
    coverage: `${coverage.events} events, ${coverage.matched} matched, ${coverage.sent} sent`,
    scope: findings.scope,
    severity: findings.severity,
    severity_reasons: findings.severityReasons.slice(0, 10).map((r) => b.text(r)),
    context: findings.context ? mark(clip(findings.context, 2000)) : null,
    attack_chains: chains,
    timeline: timelineJson,
    indicators,
    attack_mapping: techniques,
    detections_by_rule: rules,
    correlations,
    omitted,
    formats: findings.stats.formats,
    untimed_events: findings.stats.untimed,
  };
  const truncated = Object.values(omitted).some((n) => n > 0);
  return { text: JSON.stringify(digest), coverage, truncated };
}

function halved(limits: DigestLimits): DigestLimits {
  const half = (n: number): number => Math.max(1, Math.floor(n / 2));
  return {
    chains: half(limits.chains),
    stepsPerChain: half(limits.stepsPerChain),
    timeline: half(limits.timeline),
    indicators: half(limits.indicators),
    techniques: half(limits.techniques),
    rules: half(limits.rules),
    correlations: half(limits.correlations),
    textChars: Math.max(80, Math.floor(limits.textChars * 0.75)),
  };
}

/** Digest of the findings within maxChars: list limits are halved until it fits (or cannot shrink further). */
export function buildDigest(findings: Findings, options: DigestOptions = {}): FindingsDigest {
  const mark = options.mark ?? ((text: string) => text);
  const maxChars = options.maxChars ?? DEFAULT_DIGEST_MAX_CHARS;
  let limits: DigestLimits = { ...DEFAULT_DIGEST_LIMITS, ...options.limits };
  let digest = render(findings, limits, mark);
  for (let round = 0; digest.text.length > maxChars && round < 8; round += 1) {
    limits = halved(limits);
    digest = { ...render(findings, limits, mark), truncated: true };
  }
  return digest;
}
