import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The live tier needs no local Postgres: only the fixture worker, which runs as a real Node
 * process, compiled with the libs (as the integration tier's global setup does).
 */
export default function liveGlobalSetup(): void {
  const root = resolve(__dirname, '../..');
  execFileSync(
    resolve(root, 'node_modules/.bin/swc'),
    ['libs', 'test/support', '-d', 'dist-test', '--ignore', '**/*.spec.ts', '--quiet'],
    { cwd: root, stdio: 'inherit' },
  );
}
