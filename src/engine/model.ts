/**
 * The shared vocabulary of the analysis pipeline. Every stage reads and writes these types;
 * the Nest edge and the CLI only ever see them through `analyze()` and the report builders.
 * Public-contract names (snake_case) are kept exactly as in the API document.
 */

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export type Scope = 'incident' | 'campaign' | 'artifact';
export const SCOPES: readonly Scope[] = ['incident', 'campaign', 'artifact'];

/** The request body of POST /api/v1/ai/analysis (already validated by the edge). */
export interface AnalysisRequest {
  events: Record<string, unknown>;
  context?: string;
  scope?: Scope;
}

/** Sigma logsource triple. Absent parts are unknown, not "any". */
export interface LogSource {
  product?: string;
  category?: string;
  service?: string;
}

export type Outcome = 'success' | 'failure' | 'unknown';

/** Entities a normaliser could name in one event; consumed by correlation and indicator extraction. */
export interface EventEntities {
  srcIp?: string;
  srcPort?: number;
  dstIp?: string;
  dstPort?: number;
  protocol?: string;
  /** The acting account (who did it). */
  user?: string;
  /** The account acted upon (logon target, created account, ...). */
  targetUser?: string;
  /** The host the event happened on / was reported by. */
  host?: string;
  /** Remote workstation name where the event names one (e.g. 4624 WorkstationName). */
  srcHost?: string;
  process?: string;
  processId?: string;
  parentProcess?: string;
  parentProcessId?: string;
  commandLine?: string;
  parentCommandLine?: string;
  file?: string;
  hashes?: string[];
  domain?: string;
  url?: string;
  email?: string;
  registryKey?: string;
  service?: string;
  task?: string;
  /** Cloud identity (ARN, UPN, Okta login). */
  cloudIdentity?: string;
}

/** One input event after normalisation. */
export interface CanonicalEvent {
  /** Position in the request (collections in key order, then array order): the event's id in all evidence. */
  index: number;
  /** Where it came from under `events`, e.g. `logs[3]`. */
  ref: string;
  /** Recognised format id, e.g. `generic`, `windows`, `sysmon`, `ecs`, `syslog`, `auditd`, `web_access`,
   *  `cloudtrail`, `okta`, `entra_id`, `zeek`, `suricata`, `firewall`, `unknown`. */
  format: string;
  /** Epoch milliseconds (UTC); undefined when the event has no usable time. */
  time?: number;
  logsource: LogSource;
  /** The field view Sigma rules evaluate: the original fields plus Sigma-taxonomy aliases (Image, CommandLine, ...). */
  fields: Record<string, unknown>;
  /** Canonical verb: `logon`, `process_create`, `network_connection`, `dns_query`, `file_create`, ... */
  action?: string;
  outcome: Outcome;
  entities: EventEntities;
  /** A readable one-line message where the source had one (syslog line, CloudTrail eventName, ...). */
  message?: string;
  /** The original event, untouched, for evidence. */
  raw: unknown;
}

/** Rule metadata carried by every detection and correlation hit. */
export interface RuleRef {
  id: string;
  title: string;
  level: string;
  status?: string;
  tags: string[];
  /** Source file the rule was loaded from. */
  file?: string;
  /** Rule `name` (used by correlation references). */
  name?: string;
  description?: string;
}

export interface DetectionHit {
  rule: RuleRef;
  eventIndex: number;
}

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile';

export interface CorrelationHit {
  rule: RuleRef;
  correlationType: CorrelationType;
  /** group-by field -> value */
  group: Record<string, unknown>;
  eventIndices: number[];
  firstTime?: number;
  lastTime?: number;
  /** The aggregate the condition was tested on (count, distinct count, sum, ...). */
  value?: number;
}

/** Public-contract shapes (response `data`). Extra evidence fields are additive. */
export interface TimelineEntry {
  timestamp: string;
  description: string;
  /** Evidence: events and rules behind this step. */
  event_indices?: number[];
  rule_ids?: string[];
  count?: number;
}

export interface Indicator {
  type: string;
  value: string;
  role: string;
  /** Evidence: events naming it, and the threat-intel labels it matched. */
  event_indices?: number[];
  intel?: string[];
}

export interface TechniqueMapping {
  technique_id: string;
  name: string;
  tactic: string;
  confidence: number;
  /** Evidence: rules and events behind the mapping. */
  rule_ids?: string[];
  event_indices?: number[];
  /** On a technique listed because sub-techniques of it were found: those sub-techniques. */
  sub_techniques?: string[];
}

/** The model-free result of the deterministic stage: what the narrators (template or LLM) write from. */
export interface Findings {
  scope: Scope;
  context?: string;
  severity: Severity;
  /** Why the severity is what it is, one reason a line (for narrators and reviewers). */
  severityReasons: string[];
  timeline: TimelineEntry[];
  indicators: Indicator[];
  /** Most specific techniques found (what narrators and severity reason about). */
  techniques: TechniqueMapping[];
  /** The response's attack_mapping: `techniques` plus the parent of each sub-technique. */
  attackMapping?: TechniqueMapping[];
  /** Attack chains found, most important first. */
  chains: AttackChain[];
  detections: DetectionHit[];
  correlations: CorrelationHit[];
  stats: AnalysisStats;
  /** ATT&CK mitigations for the mapped techniques, most useful first (feeds recommendations). */
  mitigations?: MitigationRef[];
  /** Campaign scope: one summary per incident (attack chain cluster), most severe first. */
  incidents?: IncidentSummary[];
  /** Artifact scope: the artifact analysed and what it decodes to. */
  artifact?: ArtifactReport;
}

export interface MitigationRef {
  id: string;
  name: string;
  /** Mapped techniques this mitigation addresses. */
  techniques: string[];
}

export interface IncidentSummary {
  id: string;
  severity: Severity;
  summary: string;
  first_seen?: string;
  last_seen?: string;
  techniques: string[];
  /** Key indicator values (attacker, compromised accounts, hosts). */
  indicators: string[];
  event_count: number;
}

export interface ArtifactReport {
  /** `command_line`, `script`, `url`, `file` or `text`. */
  type: string;
  /** Event the artifact came from. */
  event_index?: number;
  original: string;
  /** Innermost decoded form (same as original when nothing was encoded). */
  decoded: string;
  layers: { method: string; text: string }[];
  /** Behaviours recognised in the artifact (e.g. "Download of a remote file"). */
  traits: string[];
}

export interface AttackChain {
  id: string;
  /** Kill-chain ordered steps. */
  steps: ChainStep[];
  entities: string[];
  severity: Severity;
  firstTime?: number;
  lastTime?: number;
}

export interface ChainStep {
  stage: string;
  description: string;
  event_indices: number[];
  rule_ids: string[];
  techniques: string[];
  time?: number;
}

export interface AnalysisStats {
  events: number;
  /** Events recognised per format id. */
  formats: Record<string, number>;
  /** Events without a usable timestamp (ordered by position). */
  untimed: number;
  /** Events that at least one rule matched. */
  matched: number;
  rulesLoaded: number;
}

/** The narrative fields of the contract. */
export interface Narrative {
  summary: string;
  impact: string;
  root_cause: string;
  recommendations: string[];
}

export interface NarrativeProvenance {
  source: 'llm' | 'deterministic';
  provider?: string;
  model?: string;
  fallback_reason?: string;
}

/** Response `data` exactly as the contract names it. */
export interface AnalysisData extends Narrative {
  severity: Severity;
  timeline: TimelineEntry[];
  indicators: Indicator[];
  attack_mapping: TechniqueMapping[];
  /** Additive, campaign scope only. */
  incidents?: IncidentSummary[];
  /** Additive, artifact scope only. */
  artifact?: ArtifactReport;
}
