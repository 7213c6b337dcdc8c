import * as path from 'node:path';
import { classifyValue, INTEL_KINDS, type ClassifiedValue, type IntelKind } from './values';

export type FeedFormat = 'list' | 'csv';

export interface FeedEntry {
  entry: ClassifiedValue;
  label: string;
  /** 1-based line in the feed file. */
  line: number;
}

export interface ParsedFeed {
  /** The feed's name: its file name without extension. */
  name: string;
  label: string;
  /** Restricts entries to one kind when the header says so (`# type: ip`). */
  type?: IntelKind;
  entries: FeedEntry[];
  /** Data lines that are neither an IP/CIDR, a domain nor a hash (or not of the declared type). */
  skipped: number;
}

/** Hosts-file style blocklists: `0.0.0.0 evil.example.com` names the domain, not the sink address. */
const SINK_ADDRESSES = new Set(['0.0.0.0', '127.0.0.1', '::', '::1']);
const ACRONYMS: Record<string, string> = {
  ip: 'IP', ips: 'IPs', ipv4: 'IPv4', ipv6: 'IPv6', c2: 'C2', cnc: 'C&C', dns: 'DNS', url: 'URL', urls: 'URLs',
  ssh: 'SSH', rdp: 'RDP', vpn: 'VPN', tor: 'Tor', ioc: 'IOC', iocs: 'IOCs', md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256',
};

/** `tor-exit-nodes.txt` -> `Tor exit node`; `known_c2_ips.csv` -> `Known C2 IP`. */
export function labelFromFileName(fileName: string): string {
  const base = path.basename(fileName).replace(/\.[^.]+$/, '');
  const words = base.split(/[-_.\s]+/).filter(Boolean);
  if (!words.length) return base;
  words[words.length - 1] = singular(words[words.length - 1]);
  const text = words.map((w) => ACRONYMS[w.toLowerCase()] ?? w.toLowerCase()).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function singular(word: string): string {
  const lower = word.toLowerCase();
  if (/(ss|sh|ch|x)es$/.test(lower)) return word.slice(0, -2);
  if (/[^aeiou]ies$/.test(lower)) return `${word.slice(0, -3)}y`;
  if (/[^su]s$/.test(lower)) return word.slice(0, -1);
  return word;
}

export function feedFormatOf(fileName: string): FeedFormat {
  return path.extname(fileName).toLowerCase() === '.csv' ? 'csv' : 'list';
}

/**
 * Parses one feed. Comment lines start with `#` (or `;`); header comments `# label: ...` and `# type: ip|domain|hash`
 * configure the feed. List lines hold one value (extra columns and trailing comments are ignored);
 * CSV lines hold `value,label` (an optional header row is recognised by a first cell that is no indicator).
 */
export function parseFeed(text: string, fileName: string): ParsedFeed {
  const format = feedFormatOf(fileName);
  const feed: ParsedFeed = {
    name: path.basename(fileName).replace(/\.[^.]+$/, ''),
    label: labelFromFileName(fileName),
    entries: [],
    skipped: 0,
  };
  let labelFromHeader = false;
  let sawData = false;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    if (line.startsWith('#') || line.startsWith(';')) {
      const directive = /^[#;]+\s*(label|type)\s*:\s*(.+?)\s*$/i.exec(line);
      if (!directive || sawData) return;
      const key = directive[1].toLowerCase();
      if (key === 'label' && !labelFromHeader) {
        feed.label = directive[2];
        labelFromHeader = true;
      } else if (key === 'type' && isKind(directive[2].toLowerCase())) {
        feed.type = directive[2].toLowerCase() as IntelKind;
      }
      return;
    }
    const firstData = !sawData;
    sawData = true;
    const parsed = format === 'csv' ? csvEntry(line, feed.label) : listEntry(line, feed.label);
    if (!parsed) {
      // The first CSV row may be a header such as `value,label`.
      if (!(format === 'csv' && firstData)) feed.skipped++;
      return;
    }
    if (feed.type && parsed.entry.kind !== feed.type) {
      feed.skipped++;
      return;
    }
    feed.entries.push({ ...parsed, line: i + 1 });
  });
  return feed;
}

function listEntry(line: string, label: string): Omit<FeedEntry, 'line'> | undefined {
  const tokens = line.replace(/\s+[#;].*$/, '').split(/[\s,]+/).filter(Boolean);
  if (!tokens.length) return undefined;
  const value = tokens.length > 1 && SINK_ADDRESSES.has(tokens[0]) ? tokens[1] : tokens[0];
  const entry = classifyValue(value);
  return entry ? { entry, label } : undefined;
}

function csvEntry(line: string, feedLabel: string): Omit<FeedEntry, 'line'> | undefined {
  const [value = '', label = ''] = splitCsvLine(line);
  const entry = classifyValue(value);
  if (!entry) return undefined;
  return { entry, label: label.trim() || feedLabel };
}

/** RFC 4180 fields of one line (quoted fields may contain commas and doubled quotes). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"' && current.trim() === '') {
      quoted = true;
      current = '';
    } else if (ch === ',') {
      fields.push(current.trim());
      current = '';
    } else current += ch;
  }
  fields.push(current.trim());
  return fields;
}

function isKind(value: string): value is IntelKind {
  return (INTEL_KINDS as readonly string[]).includes(value);
}
