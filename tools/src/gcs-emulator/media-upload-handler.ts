import { assertValidObjectName } from './disk-layout';
import { badRequest } from './errors';
import { parseUploadMetadata } from './object-attributes';
import { readPreconditions } from './preconditions';
import { receiveWholeUpload } from './receive-upload';
import type { RequestContext } from './request-context';
import type { RouteOf } from './route';
import { hashesFromHeader } from './supplied-hashes';

/**
 * `POST /upload/storage/v1/b/{b}/o?uploadType=media&name=N`: the body is the object's
 * data and its `Content-Type` the object's type; there is no metadata part, so the name
 * must come in the query. `contentEncoding` may come in the query too, as GCS allows.
 */
export async function mediaUpload(ctx: RequestContext, route: RouteOf<'objects.insert.media'>): Promise<void> {
  ctx.store.getBucket(route.bucket);
  const name = route.query.get('name');
  if (!name) throw badRequest('Object name is required: uploadType=media takes it from the name query parameter');
  assertValidObjectName(name);
  const contentType = ctx.req.headers['content-type'];
  const { attributes } = parseUploadMetadata(
    { contentEncoding: route.query.get('contentEncoding') ?? undefined },
    contentType,
  );
  await receiveWholeUpload(ctx, route.bucket, ctx.body, {
    name,
    attributes,
    preconditions: readPreconditions(route.query),
    suppliedHashes: [hashesFromHeader(ctx.req.headers)],
  });
}
