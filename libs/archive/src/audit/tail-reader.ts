import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { GcsStore, LocalDirectoryStore, type ObjectStore } from '@eventpath/storage';
import { Storage, type StorageOptions } from '@google-cloud/storage';

/**
 * Reads the last bytes of stored objects, for reading Parquet footers
 * without downloading files. ObjectStore offers whole-object reads only, so
 * this reads the two stores directly: a local directory store's files (an
 * object is the file at `<root>/<name>`) and a GCS bucket with ranged
 * downloads.
 */
export interface TailReader {
  /** The last `length` bytes (or all, if the object is smaller) of an object of `size` bytes. */
  readTail(name: string, size: number, length: number): Promise<Uint8Array>;
}

export interface TailReaderOptions {
  /** For gs:// stores: options of the @google-cloud/storage client (apiEndpoint, projectId, credentials). */
  gcsStorageOptions?: StorageOptions;
}

export function tailReaderFor(store: ObjectStore, options: TailReaderOptions = {}): TailReader {
  if (store instanceof LocalDirectoryStore) return new LocalTailReader(store.root);
  if (store instanceof GcsStore) return new GcsTailReader(new Storage(options.gcsStorageOptions ?? {}), store.bucketName, store.prefix);
  return new WholeObjectTailReader(store);
}

class LocalTailReader implements TailReader {
  constructor(private readonly root: string) {}

  async readTail(name: string, size: number, length: number): Promise<Uint8Array> {
    const handle = await open(join(this.root, name), 'r');
    try {
      const bytes = Math.min(size, length);
      const buffer = Buffer.allocUnsafe(bytes);
      let read = 0;
      while (read < bytes) {
        const { bytesRead } = await handle.read(buffer, read, bytes - read, size - bytes + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      return buffer.subarray(0, read);
    } finally {
      await handle.close();
    }
  }
}

class GcsTailReader implements TailReader {
  constructor(
    private readonly storage: Storage,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  async readTail(name: string, size: number, length: number): Promise<Uint8Array> {
    const start = Math.max(0, size - length);
    const [content] = await this.storage
      .bucket(this.bucket)
      .file(this.prefix + name)
      .download({ start, end: size - 1, validation: false });
    return content;
  }
}

/** Any other store: the whole object, then its tail. */
class WholeObjectTailReader implements TailReader {
  constructor(private readonly store: ObjectStore) {}

  async readTail(name: string, _size: number, length: number): Promise<Uint8Array> {
    const content = await this.store.get(name);
    return content.subarray(Math.max(0, content.length - length));
  }
}
