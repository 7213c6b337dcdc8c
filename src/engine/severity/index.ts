import type { Severity, TechniqueMapping } from '../model';
import { SEVERITIES } from '../model';
import type { Signal } from '../correlate/signal';
import { contextFactors } from './context';

export { contextFactors } from './context';
export type { ContextFactors } from './context';

export interface SeverityInput {
  signals: Signal[];
  techniques: TechniqueMapping[];
  context?: string;
  /** Kill-chain stages the main chain reached. */
  stages?: string[];
}

export interface SeverityAssessment {
  severity: Severity;
  reasons: string[];
}

const LEVEL_TO_SEVERITY: Record<string, Severity> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

const CREDENTIAL_THEFT = /^T1003|^T1558|^T1555|^T1552|^T1110\.002/;
const C2_OR_EXFIL = /^T1071|^T1048|^T1041|^T1567|^T1572|^T1090|^T1095|^T1105/;
const IMPACT = /^T1486|^T1490|^T1485|^T1489|^T1561|^T1529/;
const PERSISTENCE_OR_PRIVILEGE = /^T1136|^T1098|^T1053|^T1543|^T1547|^T1546|^T1505|^T1078/;
const ACCESS_GAINED = /brute_force_success|mfa_fatigue_success|external_logon_then_activity|remote_service_execution/;

/** A web shell that answered (HTTP success) is code execution on the server, as sure as a logon. */
function webShellAnswered(s: Signal): boolean {
  return s.outcome === 'success' && s.techniques.includes('T1505.003');
}
const POST_EXPLOITATION = new Set(['Execution', 'Persistence', 'Privilege Escalation', 'Stealth', 'Defense Impairment', 'Credential Access', 'Discovery', 'Lateral Movement', 'Collection', 'Command and Control', 'Exfiltration', 'Impact']);

function rank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

function atLeast(current: Severity, floor: Severity): Severity {
  return rank(current) >= rank(floor) ? current : floor;
}

function shift(s: Severity, by: number): Severity {
  return SEVERITIES[Math.max(0, Math.min(SEVERITIES.length - 1, rank(s) + by))];
}

/** What happened, how far it got, and where: the rules are documented in README.md. */
export function assessSeverity(input: SeverityInput): SeverityAssessment {
  const reasons: string[] = [];
  if (input.signals.length === 0) return { severity: 'info', reasons: ['No detection rule or behaviour heuristic matched'] };
  let severity = baseSeverity(input.signals, reasons);
  const ids = input.techniques.filter((t) => t.confidence >= 40).map((t) => t.technique_id);
  const accessGained = input.signals.some((s) => ACCESS_GAINED.test(s.rule.id) || webShellAnswered(s));
  const raise = (floor: Severity, reason: string): void => {
    if (rank(severity) < rank(floor)) reasons.push(reason);
    severity = atLeast(severity, floor);
  };
  if (accessGained) raise('high', 'The attacker obtained a valid session (successful logon after attack)');
  if (ids.some((id) => CREDENTIAL_THEFT.test(id))) raise('high', 'Credential material was targeted (credential dumping or ticket theft)');
  if (ids.some((id) => PERSISTENCE_OR_PRIVILEGE.test(id)) && strongestLevel(input.signals) >= 3) raise('high', 'Persistence or privileges were established');
  if (ids.some((id) => C2_OR_EXFIL.test(id))) raise('high', 'Command-and-control, tool transfer or exfiltration traffic was seen');
  if (ids.some((id) => IMPACT.test(id))) raise('critical', 'Destructive impact (encryption, backup or recovery deletion)');
  const stages = (input.stages ?? []).filter((s) => POST_EXPLOITATION.has(s));
  if (accessGained && stages.length >= 3) raise('critical', `Compromise progressed through ${stages.length} post-exploitation stages`);
  const context = contextFactors(input.context);
  const compromised = accessGained || rank(severity) >= rank('high');
  if (context.sensitive.length > 0 && compromised && rank(severity) < rank('critical')) {
    severity = shift(severity, 1);
    reasons.push(`Raised one level: sensitive asset (${context.sensitive.join(', ')})`);
  }
  if (context.benign.length > 0 && rank(severity) > rank('info')) {
    severity = shift(severity, -1);
    reasons.push(`Lowered one level: ${context.benign.join(', ')}`);
  }
  return { severity, reasons };
}

function strongestLevel(signals: Signal[]): number {
  return Math.max(...signals.map((s) => rank(LEVEL_TO_SEVERITY[(s.rule.level ?? '').toLowerCase()] ?? 'low')));
}

/** The highest rule level among signals; behaviour that only ever failed counts as an attempt (at most medium). */
function baseSeverity(signals: Signal[], reasons: string[]): Severity {
  let best: Severity = 'info';
  let bestSignal: Signal | undefined;
  for (const s of signals) {
    let level = LEVEL_TO_SEVERITY[(s.rule.level ?? '').toLowerCase()] ?? 'low';
    if (s.outcome === 'failure' && rank(level) > rank('medium')) level = 'medium';
    if (rank(level) > rank(best)) {
      best = level;
      bestSignal = s;
    }
  }
  if (bestSignal) reasons.push(`Highest-level finding: ${bestSignal.rule.title} (${bestSignal.rule.level}${bestSignal.outcome === 'failure' ? ', failed attempt' : ''})`);
  return best;
}
