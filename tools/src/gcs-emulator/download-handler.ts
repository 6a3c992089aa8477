import { pipeline } from 'node:stream/promises';
import { parseDownloadRange, type ByteRange } from './http-ranges';
import { readableObject } from './object-handlers';
import type { RequestContext } from './request-context';
import type { RouteOf } from './route';

/**
 * `GET …/o/{o}?alt=media`, whole or by `Range`. The client verifies a whole download only
 * when the answer carries `X-Goog-Hash` and `X-Goog-Stored-Content-Encoding: identity`;
 * without them its check is silently skipped, so both are always sent.
 */
export async function downloadObject(ctx: RequestContext, route: RouteOf<'objects.download'>): Promise<void> {
  const { object, handle } = await ctx.store.openForRead(route.bucket, route.object);
  let range: ByteRange | undefined;
  try {
    readableObject(object, route.query);
    range = parseDownloadRange(ctx.req.headers.range, object.size);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? object.size - 1;
  ctx.res.writeHead(range ? 206 : 200, {
    'Content-Type': object.contentType,
    'Content-Length': String(end - start + 1),
    ...(range && { 'Content-Range': `bytes ${start}-${end}/${object.size}` }),
    'Accept-Ranges': 'bytes',
    ETag: `"${object.md5Hash}"`,
    'Last-Modified': new Date(object.updated).toUTCString(),
    'X-Goog-Hash': `crc32c=${object.crc32c},md5=${object.md5Hash}`,
    'X-Goog-Stored-Content-Encoding': object.contentEncoding ?? 'identity',
    'X-Goog-Stored-Content-Length': String(object.size),
    'X-Goog-Generation': object.generation,
    'X-Goog-Metageneration': object.metageneration,
    ...(object.cacheControl !== undefined && { 'Cache-Control': object.cacheControl }),
    ...(object.contentDisposition !== undefined && { 'Content-Disposition': object.contentDisposition }),
    ...(object.contentLanguage !== undefined && { 'Content-Language': object.contentLanguage }),
  });
  if (object.size === 0) {
    await handle.close();
    ctx.res.end();
    return;
  }
  // The read stream closes the handle when it ends or fails.
  await pipeline(handle.createReadStream({ start, end }), ctx.res);
}
