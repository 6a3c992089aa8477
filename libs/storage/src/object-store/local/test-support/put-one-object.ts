/**
 * Child process for the fsync test, run under strace: opens a local directory store (creating
 * its root) and stores one small object.   Usage: tsx put-one-object.ts <root> <name>
 */
import { Readable } from 'node:stream';
import { LocalDirectoryStore } from '../local-directory-store';

async function main(): Promise<void> {
  const [root, name] = process.argv.slice(2);
  const store = await LocalDirectoryStore.open(root);
  await store.putStream(Readable.from([Buffer.from('parquet bytes')]), name);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
