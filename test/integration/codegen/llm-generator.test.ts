import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusRpcException } from '@cogo/bus';
import { type AppConfig, loadConfig } from '@cogo/config';
import { LlmGenerator } from '../../../apps/codegen-worker/src/generators/llm.generator';
import { ArtifactRepository } from '../../../apps/codegen-worker/src/repositories/artifact.repository';
import { HttpRepository } from '../../../apps/codegen-worker/src/repositories/http.repository';
import { renderWorkspace } from '../../../apps/codegen-worker/src/workspace/workspace.renderer';
import {
  type FakeHttpServer,
  later,
  sendChatCompletion,
  sendJson,
  startFakeHttpServer,
} from './support/fake-http-server';
import { openSpec } from './support/specs';
import { compileWorkspace, tapResults, testWorkspace } from './support/workspace-runner';

const API_KEY = 'sk-integration-9f8e7d6c5b4a';
const TRACE = 'c'.repeat(32);
const GOOD_ANSWER = JSON.stringify({
  functions: [
    { name: 'square', body: 'n * n' },
    { name: 'shout', body: '`${s.toUpperCase()}!`' },
  ],
});

/** Runs `generate` and returns what it threw; fails the test if it did not throw a bus error. */
async function failure(promise: Promise<unknown>): Promise<BusRpcException> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BusRpcException);
  return error as BusRpcException;
}

describe('llm generator against an OpenAI-compatible endpoint', () => {
  let endpoint: FakeHttpServer;
  let artifactsBase: string;
  let config: AppConfig;
  let generator: LlmGenerator;
  /** The same endpoint with a 400 ms timeout, for the timeout cases. */
  let impatient: LlmGenerator;

  beforeAll(async () => {
    endpoint = await startFakeHttpServer((_request, response) => sendChatCompletion(response, GOOD_ANSWER));
    artifactsBase = mkdtempSync(join(tmpdir(), 'cogo-codegen-llm-'));
    config = loadConfig('codegen-worker', {
      DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
      ARTIFACTS_BASE: artifactsBase,
      LLM_BASE_URL: `${endpoint.url}/v1`,
      LLM_MODEL: 'fake-coder',
      LLM_API_KEY: API_KEY,
      LLM_TIMEOUT_MS: '10000',
    });
    generator = new LlmGenerator(config, new HttpRepository());
    impatient = new LlmGenerator({ ...config, llm: { ...config.llm!, timeoutMs: 400 } }, new HttpRepository());
  });

  beforeEach(() => {
    endpoint.requests.length = 0;
  });

  afterAll(async () => {
    await endpoint?.close();
    if (artifactsBase) rmSync(artifactsBase, { recursive: true, force: true });
  });

  it('sends the key and model, and its answer becomes a workspace whose tests pass', async () => {
    endpoint.answer((_request, response) => sendChatCompletion(response, GOOD_ANSWER));
    const module = await generator.generate(openSpec(), { traceId: TRACE });

    expect(endpoint.requests).toHaveLength(1);
    const [request] = endpoint.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.body) as { model: string; messages: { role: string; content: string }[] };
    expect(body.model).toBe('fake-coder');
    expect(body.messages[1].content).toContain('function shout(s: string): string');

    await new ArtifactRepository(config).writeWorkspace(`${TRACE}/open`, renderWorkspace(openSpec(), module.files));
    const workspaceDir = join(artifactsBase, TRACE, 'open');
    expect(await compileWorkspace(workspaceDir)).toEqual({ exitCode: 0, output: '' });
    const tested = await testWorkspace(workspaceDir);
    expect(tapResults(tested.output)).toEqual({
      'square example 1: square(3) returns 9': true,
      'square example 2: square(-2) returns 4': true,
      'shout example 1: shout("hi") returns "HI!"': true,
    });
    expect(tested.exitCode).toBe(0);
  });

  it('refuses a malformed answer as a retryable GENERATOR_BAD_ANSWER', async () => {
    endpoint.answer((_request, response) => sendChatCompletion(response, 'Here you go: n * n'));
    const error = await failure(generator.generate(openSpec(), { traceId: TRACE }));
    expect(error.payload).toMatchObject({ code: 'GENERATOR_BAD_ANSWER', retryable: true });
    expect(error.message).toMatch(/the content is not \{"functions":\[\{"name","body"\}\]\}: Here you go/);
  });

  it('refuses a body that breaks the expression rules', async () => {
    endpoint.answer((_request, response) =>
      sendChatCompletion(
        response,
        JSON.stringify({
          functions: [
            { name: 'square', body: "globalThis.process.mainModule.require('child_process')" },
            { name: 'shout', body: 's' },
          ],
        }),
      ),
    );
    const error = await failure(generator.generate(openSpec(), { traceId: TRACE }));
    expect(error.payload.code).toBe('GENERATOR_BAD_ANSWER');
    expect(error.message).toMatch(/the body of function "square" is not allowed at "globalThis"/);
  });

  it('gives up on a slow answer after LLM_TIMEOUT_MS with a retryable GENERATOR_TIMEOUT', async () => {
    endpoint.answer((_request, response) => later(8_000, () => sendChatCompletion(response, GOOD_ANSWER)));
    const started = Date.now();
    const error = await failure(impatient.generate(openSpec(), { traceId: TRACE }));
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(error.payload).toMatchObject({ code: 'GENERATOR_TIMEOUT', retryable: true });
    expect(error.message).toMatch(/did not answer within 400 ms.*LLM_TIMEOUT_MS/);
  });

  it('also times out an answer whose body stalls after the headers', async () => {
    endpoint.answer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"choices":[');
    });
    const error = await failure(impatient.generate(openSpec(), { traceId: TRACE }));
    expect(error.payload.code).toBe('GENERATOR_TIMEOUT');
  });

  it('retries an HTTP 500', async () => {
    endpoint.answer((_request, response) => sendJson(response, 500, { error: { message: 'The server had an error' } }));
    const error = await failure(generator.generate(openSpec(), { traceId: TRACE }));
    expect(error.payload).toMatchObject({ code: 'GENERATOR_UNAVAILABLE', retryable: true });
    expect(error.message).toContain('HTTP 500: The server had an error');
  });

  it('does not retry an HTTP 401, and never repeats the key the endpoint echoes back', async () => {
    endpoint.answer((request, response) =>
      sendJson(response, 401, {
        error: {
          message: `Incorrect API key provided: ${request.headers.authorization ?? ''}`,
          code: 'invalid_api_key',
        },
      }),
    );
    const error = await failure(generator.generate(openSpec(), { traceId: TRACE }));
    expect(error.payload).toMatchObject({ code: 'GENERATOR_REJECTED', retryable: false });
    expect(error.message).toContain('Check LLM_API_KEY.');
    expect(error.message).toContain('Incorrect API key provided: Bearer [redacted]');
    expect(JSON.stringify(error.getError())).not.toContain(API_KEY);
    expect(error.stack ?? '').not.toContain(API_KEY);
  });

  it('keeps the key out of every error it raises', async () => {
    const answers = [
      (response: ServerResponse) =>
        sendChatCompletion(response, JSON.stringify({ functions: [{ name: API_KEY, body: API_KEY }] })),
      (response: ServerResponse) => sendJson(response, 503, { error: API_KEY }),
      (response: ServerResponse) => sendChatCompletion(response, API_KEY),
    ];
    for (const send of answers) {
      endpoint.answer((_request, response) => send(response));
      const error = await failure(generator.generate(openSpec(), { traceId: TRACE }));
      expect(JSON.stringify({ message: error.message, payload: error.getError() })).not.toContain(API_KEY);
    }
  });

  it('is not configured without LLM_BASE_URL', async () => {
    const unconfigured = new LlmGenerator(
      loadConfig('codegen-worker', { DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused' }),
      new HttpRepository(),
    );
    const error = await failure(unconfigured.generate(openSpec(), { traceId: TRACE }));
    expect(error.payload).toMatchObject({ code: 'GENERATOR_NOT_CONFIGURED', retryable: false });
    expect(endpoint.requests).toHaveLength(0);
  });
});
