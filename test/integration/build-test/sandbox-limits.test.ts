import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { type CompileResult, Patterns, type TestRunResult } from '@cogo/contracts';
import { isRunning, processGroupMembers, waitFor } from '../../support/process-tools';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';
import { BusCaller, startBuildTestWorker } from './worker.harness';
import { INFINITE_LOOP, MEMORY_HOG, PASSING, writeWorkspace } from './workspace.builder';

const LOOP_TIMEOUT_MS = 3_000;

describe('build-test worker sandbox limits (real processes)', () => {
  let db: TestDatabase;
  let root: string;
  let worker: INestApplication;
  let caller: BusCaller;

  beforeAll(async () => {
    db = await createTestDatabase();
    root = mkdtempSync(join(tmpdir(), 'cogo-sandbox-'));
    writeWorkspace(root, 'loop', INFINITE_LOOP);
    writeWorkspace(root, 'hog', MEMORY_HOG);
    writeWorkspace(root, 'after', PASSING);
    worker = await startBuildTestWorker({ databaseUrl: db.url, artifactsBase: root });
    caller = await BusCaller.connect(db.url);
    const compiled = await Promise.all(
      ['loop', 'hog', 'after'].map((workspace) =>
        caller.send<CompileResult>(Patterns.BuildCompile, { workspace, timeoutMs: 30_000 }),
      ),
    );
    expect(compiled.map((result) => result.ok)).toEqual([true, true, true]);
  });

  afterAll(async () => {
    await caller?.close();
    await worker?.close();
    await db?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('stops an infinite loop at the timeout, keeps the tests reported so far, and leaves no process behind', async () => {
    const started = Date.now();
    const reply = caller.send<TestRunResult>(Patterns.TestRun, { workspace: 'loop', timeoutMs: LOOP_TIMEOUT_MS });
    const pidsFile = join(root, 'loop/pids.json');
    const pids = await waitFor(
      () => (existsSync(pidsFile) ? (JSON.parse(readFileSync(pidsFile, 'utf8')) as Record<string, number>) : undefined),
      'the looping test to record its pids',
      LOOP_TIMEOUT_MS,
      20,
    );
    const group = Number(
      execFileSync('ps', ['-o', 'pgid=', '-p', String(pids.test)])
        .toString()
        .trim(),
    );
    expect(processGroupMembers(group)).toEqual(expect.arrayContaining([pids.test, pids.runner, pids.sleeper]));

    const result = await reply;
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ workspace: 'loop', ok: false, timedOut: true, exitCode: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(LOOP_TIMEOUT_MS);
    expect(elapsed).toBeLessThan(LOOP_TIMEOUT_MS + 2_000);
    // The first file finished before the loop started; its tests are in the partial result.
    expect(result.tests.map((test) => [test.name, test.status])).toEqual([
      ['adds two numbers', 'passed'],
      ['adds negative numbers', 'passed'],
      ['subtracts', 'skipped'],
    ]);
    expect(processGroupMembers(group)).toEqual([]);
    for (const pid of [pids.test, pids.runner, pids.sleeper]) expect(isRunning(pid)).toBe(false);
  });

  it('kills a test that allocates without bound, reports it as failed, and the worker carries on', async () => {
    const rssBefore = process.memoryUsage().rss;
    const result = await caller.send<TestRunResult>(Patterns.TestRun, { workspace: 'hog', timeoutMs: 30_000 });
    expect(result).toMatchObject({ ok: false, timedOut: false, passed: 0, failed: 2 });
    expect(result.exitCode).not.toBe(0);
    const byName = Object.fromEntries(result.tests.map((test) => [test.name, test.failure ?? '']));
    // The heap cap (--max-old-space-size) aborts V8 (the whole test file dies); the data rlimit
    // makes an ArrayBuffer allocation throw inside the test.
    expect(byName['dist/test/heap.test.js']).toMatch(/killed by SIGABRT/);
    expect(byName['allocates buffers forever']).toMatch(/Array buffer allocation failed/);
    const log = readFileSync(join(root, 'hog/.logs/test.log'), 'utf8');
    expect(log).toMatch(/heap out of memory/);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);

    const after = await caller.send<TestRunResult>(Patterns.TestRun, { workspace: 'after', timeoutMs: 30_000 });
    expect(after).toMatchObject({ ok: true, passed: 2 });
  });
});
