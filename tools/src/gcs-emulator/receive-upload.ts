import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { sendJson } from './http-responses';
import type { ObjectAttributes } from './object-attributes';
import { ObjectHasher } from './object-hash';
import type { Preconditions } from './preconditions';
import type { RequestContext } from './request-context';
import { objectResource } from './resources';
import { writeToStagingFile } from './staging-writer';
import { assertSuppliedHashes, type SuppliedHashes } from './supplied-hashes';

/** What a single-request upload creates; for multipart it is known only once the metadata part was read. */
export interface UploadDescription {
  name: string;
  attributes: ObjectAttributes;
  preconditions: Preconditions;
  /** Checksums the client sent (metadata, `X-Goog-Hash`); the upload is refused unless the bytes match. */
  suppliedHashes: SuppliedHashes[];
}

/**
 * The single-request uploads (`uploadType=multipart` and `media`): streams `media` into a
 * staging file, commits it once the whole body arrived, and answers the object resource.
 * Nothing is stored when the body breaks off, the description is refused or a supplied
 * checksum does not match.
 */
export async function receiveWholeUpload(
  ctx: RequestContext,
  bucket: string,
  media: Readable,
  description: UploadDescription | Promise<UploadDescription>,
): Promise<void> {
  const stagedPath = ctx.store.newStagingFile();
  try {
    const hasher = ObjectHasher.create();
    const [upload, { written }] = await Promise.all([
      description,
      writeToStagingFile(media, { path: stagedPath, position: 0, hasher }),
    ]);
    const hashes = hasher.digest();
    assertSuppliedHashes(upload.suppliedHashes, hashes);
    const object = await ctx.store.commit({
      bucket,
      name: upload.name,
      stagedPath,
      size: written,
      hashes: ctx.faults.hashesToRecord(hashes),
      attributes: upload.attributes,
      preconditions: upload.preconditions,
    });
    sendJson(ctx.res, 200, objectResource(object, ctx.origin));
  } finally {
    await rm(stagedPath, { force: true });
  }
}
