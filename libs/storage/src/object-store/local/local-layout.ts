import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { InvalidObjectNameError } from '../errors';
import { assertValidObjectName } from '../object-name';

/**
 * Where a local directory store keeps things under its root:
 * - the object `a/b=1/c.parquet` is the file `<root>/a/b=1/c.parquet` (so Spark, DuckDB
 *   or `ls` read the archive as it is);
 * - uploads in progress are `<dir>/.eventpath-tmp-<random>` beside their final name;
 * - each object's attributes (CRC-32C, MD5, content type, custom metadata) are a small
 *   JSON sidecar at `<root>/.eventpath-meta/<name>`.
 * Every file or directory whose name starts with `.eventpath-` is the store's own: such
 * segments are refused in object names and never listed.
 */
export const RESERVED_SEGMENT_PREFIX = '.eventpath-';
const TEMP_PREFIX = `${RESERVED_SEGMENT_PREFIX}tmp-`;
const META_DIR = `${RESERVED_SEGMENT_PREFIX}meta`;

/** Linux's limit on one path segment (NAME_MAX), in bytes. */
const MAX_SEGMENT_BYTES = 255;

export function isReservedEntry(entryName: string): boolean {
  return entryName.startsWith(RESERVED_SEGMENT_PREFIX);
}

export function isTempEntry(entryName: string): boolean {
  return entryName.startsWith(TEMP_PREFIX);
}

export class LocalLayout {
  constructor(readonly root: string) {}

  /** Validates `name` for this store and returns its segments. */
  segments(name: string): string[] {
    assertValidObjectName(name);
    const segments = name.split('/');
    for (const segment of segments) {
      if (isReservedEntry(segment)) {
        throw new InvalidObjectNameError(name, `segments starting with "${RESERVED_SEGMENT_PREFIX}" are reserved by the local directory store`);
      }
      if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
        throw new InvalidObjectNameError(name, `a segment is longer than ${MAX_SEGMENT_BYTES} bytes, the file system's limit`);
      }
    }
    return segments;
  }

  dataPath(name: string): string {
    return join(this.root, ...this.segments(name));
  }

  metaPath(name: string): string {
    return join(this.root, META_DIR, ...this.segments(name));
  }

  /** A fresh temporary path in the same directory as `finalPath` (same file system, so rename is atomic). */
  tempPathBeside(finalPath: string): string {
    return join(dirname(finalPath), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
  }

  /**
   * The directory to start listing `prefix` from and the part of the prefix left to match
   * against its entries; undefined if no valid name can start with `prefix`.
   */
  listStart(prefix: string): { dir: string; namePrefix: string; entryPrefix: string } | undefined {
    const cut = prefix.lastIndexOf('/');
    if (cut < 0) return { dir: this.root, namePrefix: '', entryPrefix: prefix };
    const dirSegments = prefix.slice(0, cut).split('/');
    if (dirSegments.some((s) => s === '' || s === '.' || s === '..' || isReservedEntry(s))) return undefined;
    return { dir: join(this.root, ...dirSegments), namePrefix: prefix.slice(0, cut + 1), entryPrefix: prefix.slice(cut + 1) };
  }
}
