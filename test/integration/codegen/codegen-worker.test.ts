import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { RemoteErrorException } from '@cogo/bus';
import { type CodegenResult, type IntegrationStatus, Patterns } from '@cogo/contracts';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';
import {
  type BusCaller,
  type RunningCodegenWorker,
  createBusCaller,
  startCodegenWorker,
} from './support/codegen-worker.harness';
import { type FakeHttpServer, closedPortUrl, sendJson, startFakeHttpServer } from './support/fake-http-server';
import { toolkitSpec, wrongExampleSpec } from './support/specs';
import { compileWorkspace, tapResults, testWorkspace } from './support/workspace-runner';

const ROOT = resolve(__dirname, '../../..');

describe('codegen worker on the bus', () => {
  let db: TestDatabase;
  let artifactsBase: string;
  let worker: RunningCodegenWorker;
  let caller: BusCaller;
  let llmEndpoint: FakeHttpServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Inside the repository, as with the default ARTIFACTS_BASE (.cogo/artifacts): the generated
    // tsconfig must not pick up the @types packages of the repository's node_modules.
    mkdirSync(join(ROOT, '.cogo'), { recursive: true });
    artifactsBase = mkdtempSync(join(ROOT, '.cogo', 'test-codegen-'));
    llmEndpoint = await startFakeHttpServer((_request, response) => sendJson(response, 200, { data: [] }));
    worker = await startCodegenWorker({
      DATABASE_URL: db.url,
      ARTIFACTS_BASE: artifactsBase,
      AGENT_INSTANCE_ID: 'codegen-worker:it',
      LLM_BASE_URL: `${llmEndpoint.url}/v1`,
      LLM_MODEL: 'fake-coder',
      LLM_API_KEY: 'sk-bus-test-secret',
      ENABLE_COGO_WORKER: 'true',
      COGO_WORKER_URL: await closedPortUrl(),
    });
    caller = await createBusCaller(db.url);
  });

  afterAll(async () => {
    await caller?.close();
    await worker?.stop();
    await llmEndpoint?.close();
    await db?.drop();
    if (artifactsBase) rmSync(artifactsBase, { recursive: true, force: true });
  });

  const generate = (payload: unknown) =>
    lastValueFrom(caller.client.send<CodegenResult>(Patterns.CodegenGenerate, payload));

  it('writes a workspace that compiles with tsc and whose example tests pass under node --test', async () => {
    const result = await generate({ spec: toolkitSpec() });

    expect(result.generator).toBe('template');
    expect(result.workspace).toMatch(/^[0-9a-f]{32}\/toolkit$/);
    const workspaceDir = join(artifactsBase, result.workspace);
    expect(result.files.map((file) => file.path)).toEqual([
      'package.json',
      'spec.json',
      'src/toolkit.ts',
      'test/node-test.d.ts',
      'test/toolkit.test.ts',
      'tsconfig.json',
    ]);
    for (const file of result.files) {
      const bytes = readFileSync(join(workspaceDir, file.path));
      expect({
        path: file.path,
        bytes: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      }).toEqual(file);
    }
    expect(JSON.parse(readFileSync(join(workspaceDir, 'spec.json'), 'utf8'))).toEqual(toolkitSpec());

    const compiled = await compileWorkspace(workspaceDir);
    expect(compiled).toEqual({ exitCode: 0, output: '' });
    expect(readdirSync(join(workspaceDir, 'dist/test'))).toEqual(['toolkit.test.js']);

    const tested = await testWorkspace(workspaceDir);
    expect(tested.exitCode).toBe(0);
    expect(tapResults(tested.output)).toEqual({
      'add example 1: add(1, 2) returns 3': true,
      'add example 2: add(-4, 4) returns 0': true,
      'reverse example 1: reverse("abc") returns "cba"': true,
      'reverse example 2: reverse("") returns ""': true,
      'max example 1: max([3, 9, 2]) returns 9': true,
      'evens example 1: evens([1, 2, 3, 4]) returns [2, 4]': true,
    });
  });

  it('publishes codegen.completed in the trace of the request', async () => {
    const result = await generate({ spec: wrongExampleSpec() });
    const traceId = result.workspace.split('/')[0];
    const { rows } = await db.pool.query<{ trace_id: string; source: string; data: unknown }>(
      "select trace_id, source, data from bus_events where type = 'codegen.completed' and trace_id = $1",
      [traceId],
    );
    expect(rows).toEqual([
      {
        trace_id: traceId,
        source: 'codegen-worker',
        data: { workspace: result.workspace, generator: 'template', files: 6 },
      },
    ]);
  });

  it('writes tests that fail, with the failing example reported, when an example is wrong', async () => {
    const result = await generate({ spec: wrongExampleSpec(), generator: 'template' });
    const workspaceDir = join(artifactsBase, result.workspace);

    expect(await compileWorkspace(workspaceDir)).toEqual({ exitCode: 0, output: '' });
    const tested = await testWorkspace(workspaceDir);
    expect(tested.exitCode).not.toBe(0);
    expect(tapResults(tested.output)).toEqual({
      'double example 1: double(2) returns 4': true,
      'double example 2: double(3) returns 7': false,
    });
    expect(tested.output).toMatch(/6 !== 7/);
  });

  it('gives byte-identical files for the same spec in two requests', async () => {
    const first = await generate({ spec: toolkitSpec() });
    const second = await generate({ spec: toolkitSpec() });
    expect(second.workspace).not.toBe(first.workspace);
    expect(second.files).toEqual(first.files);
  });

  it('refuses a forbidden expression at once with INVALID_SPEC naming the function and token, writing nothing', async () => {
    const spec = toolkitSpec();
    spec.functions[1].expression = "s.constructor.constructor('return process')().exit(1)";
    const error = await generate({ spec }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RemoteErrorException);
    expect(error).toMatchObject({ code: 'INVALID_SPEC', outcome: 'failed' });
    expect((error as Error).message).toMatch(/function "reverse": the expression is not allowed at "constructor"/);
    const { rows } = await db.pool.query<{ attempts: number; trace_id: string }>(
      "select attempts, trace_id from agent_messages where id = $1 and kind = 'request'",
      [(error as RemoteErrorException).requestId],
    );
    expect(rows).toEqual([{ attempts: 1, trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) as string }]);
    expect(existsSync(join(artifactsBase, rows[0].trace_id))).toBe(false);
  });

  it('refuses a spec without expressions for the template generator', async () => {
    const spec = wrongExampleSpec();
    delete spec.functions[0].expression;
    await expect(generate({ spec })).rejects.toMatchObject({
      code: 'INVALID_SPEC',
      message: expect.stringContaining(
        'function "double" has no expression: give an expression or use generator "llm"',
      ) as string,
    });
  });

  it('refuses a malformed payload with the validation errors of every field', async () => {
    const error = await generate({
      spec: { module: 'Bad Module', functions: [{ name: '1x', params: [], returns: 'date', examples: [] }] },
      generator: 'gpt',
      extra: true,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const message = (error as Error).message;
    expect(message).toMatch(/module must be lowercase letters, digits and dashes/);
    expect(message).toMatch(/name must be a TypeScript identifier/);
    expect(message).toMatch(/returns must be one of the following values/);
    expect(message).toMatch(/examples must contain at least 1 elements/);
    expect(message).toMatch(/generator must be one of the following values/);
    expect(message).toMatch(/property extra should not exist/);
  });

  it('reports the reachability of the optional generators', async () => {
    const status = await lastValueFrom(caller.client.send<IntegrationStatus>(Patterns.CodegenIntegrationStatus, {}));
    expect(status.llm).toEqual({
      configured: true,
      baseUrl: `${llmEndpoint.url}/v1`,
      model: 'fake-coder',
      reachable: true,
      latencyMs: expect.any(Number) as number,
    });
    expect(status.cogoWorker).toMatchObject({ enabled: true, reachable: false, latencyMs: null });
    expect(status.cogoWorker.error).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:\d+\/health: ECONNREFUSED$/);
    const probe = llmEndpoint.requests.find((request) => request.path === '/v1/models');
    expect(probe?.headers.authorization).toBe('Bearer sk-bus-test-secret');
    expect(JSON.stringify(status)).not.toContain('sk-bus-test-secret');
  });
});
