/**
 * The narrator with the real ChatOllama client against a mock of Ollama's native /api/chat
 * (it streams NDJSON even for a single invoke).
 */
import { createServer, type Server, type ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';
import { validateLlmConfig } from './config';
import { LlmNarrator } from './llm-narrator';
import { createChatModel } from './model-factory';
import { deterministicDouble, GOOD_ANSWER } from './testing/doubles';
import { sshIntrusionFindings } from './testing/findings.fixture';

interface OllamaMock {
  url: string;
  requests: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

function chunk(res: ServerResponse, content: string, done: boolean): void {
  const base = { model: 'llama3.1', created_at: '2026-04-03T14:30:00Z', message: { role: 'assistant', content }, done };
  res.write(`${JSON.stringify(done ? { ...base, done_reason: 'stop', prompt_eval_count: 700, eval_count: 90 } : base)}\n`);
}

async function ollamaMock(answer: string, stallAfterFirstChunk = false): Promise<OllamaMock> {
  const requests: Array<Record<string, unknown>> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      requests.push(JSON.parse(data) as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const half = Math.floor(answer.length / 2);
      chunk(res, answer.slice(0, half), false);
      if (stallAfterFirstChunk) return; // a model that starts answering and never finishes
      chunk(res, answer.slice(half), true);
      res.end();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

function narratorFor(url: string): LlmNarrator {
  const config = validateLlmConfig({ LANTERN_LLM_PROVIDER: 'ollama', LANTERN_LLM_MODEL: 'llama3.1', LANTERN_LLM_BASE_URL: url, LANTERN_LLM_SAFETY_MARGIN_MS: '200' });
  return new LlmNarrator({ config, model: createChatModel(config), deterministic: deterministicDouble });
}

describe('LlmNarrator over HTTP with ChatOllama', () => {
  it('sends the JSON schema as the format and uses a good streamed answer', async () => {
    const mock = await ollamaMock(JSON.stringify(GOOD_ANSWER));
    try {
      const result = await narratorFor(mock.url).narrate(sshIntrusionFindings(), { deadline: Date.now() + 30000, requestId: 'oll-1' });
      expect(result).toEqual({ narrative: GOOD_ANSWER, provenance: { source: 'llm', provider: 'ollama', model: 'llama3.1' } });
      expect(mock.requests[0]).toMatchObject({
        model: 'llama3.1',
        format: { type: 'object', required: ['summary', 'impact', 'root_cause', 'recommendations'], additionalProperties: false },
        options: { temperature: 0 },
      });
    } finally {
      await mock.close();
    }
  });

  it('cuts a stream that never finishes at the budget', async () => {
    const mock = await ollamaMock(JSON.stringify(GOOD_ANSWER), true);
    try {
      const result = await narratorFor(mock.url).narrate(sshIntrusionFindings(), { deadline: Date.now() + 1500, requestId: 'oll-2' });
      expect(result.provenance.fallback_reason).toBe('timeout');
      expect(result.narrative).toEqual(deterministicDouble(sshIntrusionFindings()));
    } finally {
      await mock.close();
    }
  });
});
