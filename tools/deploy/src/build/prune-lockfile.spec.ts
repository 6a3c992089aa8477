import { pruneLockfile, type NpmLockfile } from './prune-lockfile';

const lock: NpmLockfile = {
  lockfileVersion: 3,
  packages: {
    '': { dependencies: { kept: '1.0.0', dropped: '2.0.0' } },
    'node_modules/kept': { version: '1.0.0', dependencies: { shared: '^1', nested: '^3' }, optionalDependencies: { 'kept-linux-x64': '1.0.0', 'kept-darwin-arm64': '1.0.0' } },
    'node_modules/kept-linux-x64': { version: '1.0.0', optional: true },
    'node_modules/kept/node_modules/nested': { version: '3.0.0' },
    'node_modules/nested': { version: '4.0.0' },
    'node_modules/shared': { version: '1.2.0', peerDependencies: { peer: '*' } },
    'node_modules/peer': { version: '1.0.0' },
    'node_modules/dropped': { version: '2.0.0', dependencies: { 'only-dropped': '^1' } },
    'node_modules/only-dropped': { version: '1.0.0' },
  },
};

describe('pruneLockfile', () => {
  it('keeps what the new root dependencies reach by Node resolution, nearest node_modules first', () => {
    const pruned = pruneLockfile(lock, { kept: '1.0.0' });
    expect(Object.keys(pruned.packages).sort()).toEqual(
      ['', 'node_modules/kept', 'node_modules/kept-linux-x64', 'node_modules/kept/node_modules/nested', 'node_modules/peer', 'node_modules/shared'].sort(),
    );
    expect(pruned.packages['']).toEqual({ dependencies: { kept: '1.0.0' } });
  });

  it('refuses a lockfile that lacks a required dependency, naming who needs it', () => {
    expect(() => pruneLockfile(lock, { kept: '1.0.0', absent: '1.0.0' })).toThrow('the lockfile lacks absent (needed by the root)');
  });
});
