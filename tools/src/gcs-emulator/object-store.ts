import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { TEMP_SUFFIX, writeFileAtomic } from './atomic-file';
import { assertValidBucketName, assertValidObjectName, DiskLayout } from './disk-layout';
import { badRequest, conflict, notFound } from './errors';
import { KeyedMutex } from './keyed-mutex';
import { compareObjectNames, listPage, type ListOptions } from './list-pagination';
import { pickAttributes, type ObjectAttributes } from './object-attributes';
import type { ObjectHashes } from './object-hash';
import { assertPreconditions, type Preconditions } from './preconditions';
import type { StoredBucket, StoredObject } from './resources';

/** Upload bytes already on disk in a staging file, ready to become an object. */
export interface StagedUpload {
  bucket: string;
  name: string;
  stagedPath: string;
  size: number;
  hashes: ObjectHashes;
  attributes: ObjectAttributes;
  preconditions: Preconditions;
}

export interface ObjectListing {
  items: StoredObject[];
  prefixes: string[];
  nextPageToken?: string;
}

interface BucketEntry {
  bucket: StoredBucket;
  objects: Map<string, StoredObject>;
  /** Names in list order; rebuilt lazily after a change. */
  sortedNames?: string[];
  /** Commits under way: the bucket is not empty while one may still add an object. */
  commitsRunning: number;
}

const isMissingFile = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Buckets and objects on local disk, with an in-memory index rebuilt from the sidecar
 * files at start. Every change to an object runs under that object's lock, so checking a
 * precondition and writing are one atomic step. Sidecars are replaced atomically, and an
 * object's data file is named by generation, so a download that opened the previous
 * generation keeps reading consistent bytes while a new one is committed.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, BucketEntry>();
  private readonly objectLocks = new KeyedMutex();
  private lastGeneration = 0;

  private constructor(private readonly layout: DiskLayout) {}

  static async open(dataDir: string): Promise<ObjectStore> {
    const store = new ObjectStore(new DiskLayout(dataDir));
    await store.load();
    return store;
  }

  async createBucket(name: string): Promise<StoredBucket> {
    assertValidBucketName(name);
    if (this.buckets.has(name)) throw conflict(`Bucket ${name} already exists`);
    const bucket: StoredBucket = { name, timeCreated: new Date().toISOString() };
    // Claimed before any I/O so a concurrent create of the same name sees the conflict.
    this.buckets.set(name, { bucket, objects: new Map(), commitsRunning: 0 });
    try {
      await mkdir(this.layout.objectsDir(name), { recursive: true });
      await writeFileAtomic(this.layout.bucketFile(name), JSON.stringify(bucket));
    } catch (error) {
      this.buckets.delete(name);
      throw error;
    }
    return bucket;
  }

  /** Every bucket name, in list order. */
  listBucketNames(): string[] {
    return [...this.buckets.keys()].sort(compareObjectNames);
  }

  /**
   * Removes an empty bucket. 409 while it holds an object or a commit into it is under
   * way. Buckets have only metageneration conditions (always 1 here).
   */
  async deleteBucket(name: string, preconditions: Preconditions): Promise<void> {
    const entry = this.bucketEntry(name);
    if (preconditions.ifGenerationMatch !== undefined || preconditions.ifGenerationNotMatch !== undefined) {
      throw badRequest('Buckets have no generation; use ifMetagenerationMatch or ifMetagenerationNotMatch');
    }
    assertPreconditions(preconditions, { generation: '0', metageneration: '1' });
    if (entry.objects.size > 0 || entry.commitsRunning > 0) {
      throw conflict('The bucket you tried to delete is not empty.');
    }
    // Unlisted first, so that no request finds it while its directory goes away.
    this.buckets.delete(name);
    await rm(this.layout.bucketDir(name), { recursive: true, force: true });
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  getBucket(name: string): StoredBucket {
    return this.bucketEntry(name).bucket;
  }

  getObject(bucket: string, name: string): StoredObject {
    const object = this.findObject(bucket, name);
    if (!object) throw notFound(`No such object: ${bucket}/${name}`);
    return object;
  }

  /** The live object, or undefined when there is none (the bucket must exist). */
  findObject(bucket: string, name: string): StoredObject | undefined {
    return this.bucketEntry(bucket).objects.get(name);
  }

  listObjects(bucket: string, options: ListOptions): ObjectListing {
    const entry = this.bucketEntry(bucket);
    entry.sortedNames ??= [...entry.objects.keys()].sort(compareObjectNames);
    const page = listPage(entry.sortedNames, options);
    return {
      items: page.names.flatMap((name) => entry.objects.get(name) ?? []),
      prefixes: page.prefixes,
      nextPageToken: page.nextPageToken,
    };
  }

  newStagingFile(): string {
    return this.layout.newStagingFile();
  }

  /** Turns a staged upload into the live object. The staging file is consumed either way. */
  async commit(upload: StagedUpload): Promise<StoredObject> {
    try {
      assertValidObjectName(upload.name);
      const entry = this.bucketEntry(upload.bucket);
      entry.commitsRunning += 1;
      try {
        return await this.objectLocks.runExclusive(this.lockKey(upload.bucket, upload.name), async () => {
          const previous = entry.objects.get(upload.name);
          assertPreconditions(upload.preconditions, previous);
          const now = new Date().toISOString();
          const object: StoredObject = {
            ...upload.attributes,
            ...upload.hashes,
            bucket: upload.bucket,
            name: upload.name,
            generation: this.nextGeneration(),
            metageneration: '1',
            size: upload.size,
            timeCreated: now,
            updated: now,
          };
          await rename(upload.stagedPath, this.layout.objectData(object.bucket, object.name, object.generation));
          await this.publish(entry, object);
          if (previous) await this.removeData(previous);
          return object;
        });
      } finally {
        entry.commitsRunning -= 1;
      }
    } finally {
      await rm(upload.stagedPath, { force: true });
    }
  }

  /**
   * Changes the metadata of the live object (patch or update): `change` maps its writable
   * attributes to the new ones; the data, generation and hashes stay, the metageneration grows.
   */
  async updateMetadata(
    bucket: string,
    name: string,
    preconditions: Preconditions,
    change: (current: ObjectAttributes) => ObjectAttributes,
  ): Promise<StoredObject> {
    const entry = this.bucketEntry(bucket);
    return this.objectLocks.runExclusive(this.lockKey(bucket, name), async () => {
      const current = this.getObject(bucket, name);
      assertPreconditions(preconditions, current);
      const object: StoredObject = {
        ...change(pickAttributes(current)),
        bucket,
        name,
        generation: current.generation,
        metageneration: String(BigInt(current.metageneration) + 1n),
        size: current.size,
        crc32c: current.crc32c,
        md5Hash: current.md5Hash,
        timeCreated: current.timeCreated,
        updated: new Date().toISOString(),
      };
      await this.publish(entry, object);
      return object;
    });
  }

  async delete(bucket: string, name: string, preconditions: Preconditions): Promise<void> {
    const entry = this.bucketEntry(bucket);
    await this.objectLocks.runExclusive(this.lockKey(bucket, name), async () => {
      const current = this.getObject(bucket, name);
      assertPreconditions(preconditions, current);
      await rm(this.layout.objectSidecar(bucket, name), { force: true });
      entry.objects.delete(name);
      entry.sortedNames = undefined;
      await this.removeData(current);
    });
  }

  /** Opens the live generation's bytes; the handle stays valid even if a newer generation replaces it. */
  async openForRead(bucket: string, name: string): Promise<{ object: StoredObject; handle: FileHandle }> {
    for (;;) {
      const object = this.getObject(bucket, name);
      try {
        const handle = await open(this.layout.objectData(bucket, name, object.generation), 'r');
        return { object, handle };
      } catch (error) {
        // Replaced between the lookup and the open: look the object up again.
        if (!isMissingFile(error) || this.getObject(bucket, name) === object) throw error;
      }
    }
  }

  private bucketEntry(bucket: string): BucketEntry {
    const entry = this.buckets.get(bucket);
    if (!entry) throw notFound(`No such bucket: ${bucket}`);
    return entry;
  }

  private lockKey(bucket: string, name: string): string {
    return `${bucket}/${name}`;
  }

  /** Generations are microsecond timestamps like GCS's, strictly increasing across the store. */
  private nextGeneration(): string {
    this.lastGeneration = Math.max(Date.now() * 1000, this.lastGeneration + 1);
    return String(this.lastGeneration);
  }

  private async publish(entry: BucketEntry, object: StoredObject): Promise<void> {
    await writeFileAtomic(this.layout.objectSidecar(object.bucket, object.name), JSON.stringify(object));
    if (!entry.objects.has(object.name)) entry.sortedNames = undefined;
    entry.objects.set(object.name, object);
  }

  private async removeData(object: StoredObject): Promise<void> {
    await rm(this.layout.objectData(object.bucket, object.name, object.generation), { force: true });
  }

  /** Rebuilds the index from disk and removes what a crash may have left half-done. */
  private async load(): Promise<void> {
    await rm(this.layout.stagingDir, { recursive: true, force: true });
    await mkdir(this.layout.stagingDir, { recursive: true });
    await mkdir(this.layout.bucketsDir, { recursive: true });
    for (const dirent of await readdir(this.layout.bucketsDir, { withFileTypes: true })) {
      if (!dirent.isDirectory()) continue;
      const bucket = await readJson<StoredBucket>(this.layout.bucketFile(dirent.name));
      if (bucket) await this.loadBucket(bucket);
    }
  }

  private async loadBucket(bucket: StoredBucket): Promise<void> {
    const entry: BucketEntry = { bucket, objects: new Map(), commitsRunning: 0 };
    this.buckets.set(bucket.name, entry);
    const dir = this.layout.objectsDir(bucket.name);
    await mkdir(dir, { recursive: true });
    const files = await readdir(dir);
    const live = new Set<string>();
    for (const file of files.filter((f) => f.endsWith('.json'))) {
      const object = await readJson<StoredObject>(`${dir}/${file}`);
      if (!object) continue;
      entry.objects.set(object.name, object);
      live.add(basename(this.layout.objectData(bucket.name, object.name, object.generation)));
      this.lastGeneration = Math.max(this.lastGeneration, Number(object.generation));
    }
    // Data files of replaced generations and half-written temp files are garbage.
    const garbage = files.filter((f) => f.endsWith(TEMP_SUFFIX) || (f.endsWith('.data') && !live.has(f)));
    await Promise.all(garbage.map((f) => rm(`${dir}/${f}`, { force: true })));
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    throw error;
  }
}
