// Shared jest settings: swc for speed, tsconfig path aliases resolved to source.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    `<rootDir>/${target}`,
  ]),
);

const transform = {
  '^.+\\.(t|j)s$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};

function tier(displayName, testMatch, extra = {}) {
  return {
    displayName,
    rootDir: __dirname,
    testEnvironment: 'node',
    transform,
    moduleNameMapper,
    testMatch,
    testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/tmp/'],
    ...extra,
  };
}

module.exports = { tier, transform, moduleNameMapper };
