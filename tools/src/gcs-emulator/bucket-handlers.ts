import { badRequest } from './errors';
import { sendEmpty, sendJson } from './http-responses';
import { listPage } from './list-pagination';
import { assertListParams, readMaxResults } from './list-query';
import { readPreconditions } from './preconditions';
import { readJsonBody } from './request-body';
import type { RequestContext } from './request-context';
import type { RouteOf } from './route';
import { bucketResource } from './resources';

export async function getBucket(ctx: RequestContext, route: RouteOf<'buckets.get'>): Promise<void> {
  sendJson(ctx.res, 200, bucketResource(ctx.store.getBucket(route.bucket), ctx.origin));
}

/** `POST /storage/v1/b?project=P` with `{"name": …}`; the project is accepted and ignored. */
export async function insertBucket(ctx: RequestContext): Promise<void> {
  const json = await readJsonBody(ctx.body);
  const name = typeof json === 'object' && json !== null && 'name' in json ? json.name : undefined;
  if (typeof name !== 'string') throw badRequest('Bucket name is required');
  sendJson(ctx.res, 200, bucketResource(await ctx.store.createBucket(name), ctx.origin));
}

const BUCKET_LIST_PARAMS = new Set(['project', 'prefix', 'maxResults', 'pageToken']);

/** `GET /storage/v1/b?project=P`: every bucket (the emulator has one namespace), in name order. */
export async function listBuckets(ctx: RequestContext, route: RouteOf<'buckets.list'>): Promise<void> {
  const { query } = route;
  if (!query.get('project')) throw badRequest('Required parameter: project');
  assertListParams(query, 'buckets.list', BUCKET_LIST_PARAMS);
  const page = listPage(ctx.store.listBucketNames(), {
    prefix: query.get('prefix') ?? undefined,
    maxResults: readMaxResults(query),
    pageToken: query.get('pageToken') ?? undefined,
  });
  sendJson(ctx.res, 200, {
    kind: 'storage#buckets',
    ...(page.names.length > 0 && {
      items: page.names.map((name) => bucketResource(ctx.store.getBucket(name), ctx.origin)),
    }),
    ...(page.nextPageToken !== undefined && { nextPageToken: page.nextPageToken }),
  });
}

/** `DELETE /storage/v1/b/{b}`: 204; 409 while the bucket holds an object or one is being written. */
export async function deleteBucket(ctx: RequestContext, route: RouteOf<'buckets.delete'>): Promise<void> {
  await ctx.store.deleteBucket(route.bucket, readPreconditions(route.query));
  sendEmpty(ctx.res, 204);
}
