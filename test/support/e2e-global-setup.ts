import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import globalSetup from './global-setup';

/** End-to-end tests run the compiled agents as real processes: build them first, then start Postgres. */
export default async function e2eGlobalSetup(): Promise<void> {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: resolve(__dirname, '../..'), stdio: 'inherit' });
  await globalSetup();
}
