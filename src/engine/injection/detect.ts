/**
 * Prompt-injection detector for event text. Log fields are written by the party under analysis,
 * and a narrator built on a language model reads them; text that addresses such a model is itself
 * a finding (an attacker trying to steer the report). Pure and framework-free: the analysis stage
 * calls it to add an indicator / timeline note; nothing else about the verdict changes.
 */
import { hasInvisible, normalizeForMatching } from './sanitize';

export type InjectionSignal =
  | 'instruction_override'
  | 'role_hijack'
  | 'chat_markup'
  | 'verdict_tampering'
  | 'evidence_tampering'
  | 'model_addressed'
  | 'prompt_exfiltration';

export interface PromptInjectionFinding {
  /** The event's index (or the string's position when plain strings were given). */
  eventIndex: number;
  ref?: string;
  /** Dotted path of the field inside the event, e.g. `headers.user-agent`; empty for a plain string. */
  field: string;
  signals: InjectionSignal[];
  /** The matched text with some context, invisible characters removed, at most EXCERPT_MAX characters. */
  excerpt: string;
  /** The text hid characters (bidi overrides, zero-width) that were removed before matching. */
  hiddenCharacters: boolean;
}

/** What can be scanned: a plain string, or anything shaped like a CanonicalEvent. */
export type InjectionSubject = string | { index: number; ref?: string; raw?: unknown; fields?: Record<string, unknown> };

const EXCERPT_MAX = 200;
const MAX_DEPTH = 8;
const MAX_STRINGS_PER_EVENT = 2000;
const MAX_SCAN_CHARS = 20000;

/** Up to n characters within one sentence (a dot inside an IP or file name does not end it). */
const gap = (n: number): string => `(?:[^.!?\\n]|\\.(?=\\S)){0,${n}}?`;

const NOUNS = '(?:instructions?|prompts?|rules|directives|guidelines|guidance|commands|context|orders)';

const PATTERNS: ReadonlyArray<{ signal: InjectionSignal; re: RegExp }> = [
  {
    signal: 'instruction_override',
    re: new RegExp(
      `\\b(?:ignore|disregard|forget|override|bypass|discard)\\b${gap(40)}\\b(?:previous|prior|above|earlier|preceding|system|original|all|any|your|these|those|the)\\b${gap(20)}\\b${NOUNS}\\b`,
      'i',
    ),
  },
  { signal: 'instruction_override', re: /\bnew (?:instructions|task|objective)\s*:/i },
  {
    signal: 'role_hijack',
    re: /\byou are (?:now|no longer)\b|\bfrom now on,? you\b|\bpretend (?:to be|you are)\b|\byour new (?:role|task|instructions)\b/i,
  },
  {
    signal: 'chat_markup',
    re: /<\|im_(?:start|end)\|>|<\|(?:system|assistant|user|endoftext)\|>|\[\/?INST\]|<<\/?SYS>>|^\s*#{2,}\s*(?:system|instruction)s?\b/im,
  },
  {
    signal: 'verdict_tampering',
    re: /\b(?:mark|classify|label|treat|report|flag|consider|rate|declare)\b(?:[^.!?\n]|\.(?=\S)){0,40}?\b(?:as\s+)?(?:benign|harmless|safe|clean|false[ -]positives?|not malicious|non-malicious|legitimate)\b/i,
  },
  {
    signal: 'verdict_tampering',
    re: /\b(?:set|change|lower|downgrade|reduce)\b(?:[^.!?\n]|\.(?=\S)){0,20}?\bseverity\b(?:[^.!?\n]|\.(?=\S)){0,15}?\b(?:to|as|=)\s*(?:info|informational|low|none|zero)\b/i,
  },
  {
    signal: 'evidence_tampering',
    re: /\b(?:report|add|list|name|mark|set|identify|attribute)\b(?:[^.!?\n]|\.(?=\S)){0,60}?\bas (?:the |an? )?(?:attacker|threat actor|malicious (?:ip|host|actor)|source of the attack|culprit)\b/i,
  },
  {
    signal: 'evidence_tampering',
    re: /\b(?:do not|don't|never)\s+(?:report|mention|flag|alert|include|list|escalate|log)\b/i,
  },
  {
    signal: 'model_addressed',
    re: /\b(?:note|message|attention|instructions?|hey|dear)\s+(?:to|for)?\s*(?:the\s+)?(?:ai|llm|assistant|chatbot|language model|gpt|claude|soc (?:ai|bot)|ai analyst)\b/i,
  },
  {
    signal: 'model_addressed',
    re: /\b(?:ai|llm|assistant|language model|chatbot)s?\b(?:[^.!?\n]|\.(?=\S)){0,20}?\b(?:must|should|shall|will|need to|are instructed to)\b/i,
  },
  {
    signal: 'prompt_exfiltration',
    re: /\b(?:reveal|print|repeat|output|show|leak)\b(?:[^.!?\n]|\.(?=\S)){0,20}?\b(?:your|the)\s+(?:system prompt|hidden prompt|initial prompt|instructions)\b/i,
  },
];

function signalsOf(text: string): { signals: InjectionSignal[]; at: number } {
  const found = new Set<InjectionSignal>();
  let at = -1;
  for (const { signal, re } of PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    found.add(signal);
    if (at < 0 || m.index < at) at = m.index;
  }
  return { signals: [...found].sort(), at };
}

function excerptAround(text: string, at: number): string {
  if (text.length <= EXCERPT_MAX) return text;
  const start = Math.max(0, Math.min(at - 40, text.length - EXCERPT_MAX));
  const body = text.slice(start, start + EXCERPT_MAX - 2);
  return `${start > 0 ? '…' : ''}${body}${start + EXCERPT_MAX - 2 < text.length ? '…' : ''}`;
}

function collectStrings(value: unknown, path: string, depth: number, out: Array<{ path: string; text: string }>): void {
  if (out.length >= MAX_STRINGS_PER_EVENT) return;
  if (typeof value === 'string') {
    out.push({ path, text: value.length > MAX_SCAN_CHARS ? value.slice(0, MAX_SCAN_CHARS) : value });
    return;
  }
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => collectStrings(item, `${path}[${i}]`, depth + 1, out));
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    collectStrings(item, path ? `${path}.${key}` : key, depth + 1, out);
  }
}

function scanText(text: string): { signals: InjectionSignal[]; excerpt: string; hidden: boolean } | undefined {
  const normalized = normalizeForMatching(text);
  const { signals, at } = signalsOf(normalized);
  if (signals.length === 0) return undefined;
  return { signals, excerpt: excerptAround(normalized, at), hidden: hasInvisible(text) };
}

function subjectStrings(subject: InjectionSubject): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  if (typeof subject === 'string') {
    collectStrings(subject, '', 0, out);
    return out;
  }
  // The original event is scanned, not the alias view, so each field is reported once under its own name.
  collectStrings(subject.raw !== undefined ? subject.raw : subject.fields, '', 0, out);
  return out;
}

/**
 * Finds instruction-like text (addressed to a language model) in events or strings.
 * One finding per field that matched, in input order. Never throws on odd input.
 */
export function detectPromptInjection(subjects: Iterable<InjectionSubject>): PromptInjectionFinding[] {
  const findings: PromptInjectionFinding[] = [];
  let position = 0;
  for (const subject of subjects) {
    const eventIndex = typeof subject === 'string' ? position : subject.index;
    const ref = typeof subject === 'string' ? undefined : subject.ref;
    position += 1;
    for (const { path, text } of subjectStrings(subject)) {
      const hit = scanText(text);
      if (!hit) continue;
      findings.push({ eventIndex, ref, field: path, signals: hit.signals, excerpt: hit.excerpt, hiddenCharacters: hit.hidden });
    }
  }
  return findings;
}

/** True when the text reads as instructions to a language model (used to distrust it as evidence). */
export function looksLikePromptInjection(text: string): boolean {
  return scanText(text) !== undefined;
}
