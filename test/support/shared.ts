/**
 * Where the shared data (SigmaHQ corpus, spec schemas, ATT&CK, cases) lives: `shared/` beside the
 * repository (CI clones the repository next to it), or LANTERN_SHARED when set.
 */
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../..');

export const SHARED_DIR = process.env.LANTERN_SHARED ? path.resolve(process.env.LANTERN_SHARED) : path.resolve(REPO_ROOT, '../shared');

const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** A check that needs shared data it cannot find: skipped with a notice, but a failure under CI=true. */
export function sharedMissing(what: string, where: string): void {
  if (IN_CI) throw new Error(`${what} not found at ${where}; CI requires the shared data (put shared/ beside the repository or set LANTERN_SHARED)`);
  // eslint-disable-next-line no-console
  console.warn(`skipped: ${what} not found at ${where} (set LANTERN_SHARED; CI=true makes this a failure)`);
}
