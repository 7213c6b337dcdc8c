import { Test } from '@nestjs/testing';
import { narrateDeterministic } from '../engine/narrate';
import { LlmModule } from './llm.module';
import { NARRATOR, type Narrator } from './narrator';
import { GOOD_ANSWER } from './testing/doubles';
import { sshIntrusionFindings } from './testing/findings.fixture';
import { startOpenAiMock } from './testing/openai-mock-server';

async function narratorFrom(env: Record<string, string>): Promise<Narrator> {
  const moduleRef = await Test.createTestingModule({ imports: [LlmModule.forRoot({ env })] }).compile();
  return moduleRef.get<Narrator>(NARRATOR);
}

const opts = () => ({ deadline: Date.now() + 30000, requestId: 'mod-1' });

describe('LlmModule', () => {
  it('provides the deterministic narrator when no provider is configured', async () => {
    const narrator = await narratorFrom({});
    const findings = sshIntrusionFindings();
    const result = await narrator.narrate(findings, opts());
    expect(result).toEqual({ narrative: narrateDeterministic(findings), provenance: { source: 'deterministic', provider: 'none' } });
  });

  it('refuses to start with an invalid configuration and names every problem', async () => {
    await expect(narratorFrom({ LANTERN_LLM_PROVIDER: 'anthropic', LANTERN_LLM_CONCURRENCY: '0' })).rejects.toThrow(
      /LANTERN_LLM_CONCURRENCY must be at least 1[\s\S]*LANTERN_LLM_MODEL is required[\s\S]*ANTHROPIC_API_KEY is required/,
    );
  });

  it('narrates through any OpenAI-compatible server named by LANTERN_LLM_BASE_URL', async () => {
    const mock = await startOpenAiMock(() => ({ content: JSON.stringify(GOOD_ANSWER) }));
    try {
      const narrator = await narratorFrom({ LANTERN_LLM_PROVIDER: 'openai', LANTERN_LLM_MODEL: 'llama-3.1-8b', LANTERN_LLM_BASE_URL: mock.baseUrl });
      const result = await narrator.narrate(sshIntrusionFindings(), opts());
      expect(result.provenance).toEqual({ source: 'llm', provider: 'openai', model: 'llama-3.1-8b' });
      expect(mock.requests[0].body.model).toBe('llama-3.1-8b');
    } finally {
      await mock.close();
    }
  });

  it('falls back to the deterministic narrative when the configured provider is down', async () => {
    const narrator = await narratorFrom({ LANTERN_LLM_PROVIDER: 'ollama', LANTERN_LLM_MODEL: 'llama3.1', LANTERN_LLM_BASE_URL: 'http://127.0.0.1:9' });
    const findings = sshIntrusionFindings();
    const result = await narrator.narrate(findings, { deadline: Date.now() + 2500, requestId: 'mod-2' });
    expect(result.narrative).toEqual(narrateDeterministic(findings));
    expect(result.provenance).toMatchObject({ source: 'deterministic', provider: 'ollama', model: 'llama3.1' });
  });
});
