import { pipeline } from 'node:stream/promises';
import { badRequest } from './errors';
import { multipartBoundary, MultipartRelatedParser } from './multipart-related';
import { parseUploadMetadata } from './object-attributes';
import { readPreconditions } from './preconditions';
import { receiveWholeUpload } from './receive-upload';
import type { RequestContext } from './request-context';
import type { RouteOf } from './route';
import { hashesFromHeader } from './supplied-hashes';

/**
 * `POST /upload/storage/v1/b/{b}/o?uploadType=multipart`: the metadata part, then the
 * media part, streamed to a staging file and committed only if the whole body arrived.
 */
export async function multipartUpload(ctx: RequestContext, route: RouteOf<'objects.insert.multipart'>): Promise<void> {
  const parser = new MultipartRelatedParser(multipartBoundary(ctx.req.headers['content-type']));
  ctx.store.getBucket(route.bucket);
  const headerHashes = hashesFromHeader(ctx.req.headers);
  // A broken body fails the parser, which fails the staging write.
  pipeline(ctx.body, parser).catch(() => undefined);

  const description = parser.head.then((head) => {
    const parsed = parseUploadMetadata(head.metadata, head.mediaContentType);
    const name = route.query.get('name') ?? parsed.name;
    if (!name) throw badRequest('Object name is required');
    return {
      name,
      attributes: parsed.attributes,
      preconditions: readPreconditions(route.query),
      suppliedHashes: [parsed.suppliedHashes, headerHashes],
    };
  });
  await receiveWholeUpload(ctx, route.bucket, parser, description);
}
