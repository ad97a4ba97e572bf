import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

describe('ci:gates:accept', () => {
  it('exits non-zero when the same workload meets a threshold it must breach', async () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'gates.config.json'), 'utf8')) as {
      failure_rate: { max: number };
    };
    // The workload fails a few deliveries on purpose (about 1-2%): 0.1% cannot hold.
    config.failure_rate.max = 0.001;
    const dir = mkdtempSync(join(tmpdir(), 'cogo-gates-test-'));
    const tight = join(dir, 'gates.tight.json');
    writeFileSync(tight, JSON.stringify(config));
    try {
      const result = await new Promise<{ code: number | null; stdout: string }>((done) => {
        execFile(
          process.execPath,
          [join(ROOT, 'dist/scripts/ci-gates-accept.js')],
          { cwd: ROOT, env: { ...process.env, GATES_CONFIG: tight }, timeout: 600_000, maxBuffer: 32 * 1024 * 1024 },
          (error, stdout) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout }),
        );
      });
      expect(result.stdout).toContain('FAIL: a gate is breached');
      expect(result.code).toBe(1);
      const report = JSON.parse(readFileSync(join(ROOT, 'reports/gates.json'), 'utf8')) as {
        passed: boolean;
        gates: { gate: string; status: string }[];
      };
      expect(report.passed).toBe(false);
      expect(report.gates.find((verdict) => verdict.gate === 'failure_rate')).toMatchObject({ status: 'fail' });
      const others = report.gates.filter((verdict) => verdict.gate !== 'failure_rate');
      expect(others.every((verdict) => verdict.status === 'pass')).toBe(true);
      expect(readFileSync(join(ROOT, 'reports/gates.junit.xml'), 'utf8')).toMatch(/<failure /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 660_000);
});
