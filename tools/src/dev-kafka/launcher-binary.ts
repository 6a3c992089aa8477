import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, constants, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DevKafkaCompileError, DevKafkaToolchainError } from './errors';

/** The C sources of the launcher, shipped beside this file; the first holds main(). */
const LAUNCHER_SOURCES = ['launcher.c', 'group-guard.c'].map((file) => path.join(__dirname, file));
const LAUNCHER_SOURCE = LAUNCHER_SOURCES[0] as string;

const COMPILER_FLAGS = ['-O2'];
// -ldl: group-guard.c finds libc's functions with dlsym().
const LINK_FLAGS = ['-lrdkafka', '-ldl'];

export interface LauncherBinaryOptions {
  /** C compiler to run. Default: `gcc`. */
  compiler?: string;
  /** Directory for compiled launchers. Default: `<repo>/.cache/dev-kafka`. */
  cacheDir?: string;
}

/** Compilations started by this process, so concurrent callers share one. */
const builds = new Map<string, Promise<string>>();

/**
 * Path of a launcher compiled from the current C sources, compiling it on
 * first use. The binary is named after a sha256 of the sources and the
 * compiler flags, so an edit gets a fresh build and unchanged sources are
 * reused across runs.
 */
export function ensureLauncherBinary(options: LauncherBinaryOptions = {}): Promise<string> {
  const compiler = options.compiler ?? 'gcc';
  const cacheDir = options.cacheDir ?? defaultLauncherCacheDir();
  const key = `${compiler}\0${cacheDir}`;
  let build = builds.get(key);
  if (!build) {
    build = buildLauncher(compiler, cacheDir);
    builds.set(key, build);
    // A failed build is not remembered: after installing the toolchain the
    // next call in the same process tries again.
    build.catch(() => builds.delete(key));
  }
  return build;
}

/** `<repo>/.cache/dev-kafka`, the repository being the nearest ancestor holding nx.json. */
function defaultLauncherCacheDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return path.join(dir, '.cache', 'dev-kafka');
    if (path.dirname(dir) === dir) return path.join(tmpdir(), 'eventpath-dev-kafka');
  }
}

async function buildLauncher(compiler: string, cacheDir: string): Promise<string> {
  const hasher = createHash('sha256').update([...COMPILER_FLAGS, ...LINK_FLAGS].join(' '));
  for (const source of LAUNCHER_SOURCES) hasher.update('\0').update(await readFile(source));
  const hash = hasher.digest('hex').slice(0, 16);
  const binary = path.join(cacheDir, `launcher-${hash}`);
  if (await isExecutable(binary)) return binary;

  await mkdir(cacheDir, { recursive: true });
  // Several Jest workers may build at once: each writes its own file and
  // renames it into place, which is atomic, so no one runs a partial binary.
  const partial = `${binary}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await compile(compiler, [...COMPILER_FLAGS, '-o', partial, ...LAUNCHER_SOURCES, ...LINK_FLAGS]);
    await rename(partial, binary);
  } finally {
    await rm(partial, { force: true });
  }
  return binary;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function compile(compiler: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(compiler, args, (error, _stdout, stderr) => {
      if (!error) {
        resolve();
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') {
        reject(new DevKafkaToolchainError(`the C compiler "${compiler}" was not found`));
        return;
      }
      const missing = stderr
        .split('\n')
        .find((line) => /librdkafka\/rdkafka(_mock)?\.h|cannot find -lrdkafka/.test(line));
      reject(
        missing
          ? new DevKafkaToolchainError(`librdkafka's headers or library are missing (${missing.trim()})`)
          : new DevKafkaCompileError(LAUNCHER_SOURCE, stderr || error.message),
      );
    });
  });
}
