import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const postgres = globalThis.__cogoTestPostgres;
  if (!postgres) return;
  await postgres.stop();
  rmSync(dirname(postgres.dataDir), { recursive: true, force: true });
}
