import type { TechniqueMapping } from '../model';
import type { Signal } from '../correlate/signal';

/** See README.md in this folder for the formula and its reasoning. */
export const LEVEL_BASE: Record<string, number> = {
  critical: 80,
  high: 70,
  medium: 55,
  low: 35,
  informational: 15,
};

const STATUS_ADJUST: Record<string, number> = {
  stable: 5,
  test: 2,
  heuristic: 0,
  experimental: -3,
  deprecated: -10,
  unsupported: -10,
};

/** Highest confidence a technique backed only by informational rules can get (below the reporting floor of 20). */
export const INFORMATIONAL_CAP = 19;

/** Signals below this (low-level rules) are lifted by a stronger chain they sit in. */
const WEAK_SIGNAL = LEVEL_BASE.medium;

/** A rule naming this many distinct techniques cannot say which one happened (hack-tool and catch-all hunting rules). */
const AMBIGUOUS_SPREAD = 3;

/** Distinct techniques (sub-techniques counted under their parent) a signal's rule names. */
export function techniqueSpread(s: Signal): number {
  return new Set(s.techniques.map((id) => id.split('.')[0])).size;
}

export function signalConfidence(s: Signal): number {
  let c = LEVEL_BASE[(s.rule.level ?? '').toLowerCase()] ?? 35;
  const spread = techniqueSpread(s);
  // Each technique of a broad rule is one guess among several: -6 for 3, -10 for 4, -20 for 8.
  if (spread >= AMBIGUOUS_SPREAD) c -= Math.round(10 * Math.log2(spread / 2));
  c += STATUS_ADJUST[(s.rule.status ?? '').toLowerCase()] ?? 0;
  if (s.kind === 'correlation') c += 5;
  if (s.outcome === 'success') c += 5;
  if (s.outcome === 'failure') c -= 15;
  return c;
}

export interface ConfidenceInput {
  signals: Signal[];
  /** Distinct events behind the technique. */
  events: number;
  /** The technique sits in the most important chain, and that chain spans several kill-chain stages. */
  inMultiStageChain: boolean;
  /** Strongest signal confidence in that chain (when inMultiStageChain). */
  chainStrength?: number;
}

export function techniqueConfidence(input: ConfidenceInput): number {
  if (input.signals.length === 0) return 0;
  const own = Math.max(...input.signals.map(signalConfidence));
  const best = Math.max(own, chainLift(input) ?? own);
  const independent = new Set(input.signals.map((s) => s.rule.id)).size;
  const corroboration = Math.min(15, 6 * (independent - 1));
  const volume = Math.min(8, 3 * Math.log2(Math.max(1, input.events)));
  const chain = input.inMultiStageChain ? 5 : 0;
  const score = Math.max(1, Math.min(99, Math.round(best + corroboration + volume + chain)));
  // Informational rules describe normal activity, and a low-level rule naming several techniques is
  // a hunting lead, not a finding: alone they never reach the reporting floor.
  return input.signals.every(isLead) ? Math.min(score, INFORMATIONAL_CAP) : score;
}

/**
 * A low-level step (whoami) inside a chain that stronger evidence ties to an intrusion is attacker
 * activity, not an administrator's: it inherits half the distance to the chain's strongest signal.
 * A broad rule (Net.EXE Execution) is not lifted: the chain makes the step hostile, not its guess right.
 */
function chainLift(input: ConfidenceInput): number | undefined {
  if (!input.inMultiStageChain || input.chainStrength === undefined) return undefined;
  const focused = input.signals.filter((s) => techniqueSpread(s) < AMBIGUOUS_SPREAD).map(signalConfidence);
  if (focused.length === 0) return undefined;
  const ownFocused = Math.max(...focused);
  return ownFocused < WEAK_SIGNAL ? Math.round((ownFocused + input.chainStrength) / 2) : undefined;
}

function isLead(s: Signal): boolean {
  const level = (s.rule.level ?? '').toLowerCase();
  return level === 'informational' || (level === 'low' && techniqueSpread(s) >= AMBIGUOUS_SPREAD);
}

/** Highest confidence first; ties by id, so a technique precedes its own sub-techniques. */
export function byConfidence(a: TechniqueMapping, b: TechniqueMapping): number {
  return b.confidence - a.confidence || a.technique_id.localeCompare(b.technique_id);
}
