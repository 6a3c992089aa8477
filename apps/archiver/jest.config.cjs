module.exports = {
  displayName: 'archiver',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60000,
};
