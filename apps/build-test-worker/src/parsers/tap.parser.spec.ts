import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTap } from './tap.parser';

/** Real output of `node --test --test-reporter=tap` (Node 20.20), run in /tmp/ws1 (see fixtures/). */
const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const WORKSPACE = '/tmp/ws1';

describe(parseTap.name, () => {
  describe('a run with passing, failing, skipped, todo and nested tests', () => {
    const report = parseTap(fixture('tap-mixed.txt'), { workspaceDir: WORKSPACE });

    it('lists every test without subtests, named by its path', () => {
      expect(report.tests.map((test) => [test.name, test.status])).toEqual([
        ['adds', 'passed'],
        ['fails', 'failed'],
        ['deep fails', 'failed'],
        ['skipped', 'skipped'],
        ['todo', 'skipped'],
        ['suite > nested ok', 'passed'],
        ['suite > nested fail', 'failed'],
        ['parent > child 1', 'passed'],
        ['parent > child 2', 'failed'],
      ]);
    });

    it('counts a parent that failed only through its subtests once, through the subtest', () => {
      expect([report.passed, report.failed, report.skipped]).toEqual([3, 4, 2]);
      expect(report.complete).toBe(true);
    });

    it('reads durations from the YAML block', () => {
      expect(report.tests[0].durationMs).toBe(2.985);
      expect(report.tests[8].durationMs).toBe(18.127);
    });

    it('gives the assertion message with the expected and actual values', () => {
      expect(report.tests[1].failure).toBe('one plus two\n\n3 !== 4\nexpected: 4\nactual: 3');
    });

    it('keeps a multi-line error and nested expected/actual values readable', () => {
      expect(report.tests[6].failure).toBe('multi\nline\nmessage');
      const deep = report.tests[2].failure ?? '';
      expect(deep).toMatch(/^Expected values to be strictly deep-equal:\n\+ actual - expected\n/);
      expect(deep).toMatch(/\+ {5}2\n- {5}3/);
      expect(deep).toMatch(/expected:\n {2}a:\n {4}0: 1\n {4}1: 3\nactual:\n {2}a:\n {4}0: 1\n {4}1: 2$/);
    });

    it('has no failure message on passing or skipped tests', () => {
      expect(report.tests.filter((test) => test.status !== 'failed').every((test) => test.failure === undefined)).toBe(
        true,
      );
    });
  });

  describe('names, directives and failure kinds that need care', () => {
    const report = parseTap(fixture('tap-weird.txt'));

    it('unescapes names and does not take an escaped # for a directive', () => {
      expect(report.tests[0]).toMatchObject({ name: 'name with # hash and \\ backslash', status: 'passed' });
      // Node escapes the backslash it wrote for the newline, so only a literal "\n" can be recovered.
      expect(report.tests[1]).toMatchObject({ name: 'name with\\nnewline', status: 'passed' });
    });

    it('treats runtime skips, passing todos and skipped suites as skipped', () => {
      expect(report.tests.slice(2, 5).map((test) => [test.name, test.status])).toEqual([
        ['runtime skip', 'skipped'],
        ['passing todo', 'skipped'],
        ['skipped suite', 'skipped'],
      ]);
    });

    it('lists a suite whose hook failed, with the hook error, next to its cancelled test', () => {
      expect(report.tests.filter((test) => test.name.startsWith('hook fails'))).toEqual([
        {
          name: 'hook fails > needs setup',
          status: 'failed',
          durationMs: 0,
          failure: 'test did not finish before its parent and was cancelled',
        },
        { name: 'hook fails', status: 'failed', durationMs: 0.699, failure: 'setup broke' },
      ]);
    });

    it('unquotes errors that util.inspect wrote in double quotes, and per-test timeouts', () => {
      expect(report.tests.find((test) => test.name === 'error with a non-assertion')?.failure).toBe(
        "can't read 'x' of undefined",
      );
      expect(report.tests.find((test) => test.name === 'timeout')?.failure).toBe('test timed out after 50ms');
    });

    it('keeps multi-line expected and actual strings', () => {
      expect(report.tests.find((test) => test.name === 'strings differ')?.failure).toMatch(
        /expected:\n {2}hello\n {2}there\nactual:\n {2}hello\n {2}world$/,
      );
    });

    it('counts what it listed', () => {
      expect([report.passed, report.failed, report.skipped]).toEqual([2, 6, 3]);
    });
  });

  it('reports a crashed test file by its workspace-relative path, with the signal or exit code', () => {
    const report = parseTap(fixture('tap-crashed.txt'), { workspaceDir: WORKSPACE });
    expect(report.tests).toEqual([
      { name: 'prints env', status: 'passed', durationMs: 3.312 },
      {
        name: 'dist/t3/hog.test.js',
        status: 'failed',
        durationMs: 493.215,
        failure: 'test failed\nthe test process was killed by SIGABRT',
      },
      {
        name: 'dist/t3/throws-top.test.js',
        status: 'failed',
        durationMs: 101.4,
        failure: 'test failed\nthe test process exited with code 1',
      },
    ]);
  });

  it('does not mistake what the tests printed (TAP comments) for results', () => {
    const report = parseTap(fixture('tap-crashed.txt'));
    expect(report.tests.some((test) => test.name.includes('ENV'))).toBe(false);
    expect(parseTap('# ok 1 - printed by a test\n# not ok 2 - also printed\n').tests).toEqual([]);
  });

  it('returns the tests reported before the stream was cut off, and says it is incomplete', () => {
    const report = parseTap(fixture('tap-killed.txt'));
    expect(report.tests).toEqual([{ name: 'first file passes', status: 'passed', durationMs: 2.277 }]);
    expect(report.complete).toBe(false);
  });

  it('keeps a test whose YAML block was cut off mid-way', () => {
    const report = parseTap('TAP version 13\nnot ok 1 - cut\n  ---\n  duration_ms: 5\n  error: |-\n    first line');
    expect(report.tests).toEqual([{ name: 'cut', status: 'failed', durationMs: 5, failure: 'first line' }]);
  });

  it('returns nothing for output that is not TAP', () => {
    expect(parseTap('')).toEqual({ tests: [], passed: 0, failed: 0, skipped: 0, complete: false });
    expect(parseTap('Error: Cannot find module\n    at x').tests).toEqual([]);
  });
});
