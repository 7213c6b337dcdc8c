import { existsSync } from 'node:fs';
import { Logger, Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { analyze, AnalysisDeps } from '../engine/analyze';
import { loadAttackCatalog } from '../engine/attack';
import { loadIntel } from '../engine/intel';
import type { AnalysisRequest, Findings } from '../engine/model';
import { loadRuleSet } from '../engine/sigma';

export const ANALYSIS_ENGINE = Symbol('ANALYSIS_ENGINE');

/** The deterministic engine as the service sees it: one call per request, within a deadline. */
export interface AnalysisEngine {
  run(request: AnalysisRequest, deadline: number): Findings;
}

/** Rules, ATT&CK catalog and threat intel, loaded once at start-up and shared by every request. */
export class LoadedAnalysisEngine implements AnalysisEngine {
  constructor(readonly deps: Omit<AnalysisDeps, 'deadline'>) {}

  run(request: AnalysisRequest, deadline: number): Findings {
    return analyze(request, { ...this.deps, deadline });
  }
}

export function loadAnalysisEngine(config: AppConfig, logger = new Logger('AnalysisEngine')): LoadedAnalysisEngine {
  const paths = config.rulePaths.filter((p) => existsSync(p));
  const ruleSet = loadRuleSet(paths);
  logger.log({ rules: ruleSet.size, rule_errors: ruleSet.errors.length, paths }, 'Sigma rules loaded');
  for (const error of ruleSet.errors.slice(0, 20)) {
    logger.warn({ file: error.file, rule_id: error.ruleId, reason: error.reason }, 'Sigma rule skipped');
  }
  const catalog = loadAttackCatalog();
  const intel = config.intelDir ? loadIntel(config.intelDir) : undefined;
  if (intel) logger.log({ feeds: intel.feeds.length, errors: intel.errors.length, dir: config.intelDir }, 'Threat-intel feeds loaded');
  return new LoadedAnalysisEngine({ ruleSet, catalog, intel });
}

export const analysisEngineProvider: Provider = {
  provide: ANALYSIS_ENGINE,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => loadAnalysisEngine(config),
};
