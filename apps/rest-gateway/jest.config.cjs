module.exports = {
  displayName: 'rest-gateway',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60000,
  // One Kafka (Apache Kafka unless EVENTPATH_TEST_KAFKA says otherwise) for every test file of the run.
  globalSetup: '../../tools/src/test-kafka/jest-global-setup.ts',
  globalTeardown: '../../tools/src/test-kafka/jest-global-teardown.ts',
};
