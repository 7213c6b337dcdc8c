/**
 * The `lantern` command line. Each concern registers its own sub-commands:
 * analysis (`analyze`), detection engineering (`hunt`, `rules`), threat intel (`intel`)
 * and administration (`accounts`, `keys`, `credits`).
 */
import { Command } from 'commander';
import { registerAdminCommands } from './admin.command';
import { registerAnalyzeCommand } from './analyze.command';
import { registerDetectionCommands } from './hunt.command';
import { registerIntelCommand } from './intel.command';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('lantern')
    .description('Lantern incident analysis: offline analysis, Sigma hunting, rule testing and administration')
    .showHelpAfterError();
  // Sub-command registrations (one line per concern):
  registerAnalyzeCommand(program);
  registerAdminCommands(program);
  registerIntelCommand(program);
  registerDetectionCommands(program);
  return program;
}

export function run(argv: string[] = process.argv): void {
  buildProgram()
    .parseAsync(argv)
    .catch((err: unknown) => {
      process.stderr.write(`lantern: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}

if (require.main === module) run();
