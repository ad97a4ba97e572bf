const base = require('./jest.base.config');

/** Unit tier: `*.spec.ts` beside the code, no database. */
module.exports = {
  ...base,
  displayName: 'unit',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/scripts', '<rootDir>/test/deploy'],
  testMatch: ['**/*.spec.ts'],
};
