import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { badRequest } from './errors';

// GCS bucket names: lowercase letters, digits, '-', '_' and '.', starting and ending with a
// letter or digit. That alone keeps them safe as directory names ('.', '..' and '/' cannot occur).
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const MAX_OBJECT_NAME_BYTES = 1024;

export function assertValidBucketName(name: string): void {
  if (!BUCKET_NAME.test(name)) throw badRequest(`Invalid bucket name: ${name}`);
}

export function assertValidObjectName(name: string): void {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes === 0 || bytes > MAX_OBJECT_NAME_BYTES || /[\r\n]/.test(name) || name === '.' || name === '..') {
    throw badRequest(`Invalid object name: ${JSON.stringify(name)}`);
  }
}

/**
 * Object names never become paths: a name is stored under the SHA-256 of its UTF-8 bytes,
 * so `../`, `/`, `%`, unicode or 1024-byte names all map to one fixed-length file name
 * inside the bucket's directory. The sidecar keeps the real name.
 */
function objectFileKey(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex');
}

/**
 * Where things live under the data directory:
 *
 *   buckets/<bucket>/bucket.json                     bucket resource
 *   buckets/<bucket>/objects/<key>.json              object resource (sidecar), names the live generation
 *   buckets/<bucket>/objects/<key>.<generation>.data object bytes, one file per generation
 *   staging/<uuid>.part                              upload bytes not yet committed
 *
 * Staging sits on the same file system as the objects so committing an upload is a rename.
 */
export class DiskLayout {
  readonly bucketsDir: string;
  readonly stagingDir: string;

  constructor(readonly root: string) {
    this.bucketsDir = join(root, 'buckets');
    this.stagingDir = join(root, 'staging');
  }

  bucketDir(bucket: string): string {
    return join(this.bucketsDir, bucket);
  }

  bucketFile(bucket: string): string {
    return join(this.bucketDir(bucket), 'bucket.json');
  }

  objectsDir(bucket: string): string {
    return join(this.bucketDir(bucket), 'objects');
  }

  objectSidecar(bucket: string, name: string): string {
    return join(this.objectsDir(bucket), `${objectFileKey(name)}.json`);
  }

  objectData(bucket: string, name: string, generation: string): string {
    return join(this.objectsDir(bucket), `${objectFileKey(name)}.${generation}.data`);
  }

  newStagingFile(): string {
    return join(this.stagingDir, `${randomUUID()}.part`);
  }
}
