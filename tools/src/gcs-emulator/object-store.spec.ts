import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ObjectHasher } from './object-hash';
import { ObjectStore } from './object-store';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

describe('ObjectStore on disk', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'object-store-spec-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function put(store: ObjectStore, name: string, content: string): Promise<void> {
    const stagedPath = store.newStagingFile();
    await writeFile(stagedPath, content);
    const hasher = ObjectHasher.create();
    hasher.update(Buffer.from(content));
    await store.commit({
      bucket: 'bkt',
      name,
      stagedPath,
      size: content.length,
      hashes: hasher.digest(),
      attributes: { contentType: 'text/plain' },
      preconditions: {},
    });
  }

  it('keeps objects across a restart and drops replaced generations and temp files', async () => {
    const store = await ObjectStore.open(dataDir);
    await store.createBucket('bkt');
    await put(store, 'a', 'one');
    await put(store, 'a', 'two');
    const objectsDir = join(dataDir, 'buckets', 'bkt', 'objects');
    await writeFile(join(objectsDir, 'leftover.json.123.tmp'), '{');
    await writeFile(join(objectsDir, `${'0'.repeat(64)}.1.data`), 'orphan');

    const reopened = await ObjectStore.open(dataDir);
    const { object, handle } = await reopened.openForRead('bkt', 'a');
    expect(object.size).toBe(3);
    expect(await handle.readFile('utf8')).toBe('two');
    await handle.close();
    expect(await readdir(objectsDir)).toHaveLength(2); // one sidecar, one data file
  });

  it('never lets an object name choose a path: traversal names stay inside the bucket directory', async () => {
    const store = await ObjectStore.open(dataDir);
    await store.createBucket('bkt');
    const names = ['../../escape', '/abs/path', '..\\..\\win', 'a/../../b', `${'x'.repeat(300)}/y`];
    for (const name of names) await put(store, name, name);

    const files = (await filesUnder(dataDir)).filter((file) => file !== join('buckets', 'bkt', 'bucket.json'));
    // One sidecar and one data file per name, all directly in the bucket's objects directory.
    expect(files).toHaveLength(2 * names.length);
    expect(files.every((file) => /^buckets\/bkt\/objects\/[0-9a-f]{64}\.(json|\d+\.data)$/.test(file))).toBe(true);
    for (const name of names) {
      const { handle } = await store.openForRead('bkt', name);
      expect(await handle.readFile('utf8')).toBe(name);
      await handle.close();
    }
    const sidecar = files.find((file) => file.endsWith('.json'));
    expect(JSON.parse(await readFile(join(dataDir, sidecar ?? ''), 'utf8'))).toHaveProperty('name');
  });

  it('rejects bucket names that could be paths', async () => {
    const store = await ObjectStore.open(dataDir);
    for (const name of ['..', '../x', 'a/b', 'A', '']) {
      await expect(store.createBucket(name)).rejects.toMatchObject({ status: 400 });
    }
  });
});
