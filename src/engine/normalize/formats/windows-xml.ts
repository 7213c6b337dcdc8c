import type { LineFormat, NormalizedParts } from '../types';
import { normalizeWindowsFields } from './windows';

/**
 * Windows event XML (`<Event><System>...</System><EventData><Data Name="...">...</Data>...`), as wevtutil prints it
 * and as Sysmon for Linux writes it into syslog. Only this fixed schema is read, with a few targeted patterns.
 */
const ENTITIES: Readonly<Record<string, string>> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&apos;': "'" };

function unescapeXml(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (e) => {
    if (ENTITIES[e]) return ENTITIES[e];
    const code = e[2] === 'x' ? parseInt(e.slice(3, -1), 16) : parseInt(e.slice(2, -1), 10);
    return String.fromCodePoint(code);
  });
}

export function isSysmonXml(s: string): boolean {
  return s.startsWith('<Event') && s.includes('<System>');
}

/** The few element and attribute patterns of the System header, compiled once each. */
const patterns = new Map<string, RegExp>();

function pattern(source: string): RegExp {
  let re = patterns.get(source);
  if (re === undefined) {
    re = new RegExp(source);
    patterns.set(source, re);
  }
  return re;
}

function tag(xml: string, name: string): string | undefined {
  const m = pattern(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return m ? unescapeXml(m[1]) : undefined;
}

function attr(xml: string, element: string, name: string): string | undefined {
  const m = pattern(`<${element}\\s[^>]*?${name}=(?:"([^"]*)"|'([^']*)')`).exec(xml);
  return m ? unescapeXml(m[1] ?? m[2]) : undefined;
}

// Text content is XML-escaped, so a value never holds a raw `<`: `[^<]*` keeps every attempt linear.
const DATA_RE = /<Data Name=(?:"([^"]*)"|'([^']*)')\s*(?:\/>|>([^<]*)<\/Data>)/g;

export function parseEventXml(xml: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const sysEnd = xml.indexOf('</System>');
  const system = sysEnd > 0 ? xml.slice(0, sysEnd) : xml;
  const id = tag(system, 'EventID');
  if (id !== undefined) fields.EventID = /^\d+$/.test(id) ? Number(id) : id;
  const set = (k: string, v: string | undefined) => {
    if (v !== undefined) fields[k] = v;
  };
  set('Channel', tag(system, 'Channel'));
  set('Computer', tag(system, 'Computer'));
  set('Provider', attr(system, 'Provider', 'Name'));
  set('SystemTime', attr(system, 'TimeCreated', 'SystemTime'));
  set('EventRecordID', tag(system, 'EventRecordID'));
  set('Level', tag(system, 'Level'));
  set('Keywords', tag(system, 'Keywords'));
  set('UserID', attr(system, 'Security', 'UserI[dD]'));
  const rest = sysEnd > 0 ? xml.slice(sysEnd) : '';
  DATA_RE.lastIndex = 0;
  for (let m = DATA_RE.exec(rest); m; m = DATA_RE.exec(rest)) fields[unescapeXml(m[1] ?? m[2])] = unescapeXml(m[3] ?? '');
  const userStart = rest.indexOf('<UserData>');
  const userEnd = rest.indexOf('</UserData>');
  if (userStart >= 0 && userEnd > userStart) {
    const inner = rest.slice(userStart + '<UserData>'.length, userEnd);
    const child = /<([A-Za-z_][\w.-]*)(?:\s[^>]*)?>([^<]*)<\/\1>/g;
    for (let m = child.exec(inner); m; m = child.exec(inner)) if (fields[m[1]] === undefined) fields[m[1]] = unescapeXml(m[2]);
  }
  return fields;
}

export function normalizeEventXml(xml: string): NormalizedParts {
  const fields = parseEventXml(xml);
  return normalizeWindowsFields(fields, fields);
}

export const windowsXmlLineFormat: LineFormat = {
  id: 'windows',
  detect: (line) => isSysmonXml(line),
  normalize: (line) => normalizeEventXml(line),
};
