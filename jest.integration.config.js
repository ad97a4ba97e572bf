const base = require('./jest.base.config');

/**
 * Integration tier: real PostgreSQL. The global setup starts one embedded cluster and migrates a
 * template database once; every test file clones it (test/support/test-database.ts).
 */
module.exports = {
  ...base,
  displayName: 'integration',
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
