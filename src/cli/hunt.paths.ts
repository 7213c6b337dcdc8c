/** `lantern hunt`'s input paths as the files to read. */
import { type Stats, closeSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { binaryInputProblem } from './hunt.text';

/**
 * Input paths as files, checked before any work starts: a directory stands for every file under it
 * (recursively, in name order, names starting with a dot left out), such as a CloudTrail bucket's tree of
 * `.json.gz` files or a folder of rotated logs. A binary event log found in a folder (a KAPE collection
 * keeps the .evtx files beside their CSV conversions) is skipped and said so; named on its own, it is an
 * input error when read.
 */
export function expandInputs(paths: string[]): { files: string[]; skipped: string[] } | { error: string } {
  const files: string[] = [];
  const skipped: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push(path);
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      return { error: `input file not found or unreadable: ${path}` };
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    try {
      const found = filesUnder(path, new Set());
      const readable = found.filter((file) => {
        const problem = binaryFileProblem(file);
        if (problem !== undefined) skipped.push(`${file}: ${problem}`);
        return problem === undefined;
      });
      if (readable.length === 0) return { error: `no input files under ${path}${found.length > 0 ? ` other than binary event logs (${found.length})` : ''}` };
      files.push(...readable);
    } catch (error) {
      return { error: `input folder unreadable: ${path} (${error instanceof Error ? error.message : String(error)})` };
    }
  }
  return { files, skipped };
}

/** What makes a file found in a folder unreadable as events, told by its first bytes (gzipped files are read as they come). */
function binaryFileProblem(file: string): string | undefined {
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    return binaryInputProblem(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
  } finally {
    closeSync(fd);
  }
}

function filesUnder(dir: string, seen: Set<string>): string[] {
  // A symbolic link back up the tree is walked once.
  const real = realpathSync(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    let stat: Stats;
    try {
      stat = statSync(path);
    } catch {
      continue; // a dangling symbolic link
    }
    if (stat.isDirectory()) out.push(...filesUnder(path, seen));
    else if (stat.isFile()) out.push(path);
  }
  return out;
}
