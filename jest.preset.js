// Shared Jest settings for every project: TypeScript through SWC, path aliases
// from tsconfig.base.json through Nx's resolver, Node environment.
const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.(ts|js|mjs)$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  // ESM-only packages are transformed to CommonJS for Jest's module system.
  transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer|@hpcc-js/wasm-zstd)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
