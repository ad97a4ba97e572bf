import { Capabilities, type CompileResult, type TestRunResult } from '@cogo/contracts';

export type StepVerdict = { ok: true } | { ok: false; code: string; message: string };

/**
 * Whether a step's output means the step succeeded. Build and test report failures as results
 * (a compile error is not a crash), so the workflow decides here that the step failed, and why.
 */
export function judgeStepOutput(capability: string, output: unknown): StepVerdict {
  if (capability === Capabilities.BuildCompile) {
    const result = output as CompileResult;
    if (result.ok) return { ok: true };
    if (result.timedOut)
      return { ok: false, code: 'COMPILE_TIMED_OUT', message: 'The compiler did not finish in time.' };
    const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    const first = errors[0];
    return {
      ok: false,
      code: 'COMPILE_FAILED',
      message: first
        ? `${errors.length} compile error(s); first: ${first.file}:${first.line}:${first.column} ${first.code} ${first.message}`
        : `The compiler failed (exit code ${String(result.exitCode)}) without diagnostics; see its log.`,
    };
  }
  if (capability === Capabilities.TestRun) {
    const result = output as TestRunResult;
    if (result.ok) return { ok: true };
    if (result.timedOut)
      return {
        ok: false,
        code: 'TESTS_TIMED_OUT',
        message: `The tests did not finish in time (${result.passed} passed before that).`,
      };
    const failures = result.tests.filter((test) => test.status === 'failed');
    const details = failures
      .slice(0, 3)
      .map((test) => `${test.name}${test.failure ? `: ${test.failure.split('\n')[0]}` : ''}`)
      .join('; ');
    return {
      ok: false,
      code: 'TESTS_FAILED',
      message: `${result.failed} of ${result.passed + result.failed + result.skipped} test(s) failed${details ? `: ${details}` : ''}`,
    };
  }
  return { ok: true };
}
