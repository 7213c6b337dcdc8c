import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatAnthropic } from '@langchain/anthropic';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import type { LlmConfig } from './config';

/** Local OpenAI-compatible servers often need no key, but the OpenAI client refuses to start without one. */
const NO_KEY_PLACEHOLDER = 'not-needed';

/**
 * Builds the configured chat model, or undefined for provider `none`.
 * Retries are always 0 here: the narrator decides retries itself, inside the request budget.
 */
export function createChatModel(config: LlmConfig): BaseChatModel | undefined {
  if (config.provider === 'none' || !config.model) return undefined;
  if (config.provider === 'openai') {
    return new ChatOpenAI({
      model: config.model,
      apiKey: config.apiKey ?? NO_KEY_PLACEHOLDER,
      temperature: config.temperature,
      maxTokens: config.maxOutputTokens,
      maxRetries: 0,
      configuration: config.baseUrl ? { baseURL: config.baseUrl } : undefined,
    });
  }
  if (config.provider === 'anthropic') {
    return new ChatAnthropic({
      model: config.model,
      apiKey: config.apiKey,
      anthropicApiUrl: config.baseUrl,
      temperature: config.temperature,
      maxTokens: config.maxOutputTokens,
      maxRetries: 0,
    });
  }
  return new ChatOllama({
    model: config.model,
    baseUrl: config.baseUrl,
    temperature: config.temperature,
    numPredict: config.maxOutputTokens,
    maxRetries: 0,
  });
}
