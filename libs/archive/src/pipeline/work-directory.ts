import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_FILE = '.archiver.pid';

/** The working directory is used by another live archiver process. */
export class WorkDirectoryInUseError extends Error {
  override readonly name = 'WorkDirectoryInUseError';

  constructor(
    readonly directory: string,
    readonly pid: number,
  ) {
    super(`working directory ${directory} is in use by process ${pid}; give each archiver a directory of its own`);
  }
}

/**
 * Makes the local working directory ready for a fresh start: creates it and
 * removes everything a previous run left in it (open files of a process that
 * was killed: their records were never committed, so Kafka has them still).
 * A pid file marks the directory as this process's; a directory whose pid
 * file names another live process is refused, since purging it would destroy
 * that process's open files.
 */
export async function prepareWorkDirectory(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  const lockPath = join(directory, LOCK_FILE);
  const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) throw new WorkDirectoryInUseError(directory, owner);
  for (const entry of await readdir(directory)) {
    if (entry !== LOCK_FILE) await rm(join(directory, entry), { recursive: true, force: true });
  }
  await writeFile(lockPath, `${process.pid}\n`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
