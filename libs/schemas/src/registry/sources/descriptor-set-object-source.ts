import type { ObjectStore } from '@eventpath/storage';
import { SchemaFetchError } from '../../errors';
import { hashBytes } from './content-hash';
import type { FetchResult, SchemaSource } from './schema-source';

/**
 * A descriptor set stored as an object. A poll is a `stat`; the object is
 * downloaded only when its generation or checksums changed.
 */
export class DescriptorSetObjectSource implements SchemaSource {
  private lastVersion?: string;
  private store?: Promise<ObjectStore>;

  constructor(
    readonly name: string,
    readonly location: string,
    private readonly openStore: () => ObjectStore | Promise<ObjectStore>,
    private readonly objectName: string,
  ) {}

  async fetch(force: boolean): Promise<FetchResult> {
    let version: string;
    let bytes: Buffer;
    try {
      // A failed open is retried on the next fetch rather than remembered.
      this.store ??= Promise.resolve(this.openStore()).catch((err: unknown) => {
        this.store = undefined;
        throw err;
      });
      const store = await this.store;
      const info = await store.stat(this.objectName);
      if (!info) throw new Error(`object ${this.objectName} does not exist`);
      version = `${info.generation}:${info.md5 ?? ''}:${info.crc32c ?? ''}:${info.size}`;
      if (!force && version === this.lastVersion) return { notModified: true };
      bytes = await store.get(this.objectName);
    } catch (err) {
      throw new SchemaFetchError(this.name, `cannot read ${this.location}: ${(err as Error).message}`);
    }
    this.lastVersion = version;
    return { notModified: false, content: { kind: 'descriptorSet', bytes }, contentHash: hashBytes(bytes) };
  }
}
