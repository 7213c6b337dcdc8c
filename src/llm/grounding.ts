/**
 * Grounding check for model-written text: every entity-like token (IP, domain, hash, file name,
 * technique id, DOMAIN\user, e-mail, CVE, host-like name) the model names must already be in the
 * findings. Pure code, no LangChain, so it can be tested and reused on its own.
 */
import { isIPv6 } from 'net';
import ipaddr from 'ipaddr.js';
import type { Findings } from '../engine/model';
import { looksLikePromptInjection, normalizeForMatching } from '../engine/injection';

export type EntityKind =
  | 'ipv4'
  | 'ipv6'
  | 'email'
  | 'hash'
  | 'technique'
  | 'cve'
  | 'account'
  | 'domain_or_file'
  | 'host'
  | 'identifier';

export interface EntityMention {
  kind: EntityKind;
  /** Canonical form used for comparison (lower case; IPv6 compressed; technique ids upper case). */
  value: string;
}

const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g;
const IPV6_CANDIDATE = /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?(?![\w:])/g;
const EMAIL = /\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b/g;
const HASH = /\b(?:[A-Fa-f0-9]{128}|[A-Fa-f0-9]{64}|[A-Fa-f0-9]{40}|[A-Fa-f0-9]{32})\b/g;
const TECHNIQUE = /\bT\d{4}(?:\.\d{3})?\b/g;
const CVE = /\bCVE-\d{4}-\d{4,7}\b/gi;
const ACCOUNT = /(?<![\\:\w.$-])([A-Za-z][\w.-]{0,30})\\([\w$-](?:[\w.$-]{0,62}[\w$-])?)(?![\\\w])/g; // a sentence's final period is not part of the name
const DOTTED = /(?<![\w@.-])(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})\.)+[A-Za-z][A-Za-z0-9-]{1,23}(?![\w-]|\.\w)/g;
const HYPHEN_HOST = /(?<![\w.-])(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+(?![\w.-]|\.\w)/g;
const CAPS_HOST = /(?<![\w.-])[A-Z]{2,}[0-9]{2,}[A-Z0-9]*(?![\w-])/g;
const IDENTIFIER = /(?<![\w.-])(?:[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+|[A-Za-z][\w-]{1,30}\$)(?![\w-])/g;

/** Dotted words of ordinary prose and product names that are not evidence. */
const DOTTED_STOPLIST = new Set(['e.g', 'i.e', 'node.js', 'asp.net', 'vue.js', 'next.js', 'react.js', 'ph.d', 'a.m', 'p.m', 'u.s']);
const HYPHEN_PREFIX_STOPLIST =
  /^(?:tier|level|layer|top|phase|step|stage|sha|md|utf|iso|rfc|x86|x64|windows|server|sql|tls|ssl|http|ipv|smb|smbv|ntlm|ntlmv|type|event|eventid|id|port|rc|aes|des|cwe|ms|ws|covid|office|microsoft|nist|pci|soc|gdpr|log4j|cis|sp|owasp|mitre|att|p\d*)-/i;
const NUMBER_WORD = /^\d+-[A-Za-z]+$/;
/** `Base64-encoded`, `x64-based`, `Log4j-style`: a technical word plus an ordinary English suffix. */
const PROSE_SUFFIX =
  /-(?:encoded|decoded|based|bits?|bytes?|days?|hours?|minutes?|min|seconds?|sec|weeks?|months?|years?|only|like|style|level|related|enabled|disabled|signed|compatible|char(?:acter)?s?|digits?|factor|steps?|hops?|stages?|encrypted|compliant|capable|aware|specific|wide|class|grade|series|hosted|protected|formatted|compressed|obfuscated|packed|driven|powered|era|format)$/i;
const CAPS_STOPLIST = /^(?:RFC|ISO|CWE|NIST|SP|PCI|SOC|CIS|SHA|AES|TLS|SSL|HTTP|WIN|UTF|MD|PS|SMBV?|NTLMV?|M|O|X|IPV|TCP|UDP|DNS)\d+$/;

function collect(text: string, re: RegExp, kind: EntityKind, canon: (s: string) => string | undefined, out: EntityMention[]): void {
  for (const m of text.matchAll(re)) {
    const value = canon(m[0]);
    if (value) out.push({ kind, value });
  }
}

const lower = (s: string): string => s.toLowerCase();

function canonIpv6(s: string): string | undefined {
  const bare = s.replace(/%\w+$/, '');
  if (!isIPv6(bare) || (bare.match(/:/g) ?? []).length < 2) return undefined;
  return ipaddr.parse(bare).toString();
}

function canonDotted(s: string): string | undefined {
  const v = s.toLowerCase();
  if (DOTTED_STOPLIST.has(v)) return undefined;
  return v;
}

function canonHyphenHost(s: string): string | undefined {
  if (HYPHEN_PREFIX_STOPLIST.test(s) || NUMBER_WORD.test(s) || PROSE_SUFFIX.test(s) || /^CVE-/i.test(s) || /^T\d{4}/.test(s)) return undefined;
  if (/^\d[\d-]*$/.test(s) || /^\d{4}-\d{2}-\d{2}/.test(s)) return undefined; // numbers, ranges, dates and ISO timestamps
  return s.toLowerCase();
}

function canonCaps(s: string): string | undefined {
  if (CAPS_STOPLIST.test(s) || /^T\d{4}$/.test(s) || /^CVE\d/.test(s)) return undefined;
  return s.toLowerCase();
}

/** Every entity-like token in the text, in a canonical form. */
export function extractEntities(input: string): EntityMention[] {
  const text = normalizeForMatching(input);
  const out: EntityMention[] = [];
  collect(text, EMAIL, 'email', lower, out);
  collect(text, IPV4, 'ipv4', (s) => s, out);
  collect(text, IPV6_CANDIDATE, 'ipv6', canonIpv6, out);
  collect(text, HASH, 'hash', lower, out);
  collect(text, TECHNIQUE, 'technique', (s) => s.toUpperCase(), out);
  collect(text, CVE, 'cve', (s) => s.toUpperCase(), out);
  collect(text, ACCOUNT, 'account', (s) => (/^(?:HK[A-Z_]*|[A-Za-z])\\/i.test(s) ? undefined : s.toLowerCase()), out);
  collect(text, DOTTED, 'domain_or_file', canonDotted, out);
  collect(text, HYPHEN_HOST, 'host', canonHyphenHost, out);
  collect(text, CAPS_HOST, 'host', canonCaps, out);
  collect(text, IDENTIFIER, 'identifier', lower, out);
  return out;
}

function stringsOf(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).flatMap(stringsOf);
  return [];
}

/**
 * The evidence a narrative may name. Free text that itself reads as instructions to a model
 * (prompt injection inside a log line) never vouches for an entity, even when it is quoted in the findings.
 */
export class GroundingIndex {
  private readonly entities = new Set<string>();
  private readonly words = new Set<string>();

  private constructor() {}

  static fromFindings(findings: Findings): GroundingIndex {
    const index = new GroundingIndex();
    const trusted: string[] = [];
    const freeText: string[] = [];
    if (findings.context) freeText.push(findings.context);
    freeText.push(...findings.severityReasons);
    for (const entry of findings.timeline) freeText.push(entry.description);
    for (const indicator of findings.indicators) trusted.push(indicator.value);
    for (const technique of findings.techniques) {
      trusted.push(technique.technique_id, technique.technique_id.split('.')[0], technique.name);
    }
    for (const chain of findings.chains) {
      trusted.push(...chain.entities);
      for (const step of chain.steps) {
        freeText.push(step.description);
        trusted.push(...step.techniques, ...step.techniques.map((t) => t.split('.')[0]));
      }
    }
    for (const hit of findings.detections) trusted.push(hit.rule.title);
    for (const hit of findings.correlations) trusted.push(hit.rule.title, ...stringsOf(hit.group));
    for (const text of new Set(trusted)) index.add(text, true);
    for (const text of new Set(freeText)) {
      if (!looksLikePromptInjection(text)) index.add(text, false);
    }
    return index;
  }

  /** A whole value (indicator, chain entity, group value) also counts verbatim: `admin`, `CORP\jdoe`. */
  private add(text: string, wholeValue: boolean): void {
    const normalized = normalizeForMatching(text).toLowerCase();
    if (wholeValue && normalized) this.entities.add(normalized);
    for (const mention of extractEntities(text)) this.entities.add(mention.value.toLowerCase());
    for (const word of normalized.split(/[^\w.$-]+/)) if (word) this.words.add(word);
  }

  /** Is this mention backed by the findings? */
  knows(mention: EntityMention): boolean {
    const value = mention.value.toLowerCase();
    if (this.entities.has(value)) return true;
    if (mention.kind !== 'account') return false;
    const [domain, user] = value.split('\\');
    return this.words.has(user) && this.words.has(domain);
  }

  /** Entities named in the text that the findings do not contain (deduplicated, in order of appearance). */
  unknownEntities(text: string): EntityMention[] {
    const seen = new Set<string>();
    const unknown: EntityMention[] = [];
    for (const mention of extractEntities(text)) {
      const key = `${mention.kind}:${mention.value}`;
      if (seen.has(key) || this.knows(mention)) continue;
      seen.add(key);
      unknown.push(mention);
    }
    return unknown;
  }
}
