const base = require('./jest.base.config');

/**
 * Live tier (`npm run test:live`, not part of `npm test`): the bus conformance suite with the
 * Supabase driver against the real project named by SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY.
 * No fault injection and no database connection: rows are read through the Data API, and every
 * name on the bus carries a run prefix. One file at a time, so runs never share event fan-out.
 */
module.exports = {
  ...base,
  displayName: 'live',
  roots: ['<rootDir>/test/live'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/live/live-global-setup.ts',
  testTimeout: 180_000,
  maxWorkers: 1,
};
