import { ChatAnthropic } from '@langchain/anthropic';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import { validateLlmConfig } from './config';
import { createChatModel } from './model-factory';

describe('createChatModel', () => {
  it('builds no model for provider none', () => {
    expect(createChatModel(validateLlmConfig({}))).toBeUndefined();
  });

  it('builds ChatOpenAI without client-side retries, pointed at the configured server', () => {
    const model = createChatModel(
      validateLlmConfig({ LANTERN_LLM_PROVIDER: 'openai', LANTERN_LLM_MODEL: 'qwen2.5', LANTERN_LLM_BASE_URL: 'http://127.0.0.1:8000/v1' }),
    );
    expect(model).toBeInstanceOf(ChatOpenAI);
    const openai = model as ChatOpenAI;
    expect(openai.model).toBe('qwen2.5');
    expect(retriesOf(openai)).toBe(0);
    expect(openai.clientConfig.baseURL).toBe('http://127.0.0.1:8000/v1');
  });

  it('builds ChatAnthropic and ChatOllama from their settings', () => {
    const anthropic = createChatModel(
      validateLlmConfig({ LANTERN_LLM_PROVIDER: 'anthropic', LANTERN_LLM_MODEL: 'claude-sonnet-4-5', ANTHROPIC_API_KEY: 'sk-ant-x' }),
    );
    expect(anthropic).toBeInstanceOf(ChatAnthropic);
    expect(retriesOf(anthropic)).toBe(0);
    const ollama = createChatModel(validateLlmConfig({ LANTERN_LLM_PROVIDER: 'ollama', LANTERN_LLM_MODEL: 'llama3.1:8b' }));
    expect(ollama).toBeInstanceOf(ChatOllama);
    expect((ollama as ChatOllama).baseUrl).toBe('http://127.0.0.1:11434');
  });
});

/** The AsyncCaller's retry count is protected; read it the way a debugger would. */
function retriesOf(model: unknown): unknown {
  return (model as unknown as { caller: { maxRetries: unknown } }).caller.maxRetries;
}
