import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusRpcException } from '@cogo/bus';
import { type AppConfig, loadConfig } from '@cogo/config';
import { CogoWorkerGenerator } from '../../../apps/codegen-worker/src/generators/cogo-worker.generator';
import { ArtifactRepository } from '../../../apps/codegen-worker/src/repositories/artifact.repository';
import { HttpRepository } from '../../../apps/codegen-worker/src/repositories/http.repository';
import { renderWorkspace } from '../../../apps/codegen-worker/src/workspace/workspace.renderer';
import { type FakeHttpServer, later, sendJson, startFakeHttpServer } from './support/fake-http-server';
import { openSpec } from './support/specs';

const TRACE = 'd'.repeat(32);
const SOURCE = [
  'import { exclaim } from "./lib/exclaim";',
  'export function square(n: number): number {',
  '  return n * n;',
  '}',
  'export function shout(s: string): string {',
  '  return exclaim(s.toUpperCase());',
  '}',
  '',
].join('\n');
const HELPER = 'export function exclaim(s: string): string {\n  return `${s}!`;\n}\n';
const GOOD_FILES = {
  files: [
    { path: 'src/open.ts', content: SOURCE },
    { path: 'src/lib/exclaim.ts', content: HELPER },
  ],
};

async function failure(promise: Promise<unknown>): Promise<BusRpcException> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BusRpcException);
  return error as BusRpcException;
}

describe('cogo-worker generator against a cogo-worker over HTTP', () => {
  let worker: FakeHttpServer;
  let artifactsBase: string;
  let config: AppConfig;
  let generator: CogoWorkerGenerator;

  const configFor = (env: Record<string, string>) =>
    loadConfig('codegen-worker', {
      DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
      ARTIFACTS_BASE: artifactsBase,
      ...env,
    });

  beforeAll(async () => {
    worker = await startFakeHttpServer((_request, response) => sendJson(response, 200, GOOD_FILES));
    artifactsBase = mkdtempSync(join(tmpdir(), 'cogo-codegen-cogo-'));
    config = configFor({ ENABLE_COGO_WORKER: 'true', COGO_WORKER_URL: worker.url, COGO_WORKER_TIMEOUT_MS: '10000' });
    generator = new CogoWorkerGenerator(config, new HttpRepository());
  });

  beforeEach(() => {
    worker.requests.length = 0;
  });

  afterAll(async () => {
    await worker?.close();
    if (artifactsBase) rmSync(artifactsBase, { recursive: true, force: true });
  });

  it('posts the spec with the trace id to /generate and writes the files it answers into the workspace', async () => {
    worker.answer((_request, response) => sendJson(response, 200, GOOD_FILES));
    const module = await generator.generate(openSpec(), { traceId: TRACE });

    expect(worker.requests).toHaveLength(1);
    const [request] = worker.requests;
    expect([request.method, request.path, request.headers['content-type']]).toEqual([
      'POST',
      '/generate',
      'application/json',
    ]);
    expect(JSON.parse(request.body)).toEqual({ spec: openSpec(), trace_id: TRACE });

    await new ArtifactRepository(config).writeWorkspace(`${TRACE}/open`, renderWorkspace(openSpec(), module.files));
    const workspaceDir = join(artifactsBase, TRACE, 'open');
    expect(readFileSync(join(workspaceDir, 'src/open.ts'), 'utf8')).toBe(SOURCE);
    expect(readFileSync(join(workspaceDir, 'src/lib/exclaim.ts'), 'utf8')).toBe(HELPER);
    expect(readFileSync(join(workspaceDir, 'test/open.test.ts'), 'utf8')).toContain(
      'deepStrictEqual(subject.shout("hi"), "HI!");',
    );
  });

  it('sends the credentials of COGO_WORKER_URL as Basic authentication, and never shows them', async () => {
    const url = new URL(worker.url);
    url.username = 'codegen';
    url.password = 's3cret-pass';
    const withCredentials = new CogoWorkerGenerator(
      configFor({ ENABLE_COGO_WORKER: 'true', COGO_WORKER_URL: url.toString() }),
      new HttpRepository(),
    );
    worker.answer((_request, response) => sendJson(response, 404, { detail: 'Not Found' }));
    const error = await failure(withCredentials.generate(openSpec(), { traceId: TRACE }));
    expect(worker.requests[0].headers.authorization).toBe(
      `Basic ${Buffer.from('codegen:s3cret-pass').toString('base64')}`,
    );
    expect(error.payload).toMatchObject({ code: 'GENERATOR_REJECTED', retryable: false });
    expect(error.message).toContain('Check COGO_WORKER_URL: the worker must serve POST /generate.');
    expect(error.message).not.toContain('s3cret-pass');
  });

  it.each([
    [
      'a body that is not JSON',
      (response: Parameters<typeof sendJson>[0]) => response.end('<h1>hello</h1>'),
      /the answer is not JSON/,
    ],
    [
      'JSON of another shape',
      (response: Parameters<typeof sendJson>[0]) => sendJson(response, 200, { code: 'x' }),
      /expected \{"files"/,
    ],
    [
      'a path that climbs out of the workspace',
      (response: Parameters<typeof sendJson>[0]) =>
        sendJson(response, 200, { files: [...GOOD_FILES.files, { path: 'src/../../../../.bashrc.ts', content: 'x' }] }),
      /files\[2\]\.path "src\/..\/..\/..\/..\/.bashrc.ts" is not allowed/,
    ],
    [
      'an absolute path',
      (response: Parameters<typeof sendJson>[0]) =>
        sendJson(response, 200, { files: [{ path: '/tmp/evil.ts', content: 'x' }] }),
      /files\[0\]\.path "\/tmp\/evil.ts" is not allowed/,
    ],
    [
      'an overwrite of the generated tests',
      (response: Parameters<typeof sendJson>[0]) =>
        sendJson(response, 200, { files: [...GOOD_FILES.files, { path: 'test/open.test.ts', content: '' }] }),
      /files\[2\]\.path "test\/open.test.ts" is not allowed/,
    ],
  ])('refuses %s as a non-retryable GENERATOR_BAD_ANSWER', async (_what, send, message) => {
    worker.answer((_request, response) => send(response));
    const error = await failure(generator.generate(openSpec(), { traceId: TRACE }));
    expect(error.payload).toMatchObject({ code: 'GENERATOR_BAD_ANSWER', retryable: false });
    expect(error.message).toMatch(message);
  });

  it('gives up after COGO_WORKER_TIMEOUT_MS with a retryable GENERATOR_TIMEOUT', async () => {
    const impatient = new CogoWorkerGenerator(
      configFor({ ENABLE_COGO_WORKER: 'true', COGO_WORKER_URL: worker.url, COGO_WORKER_TIMEOUT_MS: '400' }),
      new HttpRepository(),
    );
    worker.answer((_request, response) => later(8_000, () => sendJson(response, 200, GOOD_FILES)));
    const started = Date.now();
    const error = await failure(impatient.generate(openSpec(), { traceId: TRACE }));
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(error.payload).toMatchObject({ code: 'GENERATOR_TIMEOUT', retryable: true });
    expect(error.message).toMatch(/did not answer within 400 ms.*COGO_WORKER_TIMEOUT_MS/);
  });

  it('gives up when the bus lease is lost, without waiting for the timeout', async () => {
    const patient = new CogoWorkerGenerator(
      configFor({ ENABLE_COGO_WORKER: 'true', COGO_WORKER_URL: worker.url, COGO_WORKER_TIMEOUT_MS: '10000' }),
      new HttpRepository(),
    );
    worker.answer((_request, response) => later(8_000, () => sendJson(response, 200, GOOD_FILES)));
    const lease = new AbortController();
    setTimeout(() => lease.abort(), 100).unref();
    const started = Date.now();
    const error = await failure(patient.generate(openSpec(), { traceId: TRACE, signal: lease.signal }));
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(error.payload).toMatchObject({ code: 'GENERATOR_UNAVAILABLE', retryable: true });
    expect(error.message).toMatch(/lost its lease or is stopping/);
  });

  it('is not configured while ENABLE_COGO_WORKER is false, even with a URL', async () => {
    const disabled = new CogoWorkerGenerator(configFor({ COGO_WORKER_URL: worker.url }), new HttpRepository());
    const error = await failure(disabled.generate(openSpec(), { traceId: TRACE }));
    expect(error.payload).toMatchObject({ code: 'GENERATOR_NOT_CONFIGURED', retryable: false });
    expect(error.message).toBe(
      'The cogo-worker generator is not configured: set ENABLE_COGO_WORKER=true and COGO_WORKER_URL, or use generator "template".',
    );
    expect(worker.requests).toHaveLength(0);
  });
});
