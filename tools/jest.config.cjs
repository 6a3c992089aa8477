module.exports = {
  displayName: 'dev-infra',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60000,
};
