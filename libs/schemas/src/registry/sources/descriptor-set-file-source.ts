import { readFile, stat } from 'node:fs/promises';
import { SchemaFetchError } from '../../errors';
import { hashBytes } from './content-hash';
import type { FetchResult, SchemaSource } from './schema-source';

/** A descriptor set file; a change is its inode, mtime or size changing (an atomic rename changes the inode). */
export class DescriptorSetFileSource implements SchemaSource {
  private lastStat?: string;

  constructor(
    readonly name: string,
    readonly location: string,
  ) {}

  async fetch(force: boolean): Promise<FetchResult> {
    let signature: string;
    let bytes: Buffer;
    try {
      const info = await stat(this.location);
      signature = `${info.ino}:${info.mtimeMs}:${info.size}`;
      if (!force && signature === this.lastStat) return { notModified: true };
      bytes = await readFile(this.location);
    } catch (err) {
      throw new SchemaFetchError(this.name, `cannot read ${this.location}: ${(err as Error).message}`);
    }
    this.lastStat = signature;
    return { notModified: false, content: { kind: 'descriptorSet', bytes }, contentHash: hashBytes(bytes) };
  }
}
