/**
 * Tests run as native ESM (see the `test` script's --experimental-vm-modules) so that the code
 * under test is loaded exactly as Node loads it in production.
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^#shared$': '<rootDir>/shared/src/index.ts',
    '^#demo$': '<rootDir>/shared/src/demo/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true } }],
  },
  testMatch: ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/'],
  globalSetup: './test/global-setup.js',
  globalTeardown: './test/global-teardown.js',
  testTimeout: 60_000,
  maxWorkers: 2,
};
