import { mitigationsFor, type AttackCatalog } from './attack';
import type { IntelIndex } from './intel';
import type {
  AnalysisData, AnalysisRequest, CanonicalEvent, CorrelationHit, DetectionHit, Findings, IncidentSummary, LogSource, Narrative,
  RuleRef, Scope, TimelineEntry,
} from './model';
import { normalizeRequestEvents } from './normalize';
import { buildChains, type ChainBuild } from './correlate';
import { inferBehaviours } from './correlate/behaviours';
import { summariseCampaign } from './correlate/incidents';
import { correlationSignals, detectionSignals, discriminatingSignals, levelWeight, type EventLookup, type Signal } from './correlate/signal';
import { buildIndicators, intelLabels } from './indicators';
import { intelSignals } from './indicators/intel';
import { buildTimeline } from './timeline';
import { buildTechniques, withParentTechniques } from './techniques';
import { assessSeverity } from './severity';
import { artifactStage } from './artifact/stage';
import { detectPromptInjection, type PromptInjectionFinding } from './injection';

export { narrateDeterministic } from './narrate';

/** The event shape the rule engine evaluates (CanonicalEvent satisfies it). */
export interface RuleEvent {
  index: number;
  fields: Record<string, unknown>;
  logsource: LogSource;
  time?: number;
}

/** What analysis needs from a Sigma rule set (`RuleSet` from ./sigma satisfies it). */
export interface AnalysisRuleSet {
  readonly size: number;
  evaluate(events: Iterable<RuleEvent>): { detections: DetectionHit[]; correlations: CorrelationHit[] };
  matchEvent?(event: RuleEvent, opts?: { ignoreLogsource?: boolean }): readonly RuleRef[];
}

export interface AnalysisDeps {
  ruleSet: AnalysisRuleSet;
  catalog: AttackCatalog;
  intel?: IntelIndex;
  /** Epoch ms; analysis throws AnalysisTimeoutError when a stage ends after it. */
  deadline?: number;
  /** Clock for deadline checks and stage timings only; results never depend on it. */
  now?: () => number;
  /** Called after each stage with its duration (profiling, metrics). */
  onStage?: (stage: string, ms: number) => void;
  /** When the request was received (epoch ms): dates syslog lines that carry no year when nothing else in the batch does. */
  referenceTime?: number;
}

export class AnalysisTimeoutError extends Error {
  constructor(readonly stage: string) {
    super(`analysis deadline passed during ${stage}`);
    this.name = 'AnalysisTimeoutError';
  }
}

const HOSTILE_CONTEXT_ROLES = new Set(['attacker', 'c2', 'exfil_destination', 'payload_host']);
const MAX_CONTEXT_EVENTS = 20;
/** Findings keep the most important chains only (narrators and reviewers read the top ones). */
const MAX_CHAINS = 50;

/** The deterministic pipeline: normalise, detect, infer, correlate, map, rate. */
export function analyze(request: AnalysisRequest, deps: AnalysisDeps): Findings {
  const scope: Scope = request.scope ?? 'incident';
  const checkpoint = deadlineChecker(deps);
  const normalized = normalizeRequestEvents(request.events, deps.referenceTime === undefined ? {} : { referenceTime: deps.referenceTime });
  const events = normalized.events;
  const byIndex = new Map<number, CanonicalEvent>(events.map((e) => [e.index, e]));
  const lookup: EventLookup = (i) => byIndex.get(i);
  checkpoint('normalisation');

  const evaluation = deps.ruleSet.evaluate(events);
  checkpoint('rule evaluation');

  const ruleSignals = discriminatingSignals([...detectionSignals(evaluation.detections, lookup, deps.catalog), ...correlationSignals(evaluation.correlations, lookup, deps.catalog)], events, lookup);
  const behaviours = inferBehaviours({ events, lookup, catalog: deps.catalog, signals: ruleSignals });
  const intel = intelSignals(events, deps.intel, lookup, deps.catalog);
  const signals = [...ruleSignals, ...behaviours, ...intel];
  checkpoint('behaviour inference');

  const artifact = scope === 'artifact' ? artifactStage(events, signals, deps.catalog, lookup, deps.ruleSet.matchEvent?.bind(deps.ruleSet)) : undefined;
  if (artifact) signals.push(...artifact.signals);
  const chains = buildChains(events, signals, deps.catalog);
  checkpoint('correlation');

  const primary = chains[0];
  const primarySignals = new Set(primary?.signals ?? []);
  const primaryStages = primary ? [...new Set(primary.chain.steps.map((s) => s.stage))] : [];
  // Artifact scope reports on the artifact: only signals that touch its event.
  const scoped = artifact ? artifact.focusSignals(signals) : signals;
  const techniques = buildTechniques(scoped, deps.catalog, { primarySignals, primaryMultiStage: primaryStages.length > 1, lookup });
  const indicators = buildIndicators(scoped, lookup, deps.catalog, deps.intel);
  const label = labeller(deps.intel);
  for (const build of chains) build.chain.severity = assessSeverity({ signals: build.signals, techniques: techniquesOf(build, techniques), context: request.context, stages: build.chain.steps.map((s) => s.stage) }).severity;
  const assessment = assessSeverity({ signals: scoped, techniques, context: request.context, stages: primaryStages });
  checkpoint('mapping');

  let timeline: TimelineEntry[];
  let incidents: IncidentSummary[] | undefined;
  if (scope === 'campaign') {
    const campaign = summariseCampaign(chains, events, lookup, label, (own) => buildTechniques(own, deps.catalog, { lookup }).map((t) => t.technique_id));
    timeline = campaign.timeline;
    incidents = campaign.incidents;
  } else {
    const focus = scope === 'artifact' && artifact ? artifact.focusSignals(signals) : incidentFocus(signals, primarySignals);
    const contextEvents = hostileContext(primary, indicators.filter((i) => HOSTILE_CONTEXT_ROLES.has(i.role)).map((i) => i.value.toLowerCase()), lookup);
    timeline = buildTimeline(events, focus, lookup, { label, contextEvents, primary: primarySignals });
    if (artifact) timeline = [...timeline, ...artifact.layerEntries].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  }
  // Text addressed to a language model inside the events is reported, and changes nothing else.
  timeline = withInjectionEntries(timeline, detectPromptInjection(events), lookup);
  checkpoint('timeline');

  const findings: Findings = {
    scope,
    severity: assessment.severity,
    severityReasons: assessment.reasons,
    timeline,
    indicators,
    techniques,
    attackMapping: withParentTechniques(techniques, deps.catalog),
    chains: chains.slice(0, MAX_CHAINS).map((c) => c.chain),
    detections: evaluation.detections,
    correlations: evaluation.correlations,
    stats: {
      events: events.length,
      formats: normalized.formats,
      untimed: normalized.untimed,
      matched: new Set(evaluation.detections.map((d) => d.eventIndex)).size,
      rulesLoaded: deps.ruleSet.size,
    },
    mitigations: mitigationsFor(techniques.map((t) => t.technique_id), deps.catalog, { limit: 5 }).map((m) => ({ id: m.id, name: m.name, techniques: m.techniques })),
  };
  if (request.context !== undefined) findings.context = request.context;
  if (incidents) findings.incidents = incidents;
  if (artifact) findings.artifact = artifact.report;
  return findings;
}

const MAX_INJECTION_ENTRIES = 10;
const INJECTION_RULE_ID = 'lantern.heuristic.prompt_injection';

/** One timeline entry per event carrying prompt-injection text, in time order; the text itself stays in the event. */
function withInjectionEntries(timeline: TimelineEntry[], found: PromptInjectionFinding[], lookup: EventLookup): TimelineEntry[] {
  if (found.length === 0) return timeline;
  const out = [...timeline];
  for (const f of found.slice(0, MAX_INJECTION_ENTRIES)) {
    const event = lookup(f.eventIndex);
    const where = [event?.ref ?? `event ${f.eventIndex}`, f.field].filter(Boolean).join(', field ');
    const kinds = f.signals.map((k) => k.replace(/_/g, ' ')).join(', ');
    const hidden = f.hiddenCharacters ? ' with hidden characters' : '';
    const entry: TimelineEntry = {
      timestamp: event?.time === undefined ? 'unknown' : new Date(event.time).toISOString().replace('.000Z', 'Z'),
      description: `Possible prompt injection: ${where} carries text addressed to an AI analyst${hidden} (${kinds}); treated as data, it changed nothing in the analysis`,
      event_indices: [f.eventIndex],
      rule_ids: [INJECTION_RULE_ID],
    };
    const at = entry.timestamp === 'unknown' ? -1 : out.findIndex((e) => e.timestamp !== 'unknown' && e.timestamp > entry.timestamp);
    out.splice(at === -1 ? out.length : at, 0, entry);
  }
  return out;
}

function deadlineChecker(deps: AnalysisDeps): (stage: string) => void {
  const now = deps.now ?? Date.now;
  let last = now();
  return (stage) => {
    const t = now();
    deps.onStage?.(stage, t - last);
    last = t;
    if (deps.deadline !== undefined && t > deps.deadline) throw new AnalysisTimeoutError(stage);
  };
}

function labeller(intel: IntelIndex | undefined): (value: string) => string {
  if (!intel) return (v) => v;
  const cache = new Map<string, string>();
  return (value) => {
    const cached = cache.get(value);
    if (cached !== undefined) return cached;
    const type = /^[\d.]+$|:/.test(value) ? 'ip' : /^[a-f0-9]{32,64}$/i.test(value) ? 'sha256' : /^https?:/i.test(value) ? 'url' : 'domain';
    const labels = intelLabels(type, value, intel);
    const out = labels.length > 0 ? `${value} (${labels.join(', ')})` : value;
    cache.set(value, out);
    return out;
  };
}

function techniquesOf(build: ChainBuild, all: Findings['techniques']): Findings['techniques'] {
  const rules = new Set(build.signals.map((s) => s.rule.id));
  return all.filter((t) => (t.rule_ids ?? []).some((r) => rules.has(r)));
}

/** Incident scope: the main chain, plus anything rated high or above elsewhere (never hide a serious hit). */
function incidentFocus(signals: Signal[], primary: Set<Signal>): Signal[] {
  return signals.filter((s) => primary.has(s) || levelWeight(s.rule.level) >= levelWeight('high'));
}

/** Events of the main chain that name attacker infrastructure but matched nothing (e.g. the first allowed connection). */
function hostileContext(primary: ChainBuild | undefined, hostile: string[], lookup: EventLookup): number[] {
  if (!primary || hostile.length === 0) return [];
  const wanted = new Set(hostile);
  const out: number[] = [];
  for (const i of primary.eventIndices) {
    const e = lookup(i);
    if (!e) continue;
    const en = e.entities;
    const values = [en.srcIp, en.dstIp, en.domain, en.url].filter((v): v is string => !!v).map((v) => v.toLowerCase());
    if (values.some((v) => wanted.has(v))) out.push(i);
    if (out.length >= MAX_CONTEXT_EVENTS) break;
  }
  return out;
}

/** The contract's `data`: narrative plus the deterministic findings, exactly as the API names them. */
export function buildAnalysisData(findings: Findings, narrative: Narrative): AnalysisData {
  const data: AnalysisData = {
    summary: narrative.summary,
    severity: findings.severity,
    impact: narrative.impact,
    root_cause: narrative.root_cause,
    timeline: findings.timeline,
    indicators: findings.indicators,
    attack_mapping: findings.attackMapping ?? findings.techniques,
    recommendations: narrative.recommendations,
  };
  if (findings.incidents) data.incidents = findings.incidents;
  if (findings.artifact) data.artifact = findings.artifact;
  return data;
}
