import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { startGcsEmulator, type GcsEmulator } from '@eventpath/dev-infra';
import type { MessageSchema } from '@eventpath/schemas';
import { GcsStore, LocalDirectoryStore, type ObjectInfo, type ObjectStore } from '@eventpath/storage';
import { ARCHIVE_METADATA_KEYS, readAccount } from '../files/archive-file-metadata';
import { parseFooter } from '../footers/parquet-footer';
import { finalizedFile } from '../test-support/finalized-files';
import { testMessageTypes } from '../test-support/test-schemas';
import { useTempDirectory } from '../test-support/temp-directory';
import { ArchiveUploader } from './archive-uploader';
import { UploadIntegrityError } from './object-placement';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('ArchiveUploader', () => {
  const dir = useTempDirectory('uploader');
  let type: MessageSchema;
  let gcs: GcsEmulator;

  beforeAll(async () => {
    type = (await testMessageTypes()).pageView;
    gcs = await startGcsEmulator({ buckets: ['archive'] });
  });
  afterAll(async () => {
    await gcs?.stop();
  });

  const stores: Array<[string, () => Promise<ObjectStore>]> = [
    ['a local directory', () => LocalDirectoryStore.open(join(dir(), 'store'))],
    ['GCS (emulator)', async () => new GcsStore(`gs://archive/run-${Date.now()}-${Math.random().toString(36).slice(2)}`, { storageOptions: gcs.storageOptions() })],
  ];

  describe.each(stores)('on %s', (_, openStore) => {
    it('stores a file under its deterministic name with its accounting metadata, checked, and removes the local file', async () => {
      const store = await openStore();
      const file = await finalizedFile(join(dir()), type, { offsets: range(0, 50) });
      const report = await new ArchiveUploader({ store }).upload(file);
      expect(report.placement).toEqual({ outcome: 'stored', name: file.objectName });
      const info = (await store.stat(file.objectName)) as ObjectInfo;
      expect(info.size).toBe(file.bytes);
      expect(readAccount(info.metadata)).toMatchObject({ topic: 'views', partition: 0, firstOffset: 0, lastOffset: 49, rowCount: 50 });
      expect(parseFooter(await store.get(file.objectName)).keyValueMetadata[ARCHIVE_METADATA_KEYS.offsets]).toBe('0-49');
      await expect(access(file.localPath)).rejects.toThrow();
    });

    it('never replaces an object by one holding fewer offsets', async () => {
      const store = await openStore();
      const uploader = new ArchiveUploader({ store });
      const longer = await finalizedFile(join(dir(), 'a'), type, { offsets: range(100, 200) });
      await uploader.upload(longer);
      // A replay after a crash that cut the file shorter: the object stays as it is.
      const shorter = await finalizedFile(join(dir(), 'b'), type, { offsets: range(100, 150) });
      expect((await uploader.upload(shorter)).placement.outcome).toBe('kept-superset');
      expect(readAccount((await store.stat(longer.objectName))?.metadata)).toMatchObject({ lastOffset: 199 });
      // A replay that got further replaces the subset.
      const longest = await finalizedFile(join(dir(), 'c'), type, { offsets: range(100, 300) });
      expect((await uploader.upload(longest)).placement.outcome).toBe('replaced-subset');
      expect(readAccount((await store.stat(longer.objectName))?.metadata)).toMatchObject({ lastOffset: 299 });
      // The same file again: same bytes, nothing to do.
      const again = await finalizedFile(join(dir(), 'd'), type, { offsets: range(100, 300) });
      const outcome = (await uploader.upload(again)).placement.outcome;
      expect(['identical', 'kept-superset']).toContain(outcome);
    });

    it('stores a file beside an object that neither holds nor is held by it, under the long name', async () => {
      const store = await openStore();
      const uploader = new ArchiveUploader({ store });
      const evens = await finalizedFile(join(dir(), 'a'), type, { offsets: range(0, 20).map((i) => i * 2) });
      await uploader.upload(evens);
      const firstAndOdds = await finalizedFile(join(dir(), 'b'), type, { offsets: [0, ...range(0, 20).map((i) => i * 2 + 1)] });
      const report = await uploader.upload(firstAndOdds);
      expect(report.placement).toEqual({ outcome: 'stored-beside', name: 'views/dt=2024-05-01/hr=10/views+0+00000000000000000000+00000000000000000039.parquet' });
      const page = await store.list('views/');
      expect(page.items.map((i) => i.name).sort()).toEqual([evens.objectName, report.placement.name].sort());
    });
  });

  it('rides out GCS answering 503 and a corrupted upload, and fails after its attempts against a store that keeps other bytes', async () => {
    const store = new GcsStore(`gs://archive/faults-${Date.now()}`, { storageOptions: gcs.storageOptions(), retry: { initialDelayMs: 10, maxDelayMs: 50 } });
    const uploader = new ArchiveUploader({ store, retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 20 } });
    gcs.faults.failNextRequests({ status: 503, count: 3 });
    const first = await finalizedFile(join(dir(), 'a'), type, { offsets: range(0, 10) });
    expect((await uploader.upload(first)).placement.outcome).toBe('stored');
    gcs.faults.corruptNextUploadHashes(1);
    const second = await finalizedFile(join(dir(), 'b'), type, { offsets: range(10, 20) });
    const report = await uploader.upload(second);
    expect(report.attempts).toBe(2);
    expect((await store.stat(second.objectName))?.size).toBe(second.bytes);

    // A store that keeps other bytes than those sent (and says so).
    const lie = (info: ObjectInfo | undefined) => info && { ...info, crc32c: 'AAAAAA==' };
    const lying: ObjectStore = Object.assign(Object.create(store) as ObjectStore, {
      putFile: async (path: string, name: string, options: object) => lie(await store.putFile(path, name, options)),
      stat: async (name: string) => lie(await store.stat(name)),
    });
    const third = await finalizedFile(join(dir(), 'c'), type, { offsets: range(20, 30) });
    await expect(new ArchiveUploader({ store: lying, retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 } }).upload(third)).rejects.toBeInstanceOf(UploadIntegrityError);
  });
});
