module.exports = {
  displayName: 'ops-checks',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  // The integration spec starts the three apps as processes on one Kafka and one redis-server of its own.
  testTimeout: 150000,
};
