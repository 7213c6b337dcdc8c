/**
 * Where tests and benchmarks find the read-only project data (SigmaHQ corpus, ATT&CK bundles, cases):
 * `../shared` beside the repository (as on developer machines and in CI), or `LANTERN_SHARED`.
 */
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const SHARED_DIR = process.env.LANTERN_SHARED ?? path.resolve(REPO_ROOT, '../shared');

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}
