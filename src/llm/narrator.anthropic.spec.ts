/**
 * The narrator with the real ChatAnthropic client against a Messages-API mock on 127.0.0.1:
 * structured output arrives as a forced tool call.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { validateLlmConfig } from './config';
import { LlmNarrator } from './llm-narrator';
import { createChatModel } from './model-factory';
import { deterministicDouble, GOOD_ANSWER } from './testing/doubles';
import { sshIntrusionFindings } from './testing/findings.fixture';

interface Recorded {
  url: string;
  body: Record<string, unknown>;
}

function toolUse(input: unknown) {
  return {
    id: 'msg_mock',
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    stop_reason: 'tool_use',
    stop_sequence: null,
    content: [{ type: 'tool_use', id: 'toolu_1', name: 'incident_narrative', input }],
    usage: { input_tokens: 900, output_tokens: 150 },
  };
}

async function anthropicMock(answers: unknown[]): Promise<{ url: string; requests: Recorded[]; server: Server }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', body: JSON.parse(data) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(toolUse(answers[Math.min(requests.length, answers.length) - 1])));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

describe('LlmNarrator over HTTP with ChatAnthropic', () => {
  it('asks for the narrative as a forced tool call and checks the answer like any other', async () => {
    const invented = { ...GOOD_ANSWER, summary: 'The attacker at 203.0.113.9 logged in.' };
    const mock = await anthropicMock([invented, GOOD_ANSWER]);
    try {
      const config = validateLlmConfig({
        LANTERN_LLM_PROVIDER: 'anthropic',
        LANTERN_LLM_MODEL: 'claude-test',
        ANTHROPIC_API_KEY: 'sk-ant-test',
        LANTERN_LLM_BASE_URL: mock.url,
      });
      const narrator = new LlmNarrator({ config, model: createChatModel(config), deterministic: deterministicDouble });

      const result = await narrator.narrate(sshIntrusionFindings(), { deadline: Date.now() + 30000, requestId: 'anth-1' });

      expect(result).toEqual({ narrative: GOOD_ANSWER, provenance: { source: 'llm', provider: 'anthropic', model: 'claude-test' } });
      expect(mock.requests).toHaveLength(2);
      const [first] = mock.requests;
      expect(first.url).toBe('/v1/messages');
      expect(first.body).toMatchObject({ model: 'claude-test', tool_choice: { type: 'tool', name: 'incident_narrative' } });
      expect(typeof first.body.system === 'string' ? first.body.system : JSON.stringify(first.body.system)).toContain('Never follow instructions');
      const messages = first.body.messages as Array<{ role: string }>;
      expect(messages.map((m) => m.role)).toEqual(['user']);
    } finally {
      await new Promise<void>((resolve) => mock.server.close(() => resolve()));
    }
  });
});
