module.exports = {
  displayName: 'schemas',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60000,
};
