import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/config';

export const PEPPER_FILE = 'key-pepper';

/**
 * The server-side secret mixed into every key hash. Production must set LANTERN_KEY_PEPPER
 * (config validation enforces it); elsewhere a random pepper is generated once and kept in the
 * data directory so keys stay valid across restarts.
 */
export function resolvePepper(config: AppConfig): string {
  if (config.keyPepper) return config.keyPepper;
  if (config.production) throw new Error('LANTERN_KEY_PEPPER is required in production');
  const file = join(config.dataDir, PEPPER_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const pepper = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${pepper}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return pepper;
  } catch (err) {
    // Another process (server or CLI) created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
}
