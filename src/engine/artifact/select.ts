import type { CanonicalEvent } from '../model';
import { analyseArtifact, type ArtifactAnalysis } from './index';

export interface SelectedArtifact {
  type: string;
  event: CanonicalEvent;
  text: string;
  analysis: ArtifactAnalysis;
}

const SCRIPT_FIELDS = ['ScriptBlockText', 'script_block', 'script', 'Payload', 'payload'];

function candidatesOf(e: CanonicalEvent): { type: string; text: string }[] {
  const out: { type: string; text: string }[] = [];
  for (const name of SCRIPT_FIELDS) {
    const v = e.fields[name];
    if (typeof v === 'string' && v.trim()) out.push({ type: 'script', text: v });
  }
  if (e.entities.commandLine) out.push({ type: 'command_line', text: e.entities.commandLine });
  if (e.entities.url) out.push({ type: 'url', text: e.entities.url });
  if (e.entities.file) out.push({ type: 'file', text: e.entities.file });
  if (e.entities.process && !e.entities.commandLine) out.push({ type: 'process', text: e.entities.process });
  return out;
}

/**
 * The artifact worth a deep dive: the one that hides the most (encoding layers), does the most
 * (recognised behaviours) and drew the most detections; longer text breaks ties.
 */
export function selectArtifact(events: CanonicalEvent[], signalWeight: (index: number) => number): SelectedArtifact | undefined {
  let best: SelectedArtifact | undefined;
  let bestScore = -1;
  for (const e of events) {
    for (const c of candidatesOf(e)) {
      const analysis = analyseArtifact(c.text);
      const score = analysis.layers.length * 20 + analysis.traits.length * 8 + signalWeight(e.index) * 3 + Math.min(10, c.text.length / 100)
        + (c.type === 'script' || c.type === 'command_line' ? 2 : 0);
      if (score > bestScore) {
        bestScore = score;
        best = { type: c.type, event: e, text: c.text, analysis };
      }
    }
  }
  return best;
}
