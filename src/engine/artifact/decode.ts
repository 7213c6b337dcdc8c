/**
 * Peels encoding and simple obfuscation layers off a command line or script, the way an analyst
 * would by hand: PowerShell -EncodedCommand (UTF-16LE base64), FromBase64String blobs, string
 * concatenation, backtick and caret escapes, [char] codes. Each layer is kept for the report.
 */
export interface DecodeLayer {
  method: 'powershell_encoded_command' | 'base64' | 'string_concat' | 'escape_characters' | 'char_codes';
  text: string;
}

const MAX_DEPTH = 4;
const MIN_BASE64 = 24;
const ENCODED_FLAG_RE = /(?:^|\s)[-/](?:e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand)\s+["']?([A-Za-z0-9+/=]{8,})/i;
const BASE64_BLOB_RE = /[A-Za-z0-9+/]{24,}={0,2}/g;

export function decodeLayers(text: string): DecodeLayer[] {
  const layers: DecodeLayer[] = [];
  let current = text;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const next = peelOnce(current);
    if (!next || next.text === current) break;
    layers.push(next);
    current = next.text;
  }
  return layers;
}

function peelOnce(text: string): DecodeLayer | undefined {
  const encoded = ENCODED_FLAG_RE.exec(text);
  if (encoded?.[1]) {
    const decoded = decodeBase64Text(encoded[1]);
    if (decoded) return { method: 'powershell_encoded_command', text: decoded };
  }
  const deobfuscated = deobfuscate(text);
  if (deobfuscated) return deobfuscated;
  return decodeEmbeddedBase64(text);
}

/** Decodes base64 as UTF-16LE (PowerShell) or UTF-8, whichever gives readable text. */
export function decodeBase64Text(blob: string): string | undefined {
  const clean = blob.replace(/\s+/g, '');
  if (clean.length < 8 || clean.length % 4 === 1) return undefined;
  const bytes = Buffer.from(clean, 'base64');
  if (bytes.length === 0) return undefined;
  const utf16 = looksUtf16le(bytes) ? bytes.toString('utf16le') : undefined;
  if (utf16 && isReadable(utf16)) return utf16;
  const utf8 = bytes.toString('utf8');
  return isReadable(utf8) ? utf8 : undefined;
}

function looksUtf16le(bytes: Buffer): boolean {
  let zeros = 0;
  for (let i = 1; i < bytes.length; i += 2) if (bytes[i] === 0) zeros++;
  return zeros >= Math.floor(bytes.length / 2) * 0.7;
}

function isReadable(text: string): boolean {
  if (text.length === 0) return false;
  let printable = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if ((code >= 32 && code < 127) || code === 9 || code === 10 || code === 13) printable++;
  }
  return printable / text.length > 0.9;
}

function decodeEmbeddedBase64(text: string): DecodeLayer | undefined {
  const blobs = [...text.matchAll(BASE64_BLOB_RE)].map((m) => m[0]).filter((b) => b.length >= MIN_BASE64);
  let replaced = text;
  let changed = false;
  for (const blob of blobs) {
    if (!/[0-9+/=]/.test(blob) || /^[a-z]+$/i.test(blob)) continue; // a long word is not base64
    const decoded = decodeBase64Text(blob);
    if (!decoded) continue;
    replaced = replaced.replace(blob, decoded);
    changed = true;
  }
  return changed ? { method: 'base64', text: replaced } : undefined;
}

function deobfuscate(text: string): DecodeLayer | undefined {
  const charCodes = replaceCharCodes(text);
  if (charCodes !== text) return { method: 'char_codes', text: charCodes };
  const concatenated = joinConcatenations(text);
  if (concatenated !== text) return { method: 'string_concat', text: concatenated };
  const unescaped = removeEscapes(text);
  if (unescaped !== text) return { method: 'escape_characters', text: unescaped };
  return undefined;
}

/** [char]72+[char]105 and [char[]](72,105) -join '' become "Hi". */
function replaceCharCodes(text: string): string {
  let out = text.replace(/\[char\[\]\]\s*\(([\d,\s]+)\)(?:\s*-join\s*(['"])\2)?/gi, (_m, codes: string) =>
    `'${codes.split(',').map((c) => String.fromCharCode(Number(c.trim()))).join('')}'`,
  );
  out = out.replace(/\[char\]\s*\(?(\d{1,5})\)?/gi, (_m, code: string) => `'${String.fromCharCode(Number(code))}'`);
  return out;
}

/** 'Down'+'load'+"String" becomes 'DownloadString'. */
function joinConcatenations(text: string): string {
  const re = /(['"])([^'"]*)\1\s*\+\s*(['"])([^'"]*)\3/;
  let out = text;
  for (let i = 0; i < 200 && re.test(out); i++) out = out.replace(re, (_m, q: string, a: string, _q2: string, b: string) => `${q}${a}${b}${q}`);
  return out;
}

/** PowerShell backticks (I`E`X) and cmd carets (p^o^w^e^r^s^h^e^l^l) are noise to the reader. */
function removeEscapes(text: string): string {
  return text.replace(/`(?![nrt0abfv])/g, '').replace(/\^(?=[a-z0-9])/gi, '');
}
