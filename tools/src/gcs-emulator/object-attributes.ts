import { z } from 'zod';
import { badRequest } from './errors';
import { hashesFromMetadata, type SuppliedHashes } from './supplied-hashes';

/** The user-settable part of an object resource. */
export interface ObjectAttributes {
  contentType: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  /** Custom metadata: GCS stores every value as a string. */
  metadata?: Record<string, string>;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
const HEADER_FIELDS = [
  'contentType',
  'contentEncoding',
  'contentDisposition',
  'contentLanguage',
  'cacheControl',
] as const;

// The client may send numbers or booleans as custom metadata values; GCS stringifies them.
const metadataValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const uploadMetadataSchema = z.object({
  name: z.string().optional(),
  contentType: z.string().optional(),
  contentEncoding: z.string().optional(),
  contentDisposition: z.string().optional(),
  contentLanguage: z.string().optional(),
  cacheControl: z.string().optional(),
  metadata: z.record(z.string(), metadataValue.nullable()).optional(),
  // The client's checksums of the data, checked against the bytes received.
  crc32c: z.string().optional(),
  md5Hash: z.string().optional(),
});

// In a patch, `null` removes a field or a custom metadata key.
const patchSchema = z.object({
  contentType: z.string().nullable().optional(),
  contentEncoding: z.string().nullable().optional(),
  contentDisposition: z.string().nullable().optional(),
  contentLanguage: z.string().nullable().optional(),
  cacheControl: z.string().nullable().optional(),
  metadata: z.record(z.string(), metadataValue.nullable()).nullable().optional(),
});

export type ObjectAttributesPatch = z.infer<typeof patchSchema>;

function parseWith<S extends z.ZodType>(schema: S, json: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(json ?? {});
  if (!result.success) throw badRequest(`Invalid ${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

/**
 * Reads the JSON metadata of an upload (multipart first part, resumable initiation body).
 * `fallbackContentType` is the data part's or `X-Upload-Content-Type` header's type.
 */
export function parseUploadMetadata(
  json: unknown,
  fallbackContentType?: string,
): { name?: string; attributes: ObjectAttributes; suppliedHashes: SuppliedHashes } {
  const { name, metadata, crc32c, md5Hash, ...fields } = parseWith(uploadMetadataSchema, json, 'object metadata');
  const attributes: ObjectAttributes = {
    ...fields,
    contentType: fields.contentType ?? fallbackContentType ?? DEFAULT_CONTENT_TYPE,
  };
  const custom = Object.entries(metadata ?? {}).filter((entry): entry is [string, string] => entry[1] !== null);
  if (custom.length > 0) attributes.metadata = Object.fromEntries(custom);
  return { name, attributes, suppliedHashes: hashesFromMetadata({ crc32c, md5Hash }) };
}

/** The user-settable fields of a stored object (which also carries sizes, hashes, versions). */
export function pickAttributes(object: ObjectAttributes): ObjectAttributes {
  const attributes: ObjectAttributes = { contentType: object.contentType };
  for (const field of HEADER_FIELDS) {
    const value = object[field];
    if (value !== undefined) attributes[field] = value;
  }
  if (object.metadata !== undefined) attributes.metadata = { ...object.metadata };
  return attributes;
}

export function parsePatch(json: unknown): ObjectAttributesPatch {
  return parseWith(patchSchema, json, 'object patch');
}

/** Fields of an object resource the server sets: an update body may carry them (a resource it was sent). */
const SERVER_FIELDS = new Set([
  'kind',
  'id',
  'selfLink',
  'mediaLink',
  'name',
  'bucket',
  'generation',
  'metageneration',
  'size',
  'md5Hash',
  'crc32c',
  'etag',
  'timeCreated',
  'updated',
  'timeStorageClassUpdated',
  'storageClass',
]);
const WRITABLE_FIELDS = new Set<string>([...HEADER_FIELDS, 'metadata']);

/**
 * Reads an `objects.update` body: the writable metadata that replaces the object's, with
 * whatever the body leaves out cleared. Server-set fields are ignored, so a resource the
 * emulator answered can be sent back; a field the emulator does not keep (holds, ACLs,
 * retention, customTime …) is refused with 400 rather than dropped.
 */
export function parseUpdate(json: unknown): ObjectAttributes {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw badRequest('objects.update needs the object resource as a JSON object');
  }
  const unsupported = Object.keys(json).filter((key) => !SERVER_FIELDS.has(key) && !WRITABLE_FIELDS.has(key));
  if (unsupported.length > 0) {
    throw badRequest(`The GCS emulator does not implement the object fields ${unsupported.join(', ')}`);
  }
  const writable = Object.fromEntries(Object.entries(json).filter(([key]) => WRITABLE_FIELDS.has(key)));
  return applyPatch({ contentType: DEFAULT_CONTENT_TYPE }, parsePatch(writable));
}

/** PATCH semantics: absent fields are kept, `null` removes, custom metadata is merged key by key. */
export function applyPatch(current: ObjectAttributes, patch: ObjectAttributesPatch): ObjectAttributes {
  const next: ObjectAttributes = { ...current };
  for (const field of HEADER_FIELDS) {
    const value = patch[field];
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  next.contentType ??= DEFAULT_CONTENT_TYPE;
  if (patch.metadata === null) {
    delete next.metadata;
  } else if (patch.metadata !== undefined) {
    const merged: Record<string, string> = { ...current.metadata };
    for (const [key, value] of Object.entries(patch.metadata)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    if (Object.keys(merged).length > 0) next.metadata = merged;
    else delete next.metadata;
  }
  return next;
}
