import { access, chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DevKafkaCompileError, DevKafkaToolchainError } from './errors';
import { ensureLauncherBinary } from './launcher-binary';

describe('ensureLauncherBinary', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dev-kafka-binary-'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A stand-in compiler that prints `stderr` (no single quotes) and fails. */
  const failingCompiler = async (stderr: string): Promise<string> => {
    const script = path.join(dir, 'fake-gcc');
    await writeFile(script, `#!/bin/sh\necho '${stderr}' >&2\nexit 1\n`);
    await chmod(script, 0o755);
    return script;
  };

  it('names the packages to install and the setup command when the compiler is missing', async () => {
    const build = ensureLauncherBinary({ compiler: path.join(dir, 'no-such-gcc'), cacheDir: path.join(dir, 'cache') });

    await expect(build).rejects.toBeInstanceOf(DevKafkaToolchainError);
    await expect(build).rejects.toThrow(/no-such-gcc.*not found/);
    const { message } = (await build.catch((error: unknown) => error)) as Error;
    expect(message).toContain('gcc');
    expect(message).toContain('librdkafka-dev');
    expect(message).toContain('npm run setup');
  });

  it('names the packages to install when the librdkafka headers are missing', async () => {
    const compiler = await failingCompiler(
      'launcher.c:36:10: fatal error: librdkafka/rdkafka.h: No such file or directory',
    );

    const build = ensureLauncherBinary({ compiler, cacheDir: path.join(dir, 'cache') });

    await expect(build).rejects.toBeInstanceOf(DevKafkaToolchainError);
    await expect(build).rejects.toThrow(/librdkafka-dev.*npm run setup/s);
  });

  it('reports other compiler failures with the compiler output', async () => {
    const compiler = await failingCompiler('launcher.c:1:1: error: expected declaration specifiers');

    const build = ensureLauncherBinary({ compiler, cacheDir: path.join(dir, 'cache') });

    await expect(build).rejects.toBeInstanceOf(DevKafkaCompileError);
    await expect(build).rejects.toThrow('expected declaration specifiers');
  });

  it('compiles once into a binary named after the source hash and reuses it', async () => {
    const cacheDir = path.join(dir, 'cache');

    const [first, concurrent] = await Promise.all([ensureLauncherBinary({ cacheDir }), ensureLauncherBinary({ cacheDir })]);
    const builtAt = (await stat(first)).mtimeMs;

    expect(concurrent).toBe(first);
    expect(path.basename(first)).toMatch(/^launcher-[0-9a-f]{16}$/);
    await access(first);
    expect(await readdir(cacheDir)).toEqual([path.basename(first)]);
    // A build that finds the binary in the cache does not run the compiler.
    expect(await ensureLauncherBinary({ cacheDir, compiler: path.join(dir, 'no-such-gcc') })).toBe(first);
    expect((await stat(first)).mtimeMs).toBe(builtAt);
  });
});
