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

/**
 * Integration suites run a second time on PostgreSQL (project integration-pg). device-access and scheduled-reports
 * are not among them yet: they read or seed the hub's SQLite file directly.
 */
const POSTGRES_SUITES = ['operator-access', 'device-quarantine', 'device-commands', 'alerts-api', 'notification-policies', 'town-scope', 'ingest', 'catalogue'];

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
    {
      // The same suites with the shared state in PostgreSQL instead of SQLite: the ones that touch the store most.
      displayName: 'integration-pg',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testMatch: POSTGRES_SUITES.map((name) => `<rootDir>/test/integration/${name}.e2e-spec.ts`),
      setupFiles: ['<rootDir>/test/harness/postgres-mode.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/harness/integration-setup.ts'],
      globalSetup: '<rootDir>/test/harness/postgres-global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/postgres-global-teardown.ts',
    },
  ],
};
