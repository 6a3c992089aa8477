import { createHash, type Hash } from 'node:crypto';
import { CRC32C } from '@google-cloud/storage';

/** The two checksums GCS reports for an object, base64 encoded as in the JSON API. */
export interface ObjectHashes {
  /** CRC-32C (Castagnoli), 4 big-endian bytes. */
  crc32c: string;
  md5Hash: string;
}

/**
 * Incremental CRC-32C and MD5 of an object's bytes. Resumable uploads `fork()` the
 * committed state for each incoming chunk so that a chunk cut off halfway leaves
 * the committed hashes untouched.
 */
export class ObjectHasher {
  private constructor(
    private readonly crc: CRC32C,
    private readonly md5: Hash,
  ) {}

  static create(): ObjectHasher {
    return new ObjectHasher(new CRC32C(), createHash('md5'));
  }

  update(chunk: Buffer): void {
    this.crc.update(chunk);
    this.md5.update(chunk);
  }

  fork(): ObjectHasher {
    return new ObjectHasher(new CRC32C(this.crc.valueOf()), this.md5.copy());
  }

  /** Non-destructive: the hasher can keep receiving bytes afterwards. */
  digest(): ObjectHashes {
    return { crc32c: this.crc.toString(), md5Hash: this.md5.copy().digest('base64') };
  }
}

/** Flips every bit of both checksums, so they can never match the data. */
export function corruptHashes(hashes: ObjectHashes): ObjectHashes {
  const flip = (base64: string): string =>
    Buffer.from(Buffer.from(base64, 'base64').map((byte) => byte ^ 0xff)).toString('base64');
  return { crc32c: flip(hashes.crc32c), md5Hash: flip(hashes.md5Hash) };
}
