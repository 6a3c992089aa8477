module.exports = {
  displayName: 'fronting-worker',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60000,
  // One Kafka for every test file of the run (the tests' fronting cluster), as
  // tools/src/test-kafka/jest-global-setup.ts starts it, plus a second Apache
  // Kafka as their mainstream cluster: the relay lib's global setup does both.
  globalSetup: '../../libs/relay/src/test-support/jest-global-setup.ts',
  globalTeardown: '../../tools/src/test-kafka/jest-global-teardown.ts',
};
