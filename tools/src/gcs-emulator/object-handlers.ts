import { GcsApiError, notFound } from './errors';
import { sendEmpty, sendJson } from './http-responses';
import { parseListQuery } from './list-query';
import { applyPatch, parsePatch, parseUpdate, type ObjectAttributes } from './object-attributes';
import { assertReadPreconditions, readPreconditions } from './preconditions';
import { readJsonBody } from './request-body';
import type { RequestContext } from './request-context';
import type { RouteOf } from './route';
import { objectResource, type StoredObject } from './resources';

/**
 * The live object a read addresses. Only the live generation is kept, so asking for
 * another `generation` finds nothing. Throws 412 or 304 for a read's failing conditions.
 */
export function readableObject(object: StoredObject, query: URLSearchParams): StoredObject {
  const generation = query.get('generation');
  if (generation !== null && generation !== object.generation) {
    throw notFound(`No such object: ${object.bucket}/${object.name}#${generation}`);
  }
  assertReadPreconditions(readPreconditions(query), object);
  return object;
}

export async function getObjectMetadata(ctx: RequestContext, route: RouteOf<'objects.get'>): Promise<void> {
  const object = readableObject(ctx.store.getObject(route.bucket, route.object), route.query);
  sendJson(ctx.res, 200, objectResource(object, ctx.origin));
}

/** PATCH: absent fields are kept, `null` removes, custom metadata is merged key by key. */
export async function patchObject(ctx: RequestContext, route: RouteOf<'objects.patch'>): Promise<void> {
  const patch = parsePatch(await readJsonBody(ctx.body));
  await changeMetadata(ctx, route, (current) => applyPatch(current, patch));
}

/** PUT (`objects.update`): the body's writable metadata replaces the object's; absent fields are cleared. */
export async function updateObject(ctx: RequestContext, route: RouteOf<'objects.update'>): Promise<void> {
  const attributes = parseUpdate(await readJsonBody(ctx.body));
  await changeMetadata(ctx, route, () => attributes);
}

async function changeMetadata(
  ctx: RequestContext,
  route: RouteOf<'objects.patch' | 'objects.update'>,
  change: (current: ObjectAttributes) => ObjectAttributes,
): Promise<void> {
  const object = await ctx.store.updateMetadata(route.bucket, route.object, readPreconditions(route.query), change);
  sendJson(ctx.res, 200, objectResource(object, ctx.origin));
}

/** Copy, rewrite and compose are not emulated: a clear 501 rather than a 404 that looks like a missing object. */
export async function notImplemented(
  _ctx: RequestContext,
  route: RouteOf<'objects.copy' | 'objects.rewrite' | 'objects.compose'>,
): Promise<void> {
  const operation = { 'objects.copy': 'copyTo', 'objects.rewrite': 'rewriteTo', 'objects.compose': 'compose' }[
    route.kind
  ];
  throw new GcsApiError(
    501,
    'notImplemented',
    `${route.kind} (${operation}) is not implemented by the GCS emulator (tools/src/gcs-emulator): ` +
      'download the source objects and upload the result instead',
  );
}

export async function deleteObject(ctx: RequestContext, route: RouteOf<'objects.delete'>): Promise<void> {
  await ctx.store.delete(route.bucket, route.object, readPreconditions(route.query));
  sendEmpty(ctx.res, 204);
}

export async function listObjects(ctx: RequestContext, route: RouteOf<'objects.list'>): Promise<void> {
  const listing = ctx.store.listObjects(route.bucket, parseListQuery(route.query));
  // Like GCS, empty `items`/`prefixes` and a missing `nextPageToken` are left out.
  sendJson(ctx.res, 200, {
    kind: 'storage#objects',
    ...(listing.items.length > 0 && { items: listing.items.map((object) => objectResource(object, ctx.origin)) }),
    ...(listing.prefixes.length > 0 && { prefixes: listing.prefixes }),
    ...(listing.nextPageToken !== undefined && { nextPageToken: listing.nextPageToken }),
  });
}
