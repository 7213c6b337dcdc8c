import { LlmConfigError, validateLlmConfig } from './config';

describe('validateLlmConfig', () => {
  it('defaults to the deterministic narrator with 4 concurrent calls', () => {
    expect(validateLlmConfig({})).toMatchObject({ provider: 'none', model: undefined, concurrency: 4, safetyMarginMs: 1000 });
  });

  it('reads an OpenAI setup from the usual variables', () => {
    const config = validateLlmConfig({ LANTERN_LLM_PROVIDER: 'openai', LANTERN_LLM_MODEL: 'gpt-4o-mini', OPENAI_API_KEY: 'sk-x' });
    expect(config).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-x', baseUrl: undefined });
  });

  it('accepts a keyless OpenAI-compatible local server', () => {
    const config = validateLlmConfig({ LANTERN_LLM_PROVIDER: 'openai', LANTERN_LLM_MODEL: 'qwen2.5', LANTERN_LLM_BASE_URL: 'http://127.0.0.1:8000/v1' });
    expect(config).toMatchObject({ baseUrl: 'http://127.0.0.1:8000/v1', apiKey: undefined });
  });

  it('points Ollama at the local daemon unless told otherwise', () => {
    expect(validateLlmConfig({ LANTERN_LLM_PROVIDER: 'Ollama', LANTERN_LLM_MODEL: 'llama3.1:8b' })).toMatchObject({
      provider: 'ollama',
      baseUrl: 'http://127.0.0.1:11434',
    });
  });

  it('lists every problem in one error', () => {
    let error: unknown;
    try {
      validateLlmConfig({ LANTERN_LLM_PROVIDER: 'openai', LANTERN_LLM_SAFETY_MARGIN_MS: '-5', LANTERN_LLM_BASE_URL: 'localhost:8000' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LlmConfigError);
    expect((error as LlmConfigError).issues).toEqual([
      'LANTERN_LLM_BASE_URL must be an http(s) URL, e.g. http://127.0.0.1:8000/v1',
      'LANTERN_LLM_SAFETY_MARGIN_MS must be at least 0',
      'LANTERN_LLM_MODEL is required when LANTERN_LLM_PROVIDER=openai (e.g. gpt-4o-mini, claude-sonnet-4-5, llama3.1:8b)',
    ]);
  });

  it('rejects an unknown provider and a missing key', () => {
    expect(() => validateLlmConfig({ LANTERN_LLM_PROVIDER: 'gemini' })).toThrow('LANTERN_LLM_PROVIDER must be one of: none, openai, anthropic, ollama');
    expect(() => validateLlmConfig({ LANTERN_LLM_PROVIDER: 'anthropic', LANTERN_LLM_MODEL: 'claude-sonnet-4-5' })).toThrow(
      'ANTHROPIC_API_KEY is required',
    );
  });
});
