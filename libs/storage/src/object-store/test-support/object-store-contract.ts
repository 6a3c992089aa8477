import { CRC32C } from '@google-cloud/storage';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidObjectNameError, ObjectAlreadyExistsError, ObjectNotFoundError } from '../errors';
import { compareNames } from '../object-name';
import type { ObjectInfo, ObjectStore } from '../object-store';

export interface ContractFixture {
  /** A fresh, empty store for one test. */
  store: ObjectStore;
  cleanup(): Promise<void>;
}

/** Names that exercise encoding: `/`, `=`, spaces, `+`, `%`, `#`, `?`, unicode beyond the BMP. */
export const AWKWARD_NAMES = [
  'topic=orders/partition=3/000000000042.parquet',
  'with space/and+plus/100%25 not decoded%2F.bin',
  'percent%/plus+/equals=/x',
  'hash#and?query&amp;',
  'unicode/ünïcødé/日本語/😀.bin',
  'unicode/\uFFFD-replacement',
  'a-c',
  'a.txt',
  'a/b',
  'a0',
];

const crc32cOf = (bytes: Uint8Array): string => {
  const crc = new CRC32C();
  crc.update(Buffer.from(bytes));
  return crc.toString();
};
const md5Of = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('base64');

async function listAll(store: ObjectStore, prefix: string, maxResults?: number): Promise<ObjectInfo[]> {
  const items: ObjectInfo[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.list(prefix, { maxResults, pageToken });
    if (maxResults !== undefined) expect(page.items.length).toBeLessThanOrEqual(maxResults);
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined);
  return items;
}

/**
 * The behaviour every ObjectStore must have, as one suite run against each implementation
 * (local directory, GCS through the emulator).
 */
export function describeObjectStoreContract(label: string, open: () => Promise<ContractFixture>): void {
  describe(`ObjectStore contract: ${label}`, () => {
    let fixture: ContractFixture;
    let store: ObjectStore;
    let scratch: string;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
      scratch = await mkdtemp(join(tmpdir(), 'store-contract-'));
    });

    afterEach(async () => {
      await fixture.cleanup();
      await rm(scratch, { recursive: true, force: true });
    });

    it('stores a local file and a stream, and gets, stats and deletes them', async () => {
      const fileContent = randomBytes(10_000);
      const localPath = join(scratch, 'upload.bin');
      await writeFile(localPath, fileContent);
      const fromFile = await store.putFile(localPath, 'dir/from-file.bin');
      const streamContent = randomBytes(70_000);
      const fromStream = await store.putStream(Readable.from([streamContent.subarray(0, 1000), streamContent.subarray(1000)]), 'dir/from-stream.bin');

      expect(fromFile).toMatchObject({ name: 'dir/from-file.bin', size: 10_000, crc32c: crc32cOf(fileContent), md5: md5Of(fileContent) });
      expect(fromStream).toMatchObject({ name: 'dir/from-stream.bin', size: 70_000, crc32c: crc32cOf(streamContent) });
      expect(fromFile.generation).not.toBe('');
      expect(fromFile.updated.getTime()).toBeGreaterThan(Date.now() - 60_000);

      expect((await store.get('dir/from-file.bin')).equals(fileContent)).toBe(true);
      expect((await store.get('dir/from-stream.bin')).equals(streamContent)).toBe(true);
      expect(await store.stat('dir/from-file.bin')).toMatchObject({ name: 'dir/from-file.bin', size: 10_000, generation: fromFile.generation, crc32c: crc32cOf(fileContent) });

      expect(await store.delete('dir/from-file.bin')).toBe(true);
      expect(await store.stat('dir/from-file.bin')).toBeUndefined();
      await expect(store.get('dir/from-file.bin')).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await store.delete('dir/from-file.bin')).toBe(false);
      expect((await listAll(store, '')).map((i) => i.name)).toEqual(['dir/from-stream.bin']);
    });

    it('reports absent names as absent', async () => {
      expect(await store.stat('nothing/here')).toBeUndefined();
      await expect(store.get('nothing/here')).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await store.delete('nothing/here')).toBe(false);
      expect(await store.list('nothing/')).toEqual({ items: [] });
    });

    it('stores an empty object', async () => {
      const info = await store.putStream(Readable.from([]), 'empty');
      expect(info.size).toBe(0);
      expect((await store.get('empty')).length).toBe(0);
    });

    it('overwrites an existing name, with a new generation', async () => {
      const first = await store.putStream(Readable.from([Buffer.from('first')]), 'same/name');
      const second = await store.putStream(Readable.from([Buffer.from('second version')]), 'same/name');
      expect((await store.get('same/name')).toString()).toBe('second version');
      expect(second.generation).not.toBe(first.generation);
      expect((await store.stat('same/name'))?.size).toBe('second version'.length);
    });

    it('keeps the content type and custom metadata', async () => {
      const metadata = { topic: 'orders', 'kafka-partition': '3', 'first-offset': '42', note: 'ünïcødé = + %' };
      await store.putStream(Readable.from([Buffer.from('x')]), 'with-metadata', { contentType: 'application/vnd.apache.parquet', metadata });
      expect(await store.stat('with-metadata')).toMatchObject({ contentType: 'application/vnd.apache.parquet', metadata });
      expect((await store.list('with-'))?.items[0]).toMatchObject({ name: 'with-metadata', metadata });
    });

    it('refuses to overwrite with ifAbsent and leaves the object as it was', async () => {
      await store.putStream(Readable.from([Buffer.from('original')]), 'only-once', { ifAbsent: true });
      const localPath = join(scratch, 'other.bin');
      await writeFile(localPath, 'other');
      await expect(store.putFile(localPath, 'only-once', { ifAbsent: true })).rejects.toBeInstanceOf(ObjectAlreadyExistsError);
      await expect(store.putStream(Readable.from([Buffer.from('other')]), 'only-once', { ifAbsent: true })).rejects.toBeInstanceOf(
        ObjectAlreadyExistsError,
      );
      expect((await store.get('only-once')).toString()).toBe('original');
    });

    it('lets exactly one of 8 concurrent ifAbsent writers win', async () => {
      const contents = Array.from({ length: 8 }, (_, i) => Buffer.from(`writer ${i} `.repeat(2000 + i)));
      const paths = await Promise.all(
        contents.map(async (content, i) => {
          const path = join(scratch, `racer-${i}`);
          await writeFile(path, content);
          return path;
        }),
      );
      const results = await Promise.allSettled(
        paths.map((path, i) =>
          i % 2 === 0
            ? store.putFile(path, 'race/winner', { ifAbsent: true })
            : store.putStream(Readable.from([contents[i]]), 'race/winner', { ifAbsent: true }),
        ),
      );
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ObjectAlreadyExistsError);
      }
      expect((await store.get('race/winner')).equals(contents[winners[0]])).toBe(true);
    });

    it('stores, lists and gets awkward names exactly, in byte-wise lexicographic order', async () => {
      for (const [i, name] of AWKWARD_NAMES.entries()) {
        await store.putStream(Readable.from([Buffer.from(`content ${i}`)]), name);
      }
      for (const [i, name] of AWKWARD_NAMES.entries()) {
        expect((await store.get(name)).toString()).toBe(`content ${i}`);
        expect((await store.stat(name))?.name).toBe(name);
      }
      const expected = [...AWKWARD_NAMES].sort(compareNames);
      // Byte order, not UTF-16 order: U+1F600 sorts after U+FFFD, '-' < '.' < '/' < '0'.
      expect(expected.indexOf('unicode/ünïcødé/日本語/😀.bin')).toBeGreaterThan(-1);
      expect(expected.slice(0, 4)).toEqual(['a-c', 'a.txt', 'a/b', 'a0']);
      expect((await listAll(store, '')).map((i) => i.name)).toEqual(expected);
      expect((await listAll(store, '', 3)).map((i) => i.name)).toEqual(expected);
    });

    it('lists by prefix, whole segments or partial, page by page without gaps or repeats', async () => {
      const names = [
        'logs/2024/01/a',
        'logs/2024/01/b',
        'logs/2024/02/a',
        'logs/2024-summary',
        'logs/2025/01/a',
        'logsbook',
        'other/x',
      ];
      for (const name of [...names].reverse()) await store.putStream(Readable.from([Buffer.from(name)]), name);
      const byPrefix = (prefix: string) => names.filter((n) => n.startsWith(prefix)).sort(compareNames);
      for (const prefix of ['', 'logs', 'logs/', 'logs/2024', 'logs/2024/', 'logs/2024/0', 'logs/2024/01/', 'logs/2024/01/a', 'nope', 'logs/20', 'o']) {
        for (const pageSize of [undefined, 1, 2]) {
          expect({ prefix, pageSize, names: (await listAll(store, prefix, pageSize)).map((i) => i.name) }).toEqual({
            prefix,
            pageSize,
            names: byPrefix(prefix),
          });
        }
      }
      const first = await store.list('logs/', { maxResults: 2 });
      expect(first.items.map((i) => i.name)).toEqual(['logs/2024-summary', 'logs/2024/01/a']);
      expect(first.nextPageToken).toEqual(expect.any(String));
    });

    it('rejects names that are empty, absolute, or have empty, "." or ".." segments', async () => {
      for (const name of ['', '/abs', 'trailing/', 'double//slash', '../escape', 'a/../../escape', 'a/./b', '.', '..', 'nul\0byte', 'x'.repeat(1025)]) {
        await expect(store.putStream(Readable.from([Buffer.from('x')]), name)).rejects.toBeInstanceOf(InvalidObjectNameError);
        await expect(store.get(name)).rejects.toBeInstanceOf(InvalidObjectNameError);
      }
      expect(await listAll(store, '')).toEqual([]);
    });

    it('stores nothing when the content stream fails', async () => {
      const failing = new Readable({
        read() {
          this.push(randomBytes(64 * 1024));
          this.destroy(new Error('producer broke'));
        },
      });
      await expect(store.putStream(failing, 'broken')).rejects.toThrow('producer broke');
      expect(await store.stat('broken')).toBeUndefined();
      expect(await listAll(store, '')).toEqual([]);
    });

    it('uploads a large file (52 MiB) intact', async () => {
      const path = join(scratch, 'large.bin');
      const crc = new CRC32C();
      const md5 = createHash('md5');
      const chunks = function* () {
        for (let i = 0; i < 52; i++) {
          const chunk = randomBytes(1024 * 1024);
          crc.update(chunk);
          md5.update(chunk);
          yield chunk;
        }
      };
      await pipeline(Readable.from(chunks()), createWriteStream(path));
      const info = await store.putFile(path, 'large/52MiB.bin');
      expect(info).toMatchObject({ size: 52 * 1024 * 1024, crc32c: crc.toString() });
      const content = await store.get('large/52MiB.bin');
      expect(content.length).toBe(52 * 1024 * 1024);
      expect(createHash('md5').update(content).digest('base64')).toBe(md5.digest('base64'));
    }, 120_000);
  });
}
