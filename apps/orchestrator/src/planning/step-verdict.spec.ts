import { judgeStepOutput } from './step-verdict';

describe(judgeStepOutput.name, () => {
  it('fails a compile step with the first error and where it is', () => {
    expect(
      judgeStepOutput('build.compile', {
        ok: false,
        timedOut: false,
        exitCode: 2,
        diagnostics: [
          {
            file: 'src/math.ts',
            line: 3,
            column: 10,
            code: 'TS2322',
            message: "Type 'string' is not assignable to type 'number'.",
            severity: 'error',
          },
          { file: 'src/math.ts', line: 9, column: 1, code: 'TS1005', message: "';' expected.", severity: 'error' },
        ],
      }),
    ).toEqual({
      ok: false,
      code: 'COMPILE_FAILED',
      message: "2 compile error(s); first: src/math.ts:3:10 TS2322 Type 'string' is not assignable to type 'number'.",
    });
  });

  it('fails a test step with the failing tests named', () => {
    expect(
      judgeStepOutput('test.run', {
        ok: false,
        timedOut: false,
        passed: 1,
        failed: 1,
        skipped: 0,
        tests: [
          { name: 'add(1, 2) === 3', status: 'passed', durationMs: 1 },
          {
            name: 'add(2, 2) === 5',
            status: 'failed',
            durationMs: 1,
            failure: 'Expected values to be strictly deep-equal:\n4 !== 5',
          },
        ],
      }),
    ).toEqual({
      ok: false,
      code: 'TESTS_FAILED',
      message: '1 of 2 test(s) failed: add(2, 2) === 5: Expected values to be strictly deep-equal:',
    });
  });

  it('passes successful results and capabilities without a verdict of their own', () => {
    expect(judgeStepOutput('test.run', { ok: true })).toEqual({ ok: true });
    expect(judgeStepOutput('codegen.generate', { workspace: 'x' })).toEqual({ ok: true });
  });
});
