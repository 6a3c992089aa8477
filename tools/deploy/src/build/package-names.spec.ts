import { packageNameOf } from './package-names';

describe('packageNameOf', () => {
  it.each([
    ['kafkajs', 'kafkajs'],
    ['protobufjs/ext/descriptor', 'protobufjs'],
    ['@google-cloud/storage', '@google-cloud/storage'],
    ['@hpcc-js/wasm-zstd/dist/index.js', '@hpcc-js/wasm-zstd'],
  ])('%s is the package %s', (specifier, name) => expect(packageNameOf(specifier)).toBe(name));

  it.each(['node:fs', 'fs', 'worker_threads', './local', '/abs/path'])('%s is no package', (specifier) => expect(packageNameOf(specifier)).toBeUndefined());
});
