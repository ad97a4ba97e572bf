// `npm run test:live`: the bus conformance suite against a real Supabase project, named by
// SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (the project must have supabase/migrations applied).
// Without them it says SKIPPED in one line and exits 0, so it never fails a machine without a
// project. Extra arguments go to Jest.
const { spawnSync } = require('node:child_process');
const { resolve } = require('node:path');

const missing = ['SUPABASE_URL', 'SUPABASE_SERVICE_ROLE_KEY'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.log(
    `test:live SKIPPED: ${missing.join(' and ')} not set (export both to run the bus conformance suite against a real Supabase project)`,
  );
  process.exit(0);
}

const root = resolve(__dirname, '../..');
const jest = require.resolve('jest/bin/jest', { paths: [root] });
const run = spawnSync(process.execPath, [jest, '--config', 'jest.live.config.js', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
