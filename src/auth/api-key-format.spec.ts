import { checksumOf, crc32, digestsEqual, generateApiKey, hashApiKey, KEY_PREFIX, parseApiKey } from './api-key-format';

describe('API key format', () => {
  it('starts with the recognisable lnt_live_ prefix and is 55 characters of base62', () => {
    const { key } = generateApiKey();
    expect(key).toMatch(/^lnt_live_[0-9A-Za-z]{46}$/);
  });

  it('parses a generated key back to its lookup id and display prefix', () => {
    const generated = generateApiKey();
    const parsed = parseApiKey(generated.key);
    expect(parsed?.lookupId).toBe(generated.lookupId);
    expect(parsed?.displayPrefix).toBe(KEY_PREFIX + generated.lookupId);
  });

  it('rejects a key whose checksum does not match (one character changed)', () => {
    const { key } = generateApiKey();
    const tampered = key.slice(0, 20) + (key[20] === 'a' ? 'b' : 'a') + key.slice(21);
    expect(parseApiKey(tampered)).toBeUndefined();
  });

  it('rejects other prefixes, lengths and characters', () => {
    const { key } = generateApiKey();
    expect(parseApiKey(key.replace('lnt_live_', 'sk_live_'))).toBeUndefined();
    expect(parseApiKey(key.slice(0, -1))).toBeUndefined();
    expect(parseApiKey(`${key.slice(0, -7)}-${key.slice(-6)}`)).toBeUndefined();
    expect(parseApiKey('')).toBeUndefined();
  });

  it('generates distinct keys', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey().key));
    expect(keys.size).toBe(200);
  });

  it('uses the standard CRC-32 for the checksum', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(checksumOf('x')).toHaveLength(6);
  });

  it('hashes with the pepper: same key and pepper give the same digest, another pepper does not', () => {
    const { key } = generateApiKey();
    const a = hashApiKey(key, 'pepper-one-pepper-one-pepper-one-xx');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key, 'pepper-one-pepper-one-pepper-one-xx')).toBe(a);
    expect(hashApiKey(key, 'pepper-two-pepper-two-pepper-two-xx')).not.toBe(a);
    expect(digestsEqual(a, a)).toBe(true);
    expect(digestsEqual(a, hashApiKey(key, 'another'))).toBe(false);
    expect(digestsEqual(a, 'abcd')).toBe(false);
  });
});
