const HEX_RE = /^[0-9a-fA-F]{32}$|^[0-9a-fA-F]{40}$|^[0-9a-fA-F]{64}$/;
const FILE_HASH_KINDS = new Set(['md5', 'sha1', 'sha256']);

/**
 * File hashes named by a Sysmon `Hashes` value (`SHA1=..,MD5=..,SHA256=..,IMPHASH=..`) or a bare hash, lower-cased.
 * IMPHASH is an import-table hash, not a file hash, so it is left out.
 */
export function splitHashes(value: unknown): string[] {
  if (typeof value !== 'string' || value === '') return [];
  const out: string[] = [];
  for (const part of value.split(/[,;\s]+/)) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (HEX_RE.test(part)) out.push(part.toLowerCase());
      continue;
    }
    const kind = part.slice(0, eq).toLowerCase().replace('-', '');
    const hex = part.slice(eq + 1);
    if (FILE_HASH_KINDS.has(kind) && HEX_RE.test(hex)) out.push(hex.toLowerCase());
  }
  return out;
}
