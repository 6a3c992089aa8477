module.exports = {
  displayName: 'rest-gateway',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60000,
};
