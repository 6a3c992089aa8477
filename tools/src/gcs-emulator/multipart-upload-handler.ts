import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { badRequest } from './errors';
import { sendJson } from './http-responses';
import { multipartBoundary, MultipartRelatedParser } from './multipart-related';
import { parseUploadMetadata } from './object-attributes';
import { ObjectHasher } from './object-hash';
import { readPreconditions } from './preconditions';
import type { RequestContext } from './request-context';
import type { RouteOf } from './route';
import { objectResource } from './resources';
import { writeToStagingFile } from './staging-writer';

/**
 * `POST /upload/storage/v1/b/{b}/o?uploadType=multipart`: the metadata part, then the
 * media part, streamed to a staging file and committed only if the whole body arrived.
 */
export async function multipartUpload(ctx: RequestContext, route: RouteOf<'objects.insert.multipart'>): Promise<void> {
  const parser = new MultipartRelatedParser(multipartBoundary(ctx.req.headers['content-type']));
  ctx.store.getBucket(route.bucket);
  // A broken body fails the parser, which fails the staging write below.
  pipeline(ctx.body, parser).catch(() => undefined);

  const stagedPath = ctx.store.newStagingFile();
  try {
    const hasher = ObjectHasher.create();
    const [head, { written }] = await Promise.all([
      parser.head,
      writeToStagingFile(parser, { path: stagedPath, position: 0, hasher }),
    ]);
    const { name: nameInMetadata, attributes } = parseUploadMetadata(head.metadata, head.mediaContentType);
    const name = route.query.get('name') ?? nameInMetadata;
    if (!name) throw badRequest('Object name is required');
    const object = await ctx.store.commit({
      bucket: route.bucket,
      name,
      stagedPath,
      size: written,
      hashes: ctx.faults.hashesToRecord(hasher.digest()),
      attributes,
      preconditions: readPreconditions(route.query),
    });
    sendJson(ctx.res, 200, objectResource(object, ctx.origin));
  } finally {
    await rm(stagedPath, { force: true });
  }
}
