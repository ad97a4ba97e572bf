const base = require('./jest.base.config');

/** End-to-end tier: real agent processes, real HTTP (supertest), real PostgreSQL. */
module.exports = {
  ...base,
  displayName: 'e2e',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/e2e-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
};
