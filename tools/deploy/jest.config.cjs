module.exports = {
  displayName: 'deploy-checks',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 180000,
  // One Kafka for the run (Apache Kafka unless EVENTPATH_TEST_KAFKA says otherwise), shared by the apps started from their builds.
  globalSetup: '../../tools/src/test-kafka/jest-global-setup.ts',
  globalTeardown: '../../tools/src/test-kafka/jest-global-teardown.ts',
};
