module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  // One chaos run per file; EVENTPATH_E2E_LONG=1 makes it longer (see README.md).
  testTimeout: 900000,
};
