/**
 * A small OpenAI-compatible chat-completions server on 127.0.0.1 for integration tests:
 * it records every request and answers with whatever the test's handler decides.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export interface MockReply {
  status?: number;
  headers?: Record<string, string>;
  /** Assistant message content for a 200 answer (a chat.completion body is built around it). */
  content?: string;
  /** Raw body for error replies. */
  body?: unknown;
  /** Wait this long before answering (the client may give up first). */
  delayMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export type MockHandler = (request: RecordedRequest, n: number) => MockReply;

export interface OpenAiMock {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function completion(model: unknown, reply: MockReply): unknown {
  const usage = reply.usage ?? { prompt_tokens: 321, completion_tokens: 123 };
  return {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: 1775225000,
    model,
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply.content ?? '' } }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    req.on('end', () => {
      try {
        resolve(JSON.parse(data) as Record<string, unknown>);
      } catch {
        resolve({});
      }
    });
  });
}

export async function startOpenAiMock(handler: MockHandler): Promise<OpenAiMock> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: await readBody(req) };
    requests.push(recorded);
    const reply = handler(recorded, requests.length);
    const send = (): void => {
      if (res.destroyed) return;
      const status = reply.status ?? 200;
      const body = status === 200 ? completion(recorded.body.model, reply) : reply.body ?? { error: { message: 'mock error', type: 'server_error' } };
      res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(body));
    };
    if (!reply.delayMs) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, reply.delayMs);
    timers.add(timer);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        timers.forEach(clearTimeout);
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}
