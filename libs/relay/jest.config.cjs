module.exports = {
  displayName: 'relay',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60000,
  // The run's shared Kafka (the tests' fronting cluster) and a second Apache
  // Kafka (their mainstream cluster), both started once for every test file.
  globalSetup: './src/test-support/jest-global-setup.ts',
  globalTeardown: '../../tools/src/test-kafka/jest-global-teardown.ts',
};
