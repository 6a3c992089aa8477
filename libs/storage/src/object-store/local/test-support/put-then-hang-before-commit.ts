/**
 * Child process for the crash test: stores a large object in a local directory store and,
 * once its temporary file is complete, announces it and hangs before the rename, waiting
 * for the parent's SIGKILL.   Usage: tsx put-then-hang-before-commit.ts <root> <name>
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { LocalDirectoryStore } from '../local-directory-store';

export const READY_LINE = 'temporary file complete, about to commit';

async function main(): Promise<void> {
  const [root, name] = process.argv.slice(2);
  const store = await LocalDirectoryStore.open(root, {
    testHooks: {
      beforeCommit: () => {
        process.stdout.write(`${READY_LINE}\n`);
        return new Promise<void>(() => undefined);
      },
    },
  });
  const chunks = Array.from({ length: 16 }, () => randomBytes(256 * 1024));
  await store.putStream(Readable.from(chunks), name);
  process.stdout.write('committed (should never happen)\n');
}

// Only when run as the child process, not when a spec imports READY_LINE.
if (require.main === module) void main();
