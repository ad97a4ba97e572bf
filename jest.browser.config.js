const base = require('./jest.base.config');

/**
 * Browser tier: the developer viewer (`/dev`) in Debian's Chromium driven by playwright-core,
 * against every agent as a real process (like the end-to-end tier, whose global setup builds
 * dist and starts Postgres). Screenshots are kept in reports/browser.
 */
module.exports = {
  ...base,
  displayName: 'browser',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/e2e-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 180_000,
  maxWorkers: 1,
};
