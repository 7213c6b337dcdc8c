import { existsSync } from 'node:fs';
import { Logger, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { analyze, AnalysisDeps } from '../engine/analyze';
import { loadAttackCatalog } from '../engine/attack';
import { loadIntel } from '../engine/intel';
import type { AnalysisRequest, Findings } from '../engine/model';
import { knownLogsources } from '../engine/normalize';
import { loadRuleSet, RuleSet } from '../engine/sigma';
import { WorkerPoolEngine } from './engine-pool';

export const ANALYSIS_ENGINE = Symbol('ANALYSIS_ENGINE');

/** The deterministic engine as the service sees it: one call per request, within a deadline. */
export interface AnalysisEngine {
  run(request: AnalysisRequest, deadline: number): Findings | Promise<Findings>;
}

/** Where the engine's data comes from (plain data: it is also handed to worker threads). */
export interface EngineSource {
  rulePaths: string[];
  intelDir?: string;
}

interface EngineLogger {
  log(message: unknown, context?: string): void;
  warn(message: unknown, context?: string): void;
}

const SILENT: EngineLogger = { log: () => undefined, warn: () => undefined };

export type EngineDeps = Omit<AnalysisDeps, 'deadline' | 'ruleSet'> & { ruleSet: RuleSet };

/** Loads rules, ATT&CK catalog and threat intel. */
export function buildEngineDeps(source: EngineSource, logger: EngineLogger = SILENT): EngineDeps {
  const paths = source.rulePaths.filter((p) => existsSync(p));
  // A long-running service compiles every route at start, not on the first request that needs it.
  const ruleSet = loadRuleSet(paths, { logsources: knownLogsources() });
  logger.log({ rules: ruleSet.size, rule_errors: ruleSet.errors.length, paths }, 'Sigma rules loaded');
  for (const error of ruleSet.errors.slice(0, 20)) {
    logger.warn({ file: error.file, rule_id: error.ruleId, reason: error.reason }, 'Sigma rule skipped');
  }
  const catalog = loadAttackCatalog();
  const intel = source.intelDir ? loadIntel(source.intelDir) : undefined;
  if (intel) logger.log({ feeds: intel.feeds.length, errors: intel.errors.length, dir: source.intelDir }, 'Threat-intel feeds loaded');
  return { ruleSet, catalog, intel };
}

/** The engine on the calling thread: rules and catalog loaded once and shared by every request. */
export class LoadedAnalysisEngine implements AnalysisEngine {
  constructor(readonly deps: EngineDeps) {}

  run(request: AnalysisRequest, deadline: number): Findings {
    return analyze(request, { ...this.deps, deadline, referenceTime: Date.now() });
  }
}

export function engineSourceOf(config: AppConfig): EngineSource {
  return { rulePaths: config.rulePaths, intelDir: config.intelDir };
}

export function loadAnalysisEngine(config: AppConfig, logger: EngineLogger = new Logger('AnalysisEngine')): LoadedAnalysisEngine {
  return new LoadedAnalysisEngine(buildEngineDeps(engineSourceOf(config), logger));
}

/**
 * LANTERN_ENGINE_WORKERS=N > 0 (default 1): N worker threads; a job past its deadline is cut by
 * terminating its worker. 0: the engine runs on the event loop (deadline checked between stages, so a
 * long stage can overrun the budget and blocks every other request meanwhile).
 */
export const analysisEngineProvider: Provider = {
  provide: ANALYSIS_ENGINE,
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig): Promise<AnalysisEngine> => {
    const logger = new Logger('AnalysisEngine');
    if (config.engineWorkers === 0) return loadAnalysisEngine(config, logger);
    const pool = new WorkerPoolEngine(config.engineWorkers, engineSourceOf(config), logger);
    await pool.ready();
    return pool;
  },
};
