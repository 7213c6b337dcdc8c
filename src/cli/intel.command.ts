/**
 * `lantern intel update|list|lookup`: maintain and query the offline threat-intel folder
 * (LANTERN_INTEL_DIR, else ./intel).
 */
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { intelDirFrom, loadIntel } from '../engine/intel';
import { TOR_EXIT_FEED, updateIntel } from './intel-update';

export interface IntelIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

const processIo: IntelIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
};

export function registerIntelCommand(program: Command, io: IntelIo = processIo): void {
  const intel = program.command('intel').description('offline threat-intel feeds (IP/CIDR, domain and hash lists)');
  const dirOption = `feed folder (default: $LANTERN_INTEL_DIR, else ./intel)`;

  intel
    .command('update')
    .description(`download the Tor exit list and the feeds listed in DIR/${'feeds.json'} ([{ "name", "url", "label", "type" }])`)
    .option('--dir <dir>', dirOption)
    .option('--tor-url <url>', 'Tor bulk exit list URL', TOR_EXIT_FEED.url)
    .option('--no-tor', 'do not download the Tor exit list')
    .option('--timeout <seconds>', 'per-download timeout', seconds, 30)
    .action(async (opts: { dir?: string; torUrl: string; tor: boolean; timeout: number }) => {
      const dir = updateDir(opts.dir, io);
      const tor = opts.tor ? { ...TOR_EXIT_FEED, url: opts.torUrl } : null;
      const results = await updateIntel({ dir, tor, timeoutMs: opts.timeout * 1000 });
      if (results.length === 0) {
        io.out(`nothing to update: no Tor list requested and no ${path.join(dir, 'feeds.json')}\n`);
        return;
      }
      for (const r of results) {
        if (r.ok) io.out(`updated ${path.basename(r.file)}: ${r.entries} entries${r.skipped ? `, ${r.skipped} lines skipped` : ''}\n`);
        else io.err(`failed ${r.name}: ${r.error}\n`);
      }
      const failed = results.filter((r) => !r.ok).length;
      if (failed > 0) {
        throw new Error(`${failed} of ${results.length} feed(s) could not be updated; existing files in ${dir} were left unchanged`);
      }
    });

  intel
    .command('list')
    .description('show the feeds in the intel folder with their labels and entry counts')
    .option('--dir <dir>', dirOption)
    .action((opts: { dir?: string }) => {
      const index = loadIntel(existingDir(opts.dir, io));
      for (const f of index.feeds) {
        const counts = Object.entries(f.entries).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`);
        io.out(`${path.basename(f.file)}\t${f.label}\t${counts.join(', ') || 'empty'}${f.skipped ? `\t(${f.skipped} skipped)` : ''}\n`);
      }
      for (const e of index.errors) io.err(`unreadable ${e.file}: ${e.reason}\n`);
      if (index.feeds.length === 0) io.out('no feeds\n');
    });

  intel
    .command('lookup')
    .description('look IPs, domains or hashes up in the feeds')
    .argument('<values...>', 'IP addresses, domains or hashes')
    .option('--dir <dir>', dirOption)
    .action((values: string[], opts: { dir?: string }) => {
      const index = loadIntel(existingDir(opts.dir, io));
      for (const value of values) {
        const matches = index.match(value);
        const text = matches.map((m) => `${m.label} [${m.feed}: ${m.entry}]`).join('; ');
        io.out(`${value}\t${text || 'no match'}\n`);
      }
    });
}

function updateDir(dir: string | undefined, io: IntelIo): string {
  if (dir) return path.resolve(io.cwd, dir);
  return intelDirFrom(io.env, io.cwd) ?? path.join(io.cwd, 'intel');
}

function existingDir(dir: string | undefined, io: IntelIo): string {
  if (dir) return path.resolve(io.cwd, dir);
  const found = intelDirFrom(io.env, io.cwd);
  if (!found) throw new Error('no intel folder: set LANTERN_INTEL_DIR, pass --dir, or run `lantern intel update`');
  return found;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds');
  return n;
}
