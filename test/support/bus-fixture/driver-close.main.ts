/**
 * `node driver-close.main.js` with SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY: opens a Supabase
 * driver (two listening channels and a call), closes it, prints "CLOSED" and then must end on its
 * own. A timer or socket left behind by `close()` keeps the process alive, which the test sees.
 */
import { SupabaseDriver } from '@cogo/bus';

async function main(): Promise<void> {
  const driver = new SupabaseDriver({
    url: process.env.SUPABASE_URL!,
    serviceRoleKey: process.env.SUPABASE_SERVICE_ROLE_KEY!,
    heartbeatIntervalMs: 1_000,
  });
  const states: string[] = [];
  const handlers = { onWake: () => undefined, onState: (state: string) => states.push(state) };
  await driver.listen('closing-a', handlers);
  await driver.listen('closing-b', handlers);
  await driver.ping();
  await driver.close();
  process.stdout.write(`CLOSED ${JSON.stringify(states)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`driver-close failed: ${String(error)}\n`);
  process.exit(1);
});
