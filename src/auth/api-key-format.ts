/**
 * API key format: `lnt_live_` + 8-char lookup id + 32-char secret + 6-char checksum, all base62.
 * The fixed prefix lets secret scanners spot leaked keys; the CRC32 checksum lets them (and us)
 * reject random strings without a database round-trip. The lookup id is public (it finds the row);
 * only the HMAC of the whole key is stored.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'lnt_live_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LOOKUP_LENGTH = 8;
const SECRET_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const BODY_LENGTH = LOOKUP_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;
const KEY_PATTERN = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH}}$`);

export interface ParsedKey {
  key: string;
  lookupId: string;
  /** Safe to display: prefix plus lookup id. */
  displayPrefix: string;
}

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting the top bytes keeps every character equally likely.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function toBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

export function checksumOf(prefixAndPayload: string): string {
  return toBase62(crc32(prefixAndPayload), CHECKSUM_LENGTH);
}

export function generateApiKey(): ParsedKey {
  const lookupId = randomBase62(LOOKUP_LENGTH);
  const payload = `${KEY_PREFIX}${lookupId}${randomBase62(SECRET_LENGTH)}`;
  const key = payload + checksumOf(payload);
  return { key, lookupId, displayPrefix: KEY_PREFIX + lookupId };
}

/** Returns the parts of a well-formed key with a valid checksum, or undefined. */
export function parseApiKey(candidate: string): ParsedKey | undefined {
  if (!KEY_PATTERN.test(candidate)) return undefined;
  const payload = candidate.slice(0, -CHECKSUM_LENGTH);
  if (checksumOf(payload) !== candidate.slice(-CHECKSUM_LENGTH)) return undefined;
  const lookupId = candidate.slice(KEY_PREFIX.length, KEY_PREFIX.length + LOOKUP_LENGTH);
  return { key: candidate, lookupId, displayPrefix: KEY_PREFIX + lookupId };
}

export function hashApiKey(key: string, pepper: string): string {
  return createHmac('sha256', pepper).update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
