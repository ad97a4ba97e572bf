import type { HttpRepository, HttpRequest, HttpResponse } from '../src/repositories/http.repository';

export interface MockHttpRepository {
  /** Pass this where an `HttpRepository` is injected. */
  readonly repository: HttpRepository;
  /** Its calls, answered by the test. */
  readonly request: jest.Mock<Promise<HttpResponse>, [HttpRequest]>;
}

export function mockHttpRepository(): MockHttpRepository {
  const request = jest.fn<Promise<HttpResponse>, [HttpRequest]>();
  return { repository: { request }, request };
}

export const answer = (status: number, body: unknown): HttpResponse => ({
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  durationMs: 12,
});

/** An OpenAI chat-completions answer whose message content is `content`. */
export const chatAnswer = (content: string | null, extra: Record<string, unknown> = {}): HttpResponse =>
  answer(200, {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content, ...extra }, finish_reason: 'stop' }],
  });
