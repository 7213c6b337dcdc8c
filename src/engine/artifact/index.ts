import { extractFromText, type TextIndicator } from '../indicators/extract';
import { decodeLayers, type DecodeLayer } from './decode';
import { commandTraits, type CommandTrait } from './traits';

export { decodeLayers, decodeBase64Text } from './decode';
export type { DecodeLayer } from './decode';
export { commandTraits } from './traits';
export type { CommandTrait } from './traits';

export interface ArtifactAnalysis {
  original: string;
  layers: DecodeLayer[];
  /** The innermost readable form. */
  decoded: string;
  /** Indicators in the original and every decoded layer. */
  indicators: TextIndicator[];
  traits: CommandTrait[];
}

export function analyseArtifact(text: string): ArtifactAnalysis {
  const layers = decodeLayers(text);
  const decoded = layers.length > 0 ? layers[layers.length - 1].text : text;
  const all = [text, ...layers.map((l) => l.text)].join('\n');
  const seen = new Set<string>();
  const indicators = extractFromText(all).filter((i) => {
    const key = `${i.type}:${i.value.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const traitIds = new Set<string>();
  const traits = commandTraits(all).filter((t) => !traitIds.has(t.id) && traitIds.add(t.id));
  return { original: text, layers, decoded, indicators, traits };
}
