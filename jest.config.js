/**
 * Three tiers: unit tests next to the code; contract tests next to the code too, each case run on SQLite and on a
 * real PostgreSQL that the project's global setup starts once per run; integration tests under test/ against real
 * influxd and MQTT.
 */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
// The libs' entry points (@hub/contract, …) come from tsconfig's paths, the one place they are written.
const moduleNameMapper = pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' });

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testMatch: ['<rootDir>/{apps,libs,devices-sim,eslint}/**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.contract\\.spec\\.ts$'],
    },
    {
      displayName: 'contract',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testMatch: ['<rootDir>/{apps,libs}/**/*.contract.spec.ts'],
      globalSetup: '<rootDir>/test/harness/postgres-global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/postgres-global-teardown.ts',
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/harness/integration-setup.ts'],
    },
  ],
};
