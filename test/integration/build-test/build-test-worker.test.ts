import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { type CompileResult, Events, Patterns, type TestRunResult } from '@cogo/contracts';
import { CompileService } from '../../../apps/build-test-worker/src/services/compile.service';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';
import { BusCaller, startBuildTestWorker } from './worker.harness';
import { ENV_PRINTER, FAILING_TEST, PASSING, TYPE_ERROR, writeWorkspace } from './workspace.builder';

const SECRET = `sk-live-${'f'.repeat(8)}-worker-secret`;
const ROLE_KEY = 'eyJhbGciOiJIUzI1NiJ9.fake-service-role-key.signature';

describe('build-test worker on the bus: real tsc and node --test', () => {
  let db: TestDatabase;
  let root: string;
  let base: string;
  let worker: INestApplication;
  let caller: BusCaller;
  const saved = {
    secret: process.env.COGO_FAKE_SECRET,
    roleKey: process.env.SUPABASE_SERVICE_ROLE_KEY,
    databaseUrl: process.env.DATABASE_URL,
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    root = mkdtempSync(join(tmpdir(), 'cogo-build-test-'));
    base = join(root, 'artifacts');
    writeWorkspace(base, 'trace-1/passing', PASSING);
    writeWorkspace(base, 'trace-1/type-error', TYPE_ERROR);
    writeWorkspace(base, 'trace-1/failing-test', FAILING_TEST);
    writeWorkspace(base, 'trace-1/env-printer', ENV_PRINTER);
    writeWorkspace(base, 'trace-1/not-compiled', PASSING);
    writeWorkspace(root, 'outside', PASSING);
    symlinkSync(join(root, 'outside'), join(base, 'trace-1/link-out'));
    mkdirSync(join(base, 'trace-1/empty'));
    // The worker runs in this process: whatever is in its environment, a child must not see.
    process.env.COGO_FAKE_SECRET = SECRET;
    process.env.SUPABASE_SERVICE_ROLE_KEY = ROLE_KEY;
    process.env.DATABASE_URL = db.url;
    worker = await startBuildTestWorker({ databaseUrl: db.url, artifactsBase: base });
    caller = await BusCaller.connect(db.url);
  });

  afterAll(async () => {
    await caller?.close();
    await worker?.close();
    await db?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
    for (const [name, value] of [
      ['COGO_FAKE_SECRET', saved.secret],
      ['SUPABASE_SERVICE_ROLE_KEY', saved.roleKey],
      ['DATABASE_URL', saved.databaseUrl],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const compile = (workspace: string): Promise<CompileResult> =>
    caller.send<CompileResult>(Patterns.BuildCompile, { workspace, timeoutMs: 30_000 });
  const runTests = (workspace: string): Promise<TestRunResult> =>
    caller.send<TestRunResult>(Patterns.TestRun, { workspace, timeoutMs: 30_000 });

  describe('a passing workspace', () => {
    let compiled: CompileResult;
    let tested: TestRunResult;

    beforeAll(async () => {
      compiled = await compile('trace-1/passing');
      tested = await runTests('trace-1/passing');
    });

    it('compiles ok into dist, with its logs as artifacts', () => {
      expect(compiled).toMatchObject({
        workspace: 'trace-1/passing',
        ok: true,
        diagnostics: [],
        exitCode: 0,
        timedOut: false,
        logs: ['trace-1/passing/.logs/compile.log', 'trace-1/passing/.logs/compile.json'],
      });
      expect(readFileSync(join(base, 'trace-1/passing/dist/src/math.js'), 'utf8')).toMatch(/function add/);
      const saved = JSON.parse(readFileSync(join(base, compiled.logs[1]), 'utf8')) as CompileResult;
      expect(saved).toEqual(compiled);
      expect(readFileSync(join(base, compiled.logs[0]), 'utf8')).toMatch(/tsc -p tsconfig\.json --pretty false/);
    });

    it('passes its tests, with counts, names and durations', () => {
      expect(tested).toMatchObject({ ok: true, passed: 2, failed: 0, skipped: 1, exitCode: 0, timedOut: false });
      expect(tested.tests.map((test) => [test.name, test.status])).toEqual([
        ['adds two numbers', 'passed'],
        ['adds negative numbers', 'passed'],
        ['subtracts', 'skipped'],
      ]);
      expect(tested.tests[0].durationMs).toBeGreaterThan(0);
      expect(readFileSync(join(base, 'trace-1/passing/.logs/test.log'), 'utf8')).toMatch(/^ok 1 - adds two numbers$/m);
    });

    it('publishes build.completed and test.completed', async () => {
      const { rows } = await db.pool.query<{ type: string; source: string; data: Record<string, unknown> }>(
        "select type, source, data from bus_events where data->>'workspace' = 'trace-1/passing' order by created_at",
      );
      expect(rows).toEqual([
        {
          type: Events.BuildCompleted,
          source: 'build-test-worker',
          data: { workspace: 'trace-1/passing', ok: true, errors: 0, timedOut: false, durationMs: compiled.durationMs },
        },
        {
          type: Events.TestCompleted,
          source: 'build-test-worker',
          data: {
            workspace: 'trace-1/passing',
            ok: true,
            passed: 2,
            failed: 0,
            skipped: 1,
            timedOut: false,
            durationMs: tested.durationMs,
          },
        },
      ]);
    });
  });

  it('answers a type error with ok false and a diagnostic at the right file and line, without retrying', async () => {
    const result = await compile('trace-1/type-error');
    expect(result.ok).toBe(false);
    expect(result.exitCode).not.toBe(0);
    expect(result.diagnostics).toEqual([
      {
        file: 'src/constants.ts',
        line: 2,
        column: 14,
        code: 'TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
        severity: 'error',
      },
    ]);
    const { rows } = await db.pool.query<{ status: string; attempts: number }>(
      "select status, attempts from agent_messages where kind = 'request' and payload->>'workspace' = 'trace-1/type-error'",
    );
    expect(rows).toEqual([{ status: 'done', attempts: 1 }]);
  });

  it('answers a failing test with failed 1 and the assertion message', async () => {
    // Output of an earlier compile whose source is gone: it must not run.
    const stale = join(base, 'trace-1/failing-test/dist/test/removed.test.js');
    writeWorkspace(base, 'trace-1/failing-test', {
      'dist/test/removed.test.js': "require('node:test').test('stale', () => { throw new Error('stale'); });",
    });
    expect((await compile('trace-1/failing-test')).ok).toBe(true);
    expect(existsSync(stale)).toBe(false);
    const result = await runTests('trace-1/failing-test');
    expect(result).toMatchObject({ ok: false, passed: 1, failed: 1, skipped: 0, timedOut: false });
    expect(result.exitCode).not.toBe(0);
    const failing = result.tests.find((test) => test.status === 'failed');
    expect(failing?.name).toBe('adds two and two');
    expect(failing?.failure).toMatch(/two and two make five/);
    expect(failing?.failure).toMatch(/expected: 5\nactual: 4/);
  });

  it('runs tests with a scrubbed environment: no secret of the worker reaches them or their log', async () => {
    expect((await compile('trace-1/env-printer')).ok).toBe(true);
    const result = await runTests('trace-1/env-printer');
    expect(result).toMatchObject({ ok: true, passed: 1 });
    const dir = join(base, 'trace-1/env-printer');
    const seen = JSON.parse(readFileSync(join(dir, 'environment.json'), 'utf8')) as Record<string, string>;
    // The test runner adds NODE_TEST_CONTEXT for its own child; nothing else comes from outside the sandbox.
    expect(Object.keys(seen).sort()).toEqual(['HOME', 'LANG', 'NODE_TEST_CONTEXT', 'PATH', 'TMPDIR']);
    expect(seen).toMatchObject({ HOME: dir, TMPDIR: join(dir, '.tmp'), LANG: 'C.UTF-8' });
    const log = readFileSync(join(dir, '.logs/test.log'), 'utf8');
    expect(log).toContain('ENVIRONMENT {');
    for (const text of [log, JSON.stringify(result), readFileSync(join(dir, '.logs/test.json'), 'utf8')]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(ROLE_KEY);
      expect(text).not.toContain(db.url);
    }
  });

  describe('refusals', () => {
    it.each([
      ['../x', 'INVALID_WORKSPACE'],
      ['trace-1/../../outside', 'INVALID_WORKSPACE'],
      ['trace-1/link-out', 'INVALID_WORKSPACE'],
      ['trace-1/missing', 'WORKSPACE_NOT_FOUND'],
    ])('refuses %s with %s, without retrying', async (workspace, code) => {
      for (const pattern of [Patterns.BuildCompile, Patterns.TestRun]) {
        const error = await caller.failure(pattern, { workspace });
        expect(error.code).toBe(code);
        expect(error.message).toContain(`"${workspace}"`);
      }
      const { rows } = await db.pool.query<{ status: string; attempts: number }>(
        "select status, attempts from agent_messages where kind = 'request' and payload->>'workspace' = $1",
        [workspace],
      );
      expect(rows).toEqual([
        { status: 'failed', attempts: 1 },
        { status: 'failed', attempts: 1 },
      ]);
    });

    it('never wrote into the directory a symlink pointed to', () => {
      expect(() => readFileSync(join(root, 'outside/.logs/compile.log'))).toThrow(/ENOENT/);
    });

    it('refuses an absolute path: the DTO stops it on the bus, the service on its own', async () => {
      const error = await caller.failure(Patterns.BuildCompile, { workspace: '/etc' });
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toMatch(/workspace must be a relative artifact path/);
      await expect(worker.get(CompileService).compile({ workspace: '/etc' })).rejects.toMatchObject({
        code: 'INVALID_WORKSPACE',
      });
    });

    it('refuses test.run on a workspace that was never compiled with NOT_COMPILED', async () => {
      const error = await caller.failure(Patterns.TestRun, { workspace: 'trace-1/not-compiled' });
      expect(error.code).toBe('NOT_COMPILED');
      expect(error.message).toMatch(/Run build.compile on it first/);
    });

    it('answers a workspace without tsconfig.json with a failed compile naming the problem', async () => {
      const result = await compile('trace-1/empty');
      expect(result.ok).toBe(false);
      expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'TS5058', file: '' })]);
    });

    it('refuses a bad timeout with a validation error naming the field', async () => {
      const error = await caller.failure(Patterns.TestRun, { workspace: 'trace-1/passing', timeoutMs: 10 });
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toMatch(/timeoutMs must not be less than 1000/);
    });
  });
});
