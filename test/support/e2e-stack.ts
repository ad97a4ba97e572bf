import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentName } from '@cogo/config';
import { LocalStack } from '../../scripts/support/local-stack';
import { freePortBlock } from './process-tools';
import { type TestDatabase, createTestDatabase } from './test-database';

export interface E2eStack {
  readonly stack: LocalStack;
  readonly db: TestDatabase;
  readonly artifactsBase: string;
  /** Everything the agents printed, for failure messages and secret checks. */
  readonly output: string[];
  close(): Promise<void>;
}

/** Every agent as a real process (compiled by the e2e global setup) on a fresh clone of the test database. */
export async function startE2eStack(
  options: { agents?: readonly AgentName[]; env?: Record<string, string> } = {},
): Promise<E2eStack> {
  const db = await createTestDatabase();
  const stateDir = mkdtempSync(join(tmpdir(), 'cogo-e2e-'));
  chmodSync(stateDir, 0o755);
  const output: string[] = [];
  const stack = await LocalStack.start({
    stateDir,
    apiPort: await freePortBlock(15),
    databaseUrl: db.url,
    agents: options.agents,
    env: { NO_COLOR: '1', ...options.env },
    onLog: (source, line) => output.push(`${source} | ${line}`),
  });
  return {
    stack,
    db,
    artifactsBase: join(stateDir, 'artifacts'),
    output,
    async close() {
      await stack.stop();
      await db.drop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
