module.exports = {
  displayName: 'queues',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60000,
};
