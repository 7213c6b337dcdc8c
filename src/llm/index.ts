export { LlmConfigError, validateLlmConfig, type LlmConfig, type LlmProvider } from './config';
export { LlmModule, LLM_CONFIG, type LlmModuleOptions } from './llm.module';
export { NARRATOR, type FallbackReason, type NarrateOptions, type NarrateResult, type Narrator } from './narrator';
export { NARRATIVE_PROMPT_VERSION } from './prompts/narrative.v1';
