import { badRequest } from './errors';
import { sendJson } from './http-responses';
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
