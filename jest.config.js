// Three tiers (docs/testing.md): unit (pure, fast), integration ("medium": real Postgres,
// Redis, Kafka mock cluster, real sockets), e2e (real processes).
const { tier } = require('./jest.preset');

module.exports = {
  projects: [
    tier('unit', ['<rootDir>/{apps,libs,tools}/**/*.spec.ts']),
    tier('integration', ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'], {
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
    }),
    tier('e2e', ['<rootDir>/{apps,libs,tools}/**/*.e2e-spec.ts'], {
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
    }),
  ],
};
