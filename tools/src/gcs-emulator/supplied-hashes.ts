import type { IncomingHttpHeaders } from 'node:http';
import { badRequest } from './errors';
import type { ObjectHashes } from './object-hash';

/**
 * Checksums a client sent with an upload: `crc32c`/`md5Hash` in the object metadata, or an
 * `X-Goog-Hash: crc32c=…,md5=…` header. GCS refuses an upload whose bytes do not match
 * them with 400 and stores nothing.
 */
export type SuppliedHashes = Partial<ObjectHashes>;

const HASH_BYTES: Record<keyof ObjectHashes, number> = { crc32c: 4, md5Hash: 16 };
const HASH_NAMES: Record<keyof ObjectHashes, string> = { crc32c: 'CRC32C', md5Hash: 'MD5 hash' };

function checkedHash(field: keyof ObjectHashes, value: string): string {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== HASH_BYTES[field] || bytes.toString('base64') !== value) {
    throw badRequest(`Invalid ${field} ${JSON.stringify(value)}: expected the base64 of ${HASH_BYTES[field]} bytes`);
  }
  return value;
}

/** Validates the checksum fields of upload metadata. */
export function hashesFromMetadata(metadata: { crc32c?: string; md5Hash?: string }): SuppliedHashes {
  const hashes: SuppliedHashes = {};
  if (metadata.crc32c !== undefined) hashes.crc32c = checkedHash('crc32c', metadata.crc32c);
  if (metadata.md5Hash !== undefined) hashes.md5Hash = checkedHash('md5Hash', metadata.md5Hash);
  return hashes;
}

/** Reads `X-Goog-Hash`: comma-separated `crc32c=<base64>` and `md5=<base64>`. */
export function hashesFromHeader(headers: IncomingHttpHeaders): SuppliedHashes {
  const header = headers['x-goog-hash'];
  const hashes: SuppliedHashes = {};
  if (header === undefined) return hashes;
  for (const part of [header].flat().join(',').split(',')) {
    const item = part.trim();
    if (item === '') continue;
    // Base64 ends with '=' padding: only the first '=' separates the type from the value.
    const at = item.indexOf('=');
    const type = at < 0 ? item : item.slice(0, at).toLowerCase();
    const value = item.slice(at + 1);
    if (at > 0 && type === 'crc32c') hashes.crc32c = checkedHash('crc32c', value);
    else if (at > 0 && type === 'md5') hashes.md5Hash = checkedHash('md5Hash', value);
    else throw badRequest(`Invalid X-Goog-Hash entry ${JSON.stringify(item)}: expected crc32c=… or md5=…`);
  }
  return hashes;
}

/** Throws 400 when a supplied checksum differs from the one computed over the received bytes. */
export function assertSuppliedHashes(supplied: readonly SuppliedHashes[], actual: ObjectHashes): void {
  for (const hashes of supplied) {
    for (const field of ['crc32c', 'md5Hash'] as const) {
      const expected = hashes[field];
      if (expected !== undefined && expected !== actual[field]) {
        throw badRequest(
          `Provided ${HASH_NAMES[field]} "${expected}" doesn't match calculated ${HASH_NAMES[field]} "${actual[field]}".`,
        );
      }
    }
  }
}
