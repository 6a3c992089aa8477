import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { deleteBucket, getBucket, insertBucket, listBuckets } from './bucket-handlers';
import { downloadObject } from './download-handler';
import { GcsApiError, injectedFailure, notFound } from './errors';
import { handleFaultControl } from './fault-control-endpoint';
import { parseUploadContentRange } from './http-ranges';
import { sendError, sendJson } from './http-responses';
import { mediaUpload } from './media-upload-handler';
import { multipartUpload } from './multipart-upload-handler';
import {
  deleteObject,
  getObjectMetadata,
  listObjects,
  notImplemented,
  patchObject,
  updateObject,
} from './object-handlers';
import { captureRequestBody, ConnectionCutError, discardBody } from './request-body';
import type { EmulatorServices, RequestContext } from './request-context';
import { cancelUpload, initiateResumableUpload, putUploadData } from './resumable-upload-handlers';
import { matchRoute, type Route } from './route';

/** The HTTP server of the emulator: routing, fault injection, and turning errors into JSON API errors. */
export function createEmulatorServer(services: EmulatorServices): Server {
  return createServer((req, res) => {
    void handleRequest(services, req, res);
  });
}

async function handleRequest(services: EmulatorServices, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  let route: Route | undefined;
  let routeError: unknown;
  try {
    route = matchRoute(method, req.url ?? '/');
  } catch (error) {
    routeError = error;
  }
  // Synchronously, before anything is awaited: see `captureRequestBody`.
  const cutAfterBytes = route && carriesUploadData(route, req) ? services.faults.takeConnectionCut() : undefined;
  const body = captureRequestBody(req, cutAfterBytes);
  const ctx: RequestContext = { ...services, req, res, body, origin: `http://${req.headers.host ?? 'localhost'}` };

  try {
    if (routeError !== undefined) throw routeError;
    if (!route) throw notFound(`Not found: ${method} ${req.url}`);
    if (route.kind === 'emulator.faults') {
      return sendJson(res, 200, await handleFaultControl(method, body, services.faults));
    }
    if (services.faults.delayMs > 0) await sleep(services.faults.delayMs);
    const status = services.faults.takeFailure(method, route.kind);
    const failure = status === undefined ? undefined : injectedFailure(status);
    // A resumable PUT stores its bytes before failing (see `putUploadData`); others fail unserved.
    if (failure && route.kind !== 'uploads.put') throw failure;
    await serve(ctx, route, failure);
  } catch (error) {
    await discardBody(body);
    answerError(res, error);
  }
}

async function serve(
  ctx: RequestContext,
  route: Exclude<Route, { kind: 'emulator.faults' }>,
  failure?: GcsApiError,
): Promise<void> {
  switch (route.kind) {
    case 'buckets.get':
      return getBucket(ctx, route);
    case 'buckets.insert':
      return insertBucket(ctx);
    case 'buckets.list':
      return listBuckets(ctx, route);
    case 'buckets.delete':
      return deleteBucket(ctx, route);
    case 'objects.get':
      return getObjectMetadata(ctx, route);
    case 'objects.download':
      return downloadObject(ctx, route);
    case 'objects.list':
      return listObjects(ctx, route);
    case 'objects.patch':
      return patchObject(ctx, route);
    case 'objects.update':
      return updateObject(ctx, route);
    case 'objects.copy':
    case 'objects.rewrite':
    case 'objects.compose':
      return notImplemented(ctx, route);
    case 'objects.delete':
      return deleteObject(ctx, route);
    case 'objects.insert.multipart':
      return multipartUpload(ctx, route);
    case 'objects.insert.resumable':
      return initiateResumableUpload(ctx, route);
    case 'objects.insert.media':
      return mediaUpload(ctx, route);
    case 'uploads.put':
      return putUploadData(ctx, route, failure);
    case 'uploads.cancel':
      return cancelUpload(ctx, route);
  }
}

/** Requests whose body is object data: the ones a connection-cut fault applies to. */
function carriesUploadData(route: Route, req: IncomingMessage): boolean {
  if (req.headers['content-length'] === '0') return false;
  if (route.kind === 'objects.insert.multipart' || route.kind === 'objects.insert.media') return true;
  if (route.kind !== 'uploads.put') return false;
  try {
    return parseUploadContentRange(req.headers['content-range']).kind === 'data';
  } catch {
    return false;
  }
}

function answerError(res: ServerResponse, error: unknown): void {
  // Nobody is listening any more (client gone, or a connection-cut fault): nothing to answer.
  if (res.socket === null || res.socket.destroyed || error instanceof ConnectionCutError) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof GcsApiError) return sendError(res, error);
  console.error('gcs-emulator: unexpected error', error);
  sendError(res, new GcsApiError(500, 'backendError', error instanceof Error ? error.message : String(error)));
}
