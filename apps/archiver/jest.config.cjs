module.exports = {
  displayName: 'archiver',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 120000,
  // One Kafka for the whole run (see libs/queues/jest.config.cjs); tests make unique topics and groups.
  globalSetup: '../../tools/src/test-kafka/jest-global-setup.ts',
  globalTeardown: '../../tools/src/test-kafka/jest-global-teardown.ts',
};
