import type { ObjectAttributes } from './object-attributes';
import type { ObjectHashes } from './object-hash';

/** An object as kept in its sidecar file. */
export interface StoredObject extends ObjectAttributes, ObjectHashes {
  bucket: string;
  name: string;
  /** Decimal strings, as in the JSON API; generations are microsecond timestamps. */
  generation: string;
  metageneration: string;
  size: number;
  timeCreated: string;
  updated: string;
}

export interface StoredBucket {
  name: string;
  timeCreated: string;
}

function etag(...parts: string[]): string {
  return Buffer.from(parts.join('/')).toString('base64');
}

/**
 * The JSON API object resource. `size`, `generation` and `metageneration` are strings,
 * as the JSON API sends every int64 value.
 */
export function objectResource(object: StoredObject, origin: string): Record<string, unknown> {
  const path = `/storage/v1/b/${encodeURIComponent(object.bucket)}/o/${encodeURIComponent(object.name)}`;
  const { size, ...fields } = object;
  return {
    kind: 'storage#object',
    id: `${object.bucket}/${object.name}/${object.generation}`,
    selfLink: `${origin}${path}`,
    // GCS's mediaLink uses the download host path, not the JSON API one.
    mediaLink: `${origin}/download${path}?generation=${object.generation}&alt=media`,
    ...fields,
    size: String(size),
    storageClass: 'STANDARD',
    timeStorageClassUpdated: object.timeCreated,
    etag: etag(object.generation, object.metageneration),
  };
}

export function bucketResource(bucket: StoredBucket, origin: string): Record<string, unknown> {
  return {
    kind: 'storage#bucket',
    id: bucket.name,
    selfLink: `${origin}/storage/v1/b/${encodeURIComponent(bucket.name)}`,
    name: bucket.name,
    projectNumber: '0',
    metageneration: '1',
    location: 'US',
    locationType: 'multi-region',
    storageClass: 'STANDARD',
    timeCreated: bucket.timeCreated,
    updated: bucket.timeCreated,
    etag: etag(bucket.name, '1'),
  };
}
