module.exports = {
  displayName: 'fronting-worker',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60000,
};
