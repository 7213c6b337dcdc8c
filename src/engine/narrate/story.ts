import type { ChainStep, Findings, Indicator } from '../model';
import { NO_OBJECTS, phraseOf, RESTATES, STEP_OBJECT_ROLES } from './phrases';

/** One behaviour of the main chain, in words, with the evidence it rests on. */
export interface StoryClause {
  techniqueId: string;
  confidence: number;
  clause: string;
  position: number;
  time?: number;
}

interface Candidate {
  id: string;
  name?: string;
  confidence: number;
  position: number;
  time?: number;
  events: Set<number>;
  steps: ChainStep[];
}

const MAX_CLAUSES = 5;
const OUTCOME_TACTICS = new Set(['Collection', 'Exfiltration', 'Impact']);
/** A lone rule below this confidence is detail for attack_mapping, not the summary. */
const WEAK_CONFIDENCE = 75;
/** Attempts come before the logon they led to when both sit in the same step. */
const ATTEMPT_FIRST = ['T1595', 'T1110', 'T1621', 'T1566', 'T1190', 'T1204'];
/** How the attacker then got onto the system: told right after the attempts, before what they did there. */
const ENTRY_NEXT = ['T1078', 'T1133', 'T1021'];

/** Brute force and spraying in one run are one attempt, told once. */
/** A foothold is an account, task, service or file; the program that made it is not. */
const FOOTHOLD_ROLES = new Set(['persistence', 'created_account']);
const ONE_CLAUSE_FAMILIES = new Set(['T1110']);

const isHeuristic = (s: ChainStep): boolean => s.rule_ids.some((r) => r.startsWith('lantern.'));
const parentOf = (id: string): string => id.split('.')[0];

function candidatesOf(f: Findings): Candidate[] {
  const chain = f.chains[0];
  if (!chain) return [];
  const mapped = new Map(f.techniques.map((t) => [t.technique_id, t]));
  // A sub-technique stands in for its parent only when this chain's own rules found it (a campaign
  // holds other incidents: a cloud sign-in elsewhere says nothing about a Windows logon here).
  const chainRules = new Set(chain.steps.flatMap((st) => st.rule_ids));
  const listed = new Map((f.attackMapping ?? []).map((t) => [t.technique_id, t]));
  const resolve = (id: string): string | undefined => {
    if (mapped.has(id)) return id;
    const child = f.techniques.find((t) => parentOf(t.technique_id) === id && (t.rule_ids === undefined || t.rule_ids.some((r) => chainRules.has(r))));
    if (child) return child.technique_id;
    if (mapped.has(parentOf(id))) return parentOf(id);
    if (listed.has(id)) {
      mapped.set(id, listed.get(id) as (typeof f.techniques)[number]);
      return id;
    }
    return undefined;
  };
  const stageRank = new Map<string, number>();
  for (const step of chain.steps) if (!stageRank.has(step.stage)) stageRank.set(step.stage, stageRank.size);
  const out = new Map<string, Candidate>();
  chain.steps.forEach((step) => {
    const position = stageRank.get(step.stage) ?? 0;
    for (const id of new Set(step.techniques.map(resolve).filter((x): x is string => x !== undefined))) {
      const t = mapped.get(id);
      if (!t) continue;
      const c = out.get(id) ?? { id, name: t.name, confidence: t.confidence, position, time: step.time, events: new Set<number>(), steps: [] };
      c.steps.push(step);
      for (const e of step.event_indices) c.events.add(e);
      if (step.time !== undefined && (c.time === undefined || step.time < c.time)) c.time = step.time;
      out.set(id, c);
    }
  });
  // A technique belongs to the stage most of its steps were filed under, and happened when its own
  // evidence did: a correlation spanning several behaviours starts with the earliest of them.
  for (const c of out.values()) {
    const own = c.steps.filter((st) => st.techniques.length === 1 && st.time !== undefined).map((st) => st.time as number);
    if (own.length > 0) c.time = Math.min(...own);
    const votes = new Map<number, number>();
    for (const st of c.steps) votes.set(stageRank.get(st.stage) ?? 0, (votes.get(stageRank.get(st.stage) ?? 0) ?? 0) + 1);
    c.position = [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  }
  return [...out.values()];
}

/**
 * One event, one reading: a technique resting on a single Sigma rule whose events another,
 * better-supported behaviour already explains is a side reading, not a step of the story.
 */
function isSideReading(c: Candidate, all: Candidate[]): boolean {
  if (c.steps.length > 1 || c.steps.some(isHeuristic)) return false;
  if (c.confidence < WEAK_CONFIDENCE) return true;
  const stronger = all.filter((o) => o !== c && (o.steps.length > 1 || o.steps.some(isHeuristic)));
  return [...c.events].every((e) => stronger.some((o) => o.events.has(e)));
}

function objectsOf(f: Findings, c: Candidate, exclude: Set<string>): string[] {
  const named = (i: Indicator): string => (i.intel && i.intel.length > 0 ? `${i.value} (${i.intel.join(', ')})` : i.value);
  if (NO_OBJECTS.has(parentOf(c.id))) return [];
  const tactic = f.techniques.find((t) => t.technique_id === c.id)?.tactic ?? '';
  const roles = STEP_OBJECT_ROLES[tactic];
  if (!roles) return [];
  const inChain = new Set((f.chains[0]?.entities ?? []).map((e) => e.slice(e.indexOf(':') + 1).toLowerCase()));
  return f.indicators
    .filter((i) => roles.includes(i.role) && !(i.type === 'process' && FOOTHOLD_ROLES.has(i.role)) && inChain.has(i.value.toLowerCase()) && !exclude.has(i.value.toLowerCase()) && (i.event_indices ?? []).some((e) => c.events.has(e)))
    .slice(0, 2)
    .map(named);
}

const REMOTE_MODIFIER: Record<string, string> = { 'T1021.001': ' over RDP', 'T1021.004': ' over SSH', 'T1021.006': ' over WinRM' };

/** Valid-account logon, remote service and external exposure tell one story: "logged on over SSH from the internet". */
function logonClause(selected: Candidate[], accounts: string[]): { clause: string; used: Set<string> } | undefined {
  const logon = selected.find((c) => parentOf(c.id) === 'T1078');
  if (!logon) return undefined;
  const used = new Set([logon.id]);
  const remote = selected.find((c) => REMOTE_MODIFIER[c.id]);
  const exposed = selected.find((c) => c.id === 'T1133');
  if (remote) used.add(remote.id);
  if (exposed) used.add(exposed.id);
  const verb = logon.id === 'T1078.004' ? 'signed in' : 'logged on';
  const over = remote ? REMOTE_MODIFIER[remote.id] : '';
  const internet = exposed ? ' from the internet' : '';
  const account = accounts.length > 0 ? ` as ${accounts.slice(0, 2).join(' and ')}` : '';
  const kind = logon.id === 'T1078.001' ? (account ? ' (a default administrative account)' : ' with a default administrative account') : account ? '' : ' with valid credentials';
  return { clause: `${verb}${over}${internet}${account}${kind}`, used };
}

/** The main chain's behaviours in kill-chain order, strongest first when there are many, one clause each. */
export function storyClauses(f: Findings, accounts: string[]): StoryClause[] {
  const all = candidatesOf(f);
  const kept = all.filter((c) => !isSideReading(c, all));
  // A sub-technique says more than its parent.
  const specific = kept.filter((c) => !kept.some((o) => o.id !== c.id && parentOf(o.id) === c.id));
  const top = [...specific].sort((a, b) => b.confidence - a.confidence || b.steps.length - a.steps.length).slice(0, MAX_CLAUSES + 2);
  // Attempts (scans, guessing, MFA prompts, lures, exploits) led to the access: told first, in the order they happened.
  // "then" means later: after the attempts and the entry, behaviours are told in the order they happened.
  const ordered = top.sort((a, b) => attemptRank(a) - attemptRank(b) || (a.time ?? 0) - (b.time ?? 0) || a.position - b.position || Math.min(...a.events) - Math.min(...b.events));
  const logon = logonClause(ordered, accounts);
  const exclude = new Set(accounts.map((a) => a.toLowerCase()));
  const clauses: StoryClause[] = [];
  const seen = new Set<string>();
  for (const c of ordered) {
    if (logon?.used.has(c.id)) {
      if (seen.has(logon.clause)) continue;
      seen.add(logon.clause);
      clauses.push({ techniqueId: c.id, confidence: Math.max(...ordered.filter((o) => logon.used.has(o.id)).map((o) => o.confidence)), clause: logon.clause, position: c.position, time: c.time });
      continue;
    }
    const phrase = phraseOf(c.id, c.name) + (parentOf(c.id) === 'T1621' && approved(f) ? ' until one was approved' : '');
    const restated = RESTATES[parentOf(c.id)];
    const family = ONE_CLAUSE_FAMILIES.has(parentOf(c.id)) ? `family:${parentOf(c.id)}` : phrase;
    if (seen.has(phrase) || seen.has(family) || (restated && ordered.some((o) => parentOf(o.id) === restated))) continue;
    seen.add(phrase);
    seen.add(family);
    const objects = objectsOf(f, c, exclude);
    for (const o of objects) exclude.add(o.toLowerCase());
    clauses.push({ techniqueId: c.id, confidence: c.confidence, clause: objects.length > 0 ? `${phrase} (${objects.join(', ')})` : phrase, position: c.position, time: c.time });
  }
  if (clauses.length <= MAX_CLAUSES) return clauses;
  // Too many to tell: keep how it ended (collection, exfiltration, impact: what the business lost) and
  // the strongest of the rest, still in story order.
  const outcome = (c: StoryClause): number => (OUTCOME_TACTICS.has(f.techniques.find((t) => t.technique_id === c.techniqueId)?.tactic ?? '') ? 1 : 0);
  const strongest = new Set([...clauses].sort((a, b) => outcome(b) - outcome(a) || b.confidence - a.confidence).slice(0, MAX_CLAUSES));
  return clauses.filter((c) => strongest.has(c));
}

/** The MFA flood worked only when a success heuristic saw the approved sign-in. */
function approved(f: Findings): boolean {
  return (f.chains[0]?.steps ?? []).some((st) => st.rule_ids.some((r) => r.includes('mfa_fatigue_success')));
}

function attemptRank(c: Candidate): number {
  if (ATTEMPT_FIRST.includes(parentOf(c.id))) return 0;
  return ENTRY_NEXT.includes(parentOf(c.id)) ? 1 : 2;
}
