/** `lantern rules lint DIR` and `lantern rules test DIR`: checks for a rule pack. */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { loadRuleSet } from '../engine/sigma';
import { lintRuleSet } from '../engine/sigma/rule-lint';
import { runRuleTests } from '../engine/sigma/rule-tests';
import { type CommandIO, USAGE_ERROR, processIO } from './hunt.io';
import { PlaceholderError, readPlaceholders } from './hunt.placeholders';

export interface RulesOptions {
  placeholders?: string;
}

/** Placeholder values, or the usage error text. */
function placeholdersOf(options: RulesOptions): Record<string, string[]> | string | undefined {
  if (options.placeholders === undefined) return undefined;
  try {
    return readPlaceholders(options.placeholders);
  } catch (error) {
    if (error instanceof PlaceholderError) return error.message;
    throw error;
  }
}

function missingPath(paths: string[]): string | undefined {
  for (const path of paths) {
    try {
      statSync(path);
    } catch {
      return path;
    }
  }
  return undefined;
}

function where(file: string, ruleId?: string, title?: string): string {
  const rule = ruleId ? ` [${ruleId}${title ? ` ${title}` : ''}]` : title ? ` [${title}]` : '';
  return `${file}${rule}`;
}

/** Lint: one line per issue, a total; exit 1 when any error (warnings alone pass). */
export function runRulesLint(paths: string[], io: Pick<CommandIO, 'stdout' | 'stderr'>, options: RulesOptions = {}): number {
  const missing = missingPath(paths);
  if (missing !== undefined) {
    io.stderr(`lantern rules lint: rules path not found or unreadable: ${missing}\n`);
    return USAGE_ERROR;
  }
  const placeholders = placeholdersOf(options);
  if (typeof placeholders === 'string') {
    io.stderr(`lantern rules lint: ${placeholders}\n`);
    return USAGE_ERROR;
  }
  const ruleSet = loadRuleSet(paths, { placeholders });
  const issues = lintRuleSet(ruleSet, { placeholders });
  for (const item of issues) io.stdout(`${where(item.file, item.ruleId, item.title)}: ${item.severity}: ${item.message}\n`);
  const errors = issues.filter((item) => item.severity === 'error').length;
  const warnings = issues.length - errors;
  io.stdout(`${ruleSet.size} rules loaded from ${ruleSet.files.length} files: ${errors} errors, ${warnings} warnings\n`);
  return errors > 0 ? 1 : 0;
}

/** Test: one line per failing rule file (and its problems), a total; exit 1 when any fails. */
export function runRulesTest(paths: string[], io: Pick<CommandIO, 'stdout' | 'stderr'>, options: RulesOptions = {}): number {
  const missing = missingPath(paths);
  if (missing !== undefined) {
    io.stderr(`lantern rules test: rules path not found or unreadable: ${missing}\n`);
    return USAGE_ERROR;
  }
  const placeholders = placeholdersOf(options);
  if (typeof placeholders === 'string') {
    io.stderr(`lantern rules test: ${placeholders}\n`);
    return USAGE_ERROR;
  }
  const report = runRuleTests(paths, loadRuleSet(paths, { placeholders }));
  for (const result of report.results) {
    if (result.problems.length === 0) continue;
    const rule = result.rules[0];
    io.stdout(`FAIL ${where(result.file, rule?.id, rule?.title)}\n`);
    for (const problem of result.problems) io.stdout(`  - ${problem}\n`);
  }
  const cases = report.results.reduce((sum, r) => sum + r.positives + r.negatives, 0);
  io.stdout(`${report.results.length} rule files, ${report.passed} passed, ${report.failed} failed (${cases} test cases)\n`);
  return report.failed > 0 ? 1 : 0;
}

export function registerRulesCommand(program: Command, usageExit: (error: { exitCode: number; code: string }) => never): void {
  const rules = program.command('rules').description('check a Sigma rule pack').exitOverride(usageExit);
  rules
    .command('lint')
    .description('schema and semantic checks: unknown modifiers, duplicate ids, broken correlation references')
    .argument('<dir...>', 'rule folders or files')
    .option('--placeholders <file>', 'YAML or JSON map of %placeholder% values for |expand rules')
    .exitOverride(usageExit)
    .action((dirs: string[], options: RulesOptions) => {
      process.exitCode = runRulesLint(dirs, processIO(), options);
    });
  rules
    .command('test')
    .description('run each rule against its X.tests.json positive and negative events')
    .argument('<dir...>', 'rule folders or files')
    .option('--placeholders <file>', 'YAML or JSON map of %placeholder% values for |expand rules')
    .exitOverride(usageExit)
    .action((dirs: string[], options: RulesOptions) => {
      process.exitCode = runRulesTest(dirs, processIO(), options);
    });
}
