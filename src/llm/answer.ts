/**
 * Everything a model answer must pass before it replaces the deterministic text: schema, shape,
 * grounding (no entity absent from the findings) and consistency with the verdict.
 */
import type { Narrative, Severity } from '../engine/model';
import type { GroundingIndex } from './grounding';
import { NarrativeAnswerSchema } from './prompts/narrative.v1';
import { unmark } from './spotlight';

export type AnswerRejection = 'malformed_output' | 'ungrounded_output' | 'contradicts_findings';

export type AnswerCheck = { ok: true; narrative: Narrative } | { ok: false; reason: AnswerRejection; detail: string };

export const ANSWER_LIMITS = { summary: 2000, impact: 1500, root_cause: 1500, recommendation: 500, recommendations: 10 } as const;

const BENIGN_CLAIM =
  /\b(?:is|are|was|were|be|appears? to be|seems? to be|looks? to be|deemed|considered|rated)\s+(?:entirely\s+|completely\s+|likely\s+|probably\s+|most likely\s+)?(?:benign|harmless|a false positive|false positives|legitimate activity|not malicious)\b|\bno (?:evidence of )?(?:malicious|suspicious) activity\b|\bno (?:further )?(?:action|response) (?:is )?(?:needed|required)\b/i;
// Sentences reporting a manipulation attempt may quote "benign" without claiming it.
const REPORTED_SPEECH = /inject|manipulat|instruct|attempt|ask|request|claim|tamper|mislead|trick|embedded|prompt/i;

export interface AnswerContext {
  grounding: GroundingIndex;
  severity: Severity;
  marker: string;
}

function malformed(detail: string): AnswerCheck {
  return { ok: false, reason: 'malformed_output', detail };
}

function cleanRecommendations(items: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of items) {
    const text = unmark(item).replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '');
    const key = text.toLowerCase();
    if (!text || seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
  return out;
}

function shapeProblem(n: Narrative, marker: string): string | undefined {
  for (const field of ['summary', 'impact', 'root_cause'] as const) {
    if (!n[field]) return `${field} is empty`;
    if (n[field].length > ANSWER_LIMITS[field]) return `${field} is longer than ${ANSWER_LIMITS[field]} characters`;
  }
  if (n.recommendations.length === 0) return 'no recommendations';
  if (n.recommendations.length > ANSWER_LIMITS.recommendations) return `more than ${ANSWER_LIMITS.recommendations} recommendations`;
  if (n.recommendations.some((r) => r.length > ANSWER_LIMITS.recommendation)) return 'a recommendation is too long';
  const all = [n.summary, n.impact, n.root_cause, ...n.recommendations].join('\n');
  if (all.includes(marker) || /\bDATA-[0-9a-f]{8,}\b/.test(all)) return 'the answer echoes the data marker';
  return undefined;
}

function claimsBenign(n: Narrative): string | undefined {
  for (const text of [n.summary, n.impact, n.root_cause]) {
    for (const sentence of text.split(/(?<=[.!?])\s+/)) {
      if (BENIGN_CLAIM.test(sentence) && !REPORTED_SPEECH.test(sentence)) return sentence;
    }
  }
  return undefined;
}

export function checkAnswer(answer: unknown, ctx: AnswerContext): AnswerCheck {
  const parsed = NarrativeAnswerSchema.safeParse(answer);
  if (!parsed.success) return malformed(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  const narrative: Narrative = {
    summary: unmark(parsed.data.summary),
    impact: unmark(parsed.data.impact),
    root_cause: unmark(parsed.data.root_cause),
    recommendations: cleanRecommendations(parsed.data.recommendations),
  };
  const problem = shapeProblem(narrative, ctx.marker);
  if (problem) return malformed(problem);
  const unknown = ctx.grounding.unknownEntities([narrative.summary, narrative.impact, narrative.root_cause, ...narrative.recommendations].join('\n'));
  if (unknown.length > 0) {
    return { ok: false, reason: 'ungrounded_output', detail: `names entities absent from the findings: ${unknown.map((m) => `${m.kind} ${m.value}`).join(', ')}` };
  }
  if (ctx.severity !== 'info' && ctx.severity !== 'low') {
    const sentence = claimsBenign(narrative);
    if (sentence) return { ok: false, reason: 'contradicts_findings', detail: `calls ${ctx.severity} activity benign: "${sentence.slice(0, 160)}"` };
  }
  return { ok: true, narrative };
}
