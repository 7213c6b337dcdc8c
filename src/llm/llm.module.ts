import { DynamicModule, Logger, Module, type Provider } from '@nestjs/common';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Findings, Narrative } from '../engine/model';
import { narrateDeterministic } from '../engine/narrate';
import { validateLlmConfig, type LlmConfig } from './config';
import { LlmNarrator } from './llm-narrator';
import { createChatModel } from './model-factory';
import { NARRATOR } from './narrator';
import { NARRATIVE_PROMPT_VERSION } from './prompts/narrative.v1';

export const LLM_CONFIG = Symbol.for('lantern.llm.config');
export const DETERMINISTIC_NARRATOR = Symbol.for('lantern.narrate.deterministic');

export type DeterministicNarrator = (findings: Findings) => Narrative;

export interface LlmModuleOptions {
  /** Environment to read the LANTERN_LLM_* settings from (process.env by default). */
  env?: Record<string, string | undefined>;
  /** A ready chat model instead of the one the configuration describes (tests, custom gateways). */
  model?: BaseChatModel;
  deterministic?: DeterministicNarrator;
}

function providers(options: LlmModuleOptions): Provider[] {
  return [
    // Validated again here so the module also fails fast when used without the app's config validation.
    { provide: LLM_CONFIG, useFactory: (): LlmConfig => validateLlmConfig(options.env ?? process.env) },
    { provide: DETERMINISTIC_NARRATOR, useValue: options.deterministic ?? narrateDeterministic },
    {
      provide: NARRATOR,
      inject: [LLM_CONFIG, DETERMINISTIC_NARRATOR],
      useFactory: (config: LlmConfig, deterministic: DeterministicNarrator): LlmNarrator => {
        const logger = new Logger('LlmNarrator');
        const model = config.provider === 'none' ? undefined : (options.model ?? createChatModel(config));
        logger.log({
          msg: 'narrator configured',
          provider: config.provider,
          model: config.model,
          base_url: config.baseUrl,
          prompt_version: NARRATIVE_PROMPT_VERSION,
          concurrency: config.concurrency,
          safety_margin_ms: config.safetyMarginMs,
        });
        return new LlmNarrator({ config, model, deterministic, logger });
      },
    },
  ];
}

/**
 * Provides NARRATOR: the LLM narrative chain when LANTERN_LLM_PROVIDER names a provider,
 * the deterministic narrator otherwise. Import it as is (reads process.env) or through forRoot().
 */
@Module({ providers: providers({}), exports: [NARRATOR] })
export class LlmModule {
  static forRoot(options: LlmModuleOptions = {}): DynamicModule {
    return { module: LlmModule, providers: providers(options), exports: [NARRATOR] };
  }
}
