import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type FakeRoute = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface FakeHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaces how the server answers from now on. */
  answer(route: FakeRoute): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback, standing in for an external endpoint (an OpenAI-compatible LLM,
 * the Python cogo-worker). It records every request and answers as the current route says.
 */
export async function startFakeHttpServer(route: FakeRoute): Promise<FakeHttpServer> {
  let current = route;
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const recorded: RecordedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      new Promise<void>((done) => done(current(recorded, response))).catch((error: unknown) => {
        response.statusCode = 599;
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((done) => {
        // Slow routes keep sockets open on purpose: end them so close() does not wait for them.
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** An OpenAI chat-completions answer whose message content is `content`. */
export function sendChatCompletion(response: ServerResponse, content: string): void {
  sendJson(response, 200, {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'fake-coder',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  });
}

/** Answers after `ms`, unless the client has gone away by then. */
export function later(ms: number, answer: () => void): Promise<void> {
  return new Promise((done) => {
    setTimeout(() => {
      answer();
      done();
    }, ms).unref();
  });
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}`;
}
