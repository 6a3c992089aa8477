import { truncate } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { assertValidObjectName } from './disk-layout';
import { badRequest, notFound, type GcsApiError } from './errors';
import { parseUploadContentRange, type UploadContentRange } from './http-ranges';
import { sendEmpty, sendJson } from './http-responses';
import { parseUploadMetadata } from './object-attributes';
import { assertPreconditions, readPreconditions } from './preconditions';
import { discardBody, readJsonBody } from './request-body';
import type { RequestContext } from './request-context';
import type { RouteOf } from './route';
import { objectResource, type StoredObject } from './resources';
import { writeToStagingFile } from './staging-writer';
import { assertSuppliedHashes, hashesFromHeader } from './supplied-hashes';
import type { UploadSession } from './upload-sessions';

/**
 * `POST /upload/storage/v1/b/{b}/o?uploadType=resumable&name=N`: opens a session and answers
 * its URL in an absolute `Location` header (the client uses it as is). Preconditions are
 * checked now, to fail fast, and again when the upload completes.
 */
export async function initiateResumableUpload(
  ctx: RequestContext,
  route: RouteOf<'objects.insert.resumable'>,
): Promise<void> {
  const json = await readJsonBody(ctx.body);
  const uploadContentType = ctx.req.headers['x-upload-content-type'];
  const parsed = parseUploadMetadata(json, typeof uploadContentType === 'string' ? uploadContentType : undefined);
  const name = route.query.get('name') ?? parsed.name;
  if (!name) throw badRequest('Object name is required');
  assertValidObjectName(name);
  const preconditions = readPreconditions(route.query);
  assertPreconditions(preconditions, ctx.store.findObject(route.bucket, name));

  const session = await ctx.sessions.open({
    bucket: route.bucket,
    name,
    attributes: parsed.attributes,
    preconditions,
    stagingPath: ctx.store.newStagingFile(),
    suppliedHashes: [parsed.suppliedHashes, hashesFromHeader(ctx.req.headers)],
  });
  const query = new URLSearchParams({ uploadType: 'resumable', name, upload_id: session.id });
  sendEmpty(ctx.res, 200, {
    Location: `${ctx.origin}/upload/storage/v1/b/${encodeURIComponent(route.bucket)}/o?${query}`,
    'X-GUploader-UploadID': session.id,
  });
}

/**
 * `PUT {session URL}`: a chunk of data, the rest of the data, or a status query, told apart
 * by `Content-Range`. Incomplete uploads answer 308 with `Range: bytes=0-K` (no `Range`
 * while nothing is stored); the request that completes the upload answers 200 and the object.
 *
 * An `injectedFailure` is answered after the chunk has been stored, as when a server keeps
 * the bytes but fails to answer: the client then asks for the status and resumes.
 */
export async function putUploadData(
  ctx: RequestContext,
  route: RouteOf<'uploads.put'>,
  injectedFailure?: GcsApiError,
): Promise<void> {
  const range = parseUploadContentRange(ctx.req.headers['content-range']);
  // Usually on the request that completes the upload; it covers the whole object either way.
  const headerHashes = hashesFromHeader(ctx.req.headers);

  await ctx.sessions.runExclusive(route.uploadId, async (session) => {
    if (session.bucket !== route.bucket) throw notFound(`No such upload session: ${route.uploadId}`);
    if (Object.keys(headerHashes).length > 0) session.suppliedHashes.push(headerHashes);
    if (range.kind === 'data' && !session.result) await receiveChunk(session, ctx.body, range);
    else await discardBody(ctx.body);
    if (injectedFailure) throw injectedFailure;
    if (session.result) return sendJson(ctx.res, 200, objectResource(session.result, ctx.origin));

    if (range.total !== undefined && session.committedBytes > range.total) {
      throw badRequest(`Received ${session.committedBytes} bytes, more than the declared total of ${range.total}`);
    }
    // With a known total the upload is complete when it is reached; with `S-*/*` the body's end completes it.
    const complete =
      range.total !== undefined
        ? session.committedBytes === range.total
        : range.kind === 'data' && range.end === undefined;
    if (!complete) {
      const stored = session.committedBytes;
      return sendEmpty(ctx.res, 308, stored > 0 ? { Range: `bytes=0-${stored - 1}` } : {});
    }
    sendJson(ctx.res, 200, objectResource(await completeUpload(ctx, session), ctx.origin));
  });
}

/**
 * `DELETE {session URL}`: cancels the upload and removes its staged bytes. GCS answers
 * 499 (Client Closed Request); the session URL then answers 404.
 */
export async function cancelUpload(ctx: RequestContext, route: RouteOf<'uploads.cancel'>): Promise<void> {
  await ctx.sessions.runExclusive(route.uploadId, async (session) => {
    if (session.bucket !== route.bucket) throw notFound(`No such upload session: ${route.uploadId}`);
    await ctx.sessions.abandon(session);
  });
  sendEmpty(ctx.res, 499);
}

/** Stores one request's bytes; they count only if the body arrived whole and matches its range. */
async function receiveChunk(
  session: UploadSession,
  body: Readable,
  range: Extract<UploadContentRange, { kind: 'data' }>,
): Promise<void> {
  if (range.start > session.committedBytes) {
    await discardBody(body);
    throw badRequest(`Chunk starts at byte ${range.start} but only ${session.committedBytes} bytes are stored`);
  }
  // A resent chunk may overlap what is already stored; the overlap is dropped.
  const hasher = session.hasher.fork();
  const { received, written } = await writeToStagingFile(body, {
    path: session.stagingPath,
    position: session.committedBytes,
    skipBytes: session.committedBytes - range.start,
    hasher,
  });
  if (range.end !== undefined && range.start + received - 1 !== range.end) {
    const last = range.start + received - 1;
    throw badRequest(`Content-Range ends at byte ${range.end} but the body ended at byte ${last}`);
  }
  session.committedBytes += written;
  session.hasher = hasher;
}

async function completeUpload(ctx: RequestContext, session: UploadSession): Promise<StoredObject> {
  try {
    // A request that broke off may have left bytes past the committed end.
    await truncate(session.stagingPath, session.committedBytes);
    const hashes = session.hasher.digest();
    assertSuppliedHashes(session.suppliedHashes, hashes);
    session.result = await ctx.store.commit({
      bucket: session.bucket,
      name: session.name,
      stagedPath: session.stagingPath,
      size: session.committedBytes,
      hashes: ctx.faults.hashesToRecord(hashes),
      attributes: session.attributes,
      preconditions: session.preconditions,
    });
    return session.result;
  } catch (error) {
    await ctx.sessions.abandon(session);
    throw error;
  }
}
