import { badRequest } from './errors';

/** The API operations the emulator serves, named after the JSON API methods. */
export const ROUTE_KINDS = [
  'buckets.get',
  'buckets.insert',
  'buckets.list',
  'buckets.delete',
  'objects.get',
  'objects.download',
  'objects.list',
  'objects.patch',
  'objects.update',
  'objects.delete',
  'objects.copy',
  'objects.rewrite',
  'objects.compose',
  'objects.insert.multipart',
  'objects.insert.resumable',
  'objects.insert.media',
  'uploads.put',
  'uploads.cancel',
] as const;

export type RouteKind = (typeof ROUTE_KINDS)[number];

interface ObjectScope {
  bucket: string;
  object: string;
}

/** What each operation's path identifies. */
interface RouteParams {
  'buckets.insert': object;
  'buckets.get': { bucket: string };
  'buckets.list': object;
  'buckets.delete': { bucket: string };
  'objects.list': { bucket: string };
  'objects.get': ObjectScope;
  'objects.download': ObjectScope;
  'objects.patch': ObjectScope;
  'objects.update': ObjectScope;
  /** Source object; the destination is not parsed, since these answer 501. */
  'objects.copy': ObjectScope;
  'objects.rewrite': ObjectScope;
  /** The destination object. */
  'objects.compose': ObjectScope;
  'objects.delete': ObjectScope;
  'objects.insert.multipart': { bucket: string };
  'objects.insert.resumable': { bucket: string };
  'objects.insert.media': { bucket: string };
  'uploads.put': { bucket: string; uploadId: string };
  'uploads.cancel': { bucket: string; uploadId: string };
  'emulator.faults': object;
}

export type Route = {
  [K in keyof RouteParams]: { kind: K; query: URLSearchParams } & RouteParams[K];
}[keyof RouteParams];

export type RouteOf<K extends Route['kind']> = Extract<Route, { kind: K }>;

export const FAULT_CONTROL_PATH = '/_emulator/faults';

/**
 * Maps a request to an operation. Path segments are percent-decoded one by one, so an
 * object name's `%2F` stays inside the name and a literal `+` stays a plus; the query
 * string is form-decoded (`+` is a space there, `%2B` a plus), matching how the client
 * encodes each. Three path families exist, as on GCS: `/storage/v1/…` (JSON API),
 * `/upload/storage/v1/…` (uploads) and `/download/storage/v1/…` (the object's `mediaLink`).
 */
export function matchRoute(method: string, rawUrl: string): Route | undefined {
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1));
  if (rawPath === FAULT_CONTROL_PATH) return { kind: 'emulator.faults', query };

  const segments = rawPath.split('/').slice(1).map(decodeSegment);
  switch (segments[0]) {
    case 'upload':
      return matchUploadRoute(method, apiPath(segments.slice(1)), query);
    case 'download':
      return matchDownloadRoute(method, apiPath(segments.slice(1)), query);
    default:
      return matchJsonApiRoute(method, apiPath(segments), query);
  }
}

/** The parts of `storage/v1/b/{bucket}/o/{object}/…`; undefined when the path has another shape. */
interface ApiPath {
  bucket?: string;
  /** The segment after the bucket: `o` for objects. */
  collection?: string;
  object?: string;
  rest: string[];
}

function apiPath(segments: string[]): ApiPath | undefined {
  const [api, version, b, bucket, collection, object, ...rest] = segments;
  if (api !== 'storage' || version !== 'v1' || b !== 'b') return undefined;
  return { bucket, collection, object, rest };
}

function matchUploadRoute(method: string, path: ApiPath | undefined, query: URLSearchParams): Route | undefined {
  if (path?.bucket === undefined || path.collection !== 'o' || path.object !== undefined) return undefined;
  const { bucket } = path;
  const uploadId = query.get('upload_id');
  if (method === 'PUT' && uploadId) return { kind: 'uploads.put', bucket, uploadId, query };
  if (method === 'DELETE' && uploadId) return { kind: 'uploads.cancel', bucket, uploadId, query };
  if (method !== 'POST') return undefined;
  switch (query.get('uploadType')) {
    case 'multipart':
      return { kind: 'objects.insert.multipart', bucket, query };
    case 'resumable':
      return { kind: 'objects.insert.resumable', bucket, query };
    case 'media':
      return { kind: 'objects.insert.media', bucket, query };
    default:
      throw badRequest(`Unsupported uploadType: ${query.get('uploadType')}`);
  }
}

/** `GET /download/storage/v1/b/{b}/o/{o}?alt=media`: the form of the object resource's `mediaLink`. */
function matchDownloadRoute(method: string, path: ApiPath | undefined, query: URLSearchParams): Route | undefined {
  const { bucket, collection, object, rest } = path ?? { rest: [] };
  if (method !== 'GET' || bucket === undefined || collection !== 'o' || object === undefined || rest.length > 0) {
    return undefined;
  }
  if (query.get('alt') !== 'media') throw badRequest('The /download path serves object data only: add alt=media');
  return { kind: 'objects.download', bucket, object, query };
}

function matchJsonApiRoute(method: string, path: ApiPath | undefined, query: URLSearchParams): Route | undefined {
  if (!path) return undefined;
  const { bucket, collection, object, rest } = path;
  if (rest.length > 0) {
    return bucket !== undefined && collection === 'o' && object !== undefined && method === 'POST'
      ? matchObjectAction(bucket, object, rest, query)
      : undefined;
  }
  if (bucket === undefined) {
    if (method === 'GET') return { kind: 'buckets.list', query };
    return method === 'POST' ? { kind: 'buckets.insert', query } : undefined;
  }
  if (collection === undefined) {
    if (method === 'DELETE') return { kind: 'buckets.delete', bucket, query };
    return method === 'GET' ? { kind: 'buckets.get', bucket, query } : undefined;
  }
  if (collection !== 'o') return undefined;
  if (object === undefined) return method === 'GET' ? { kind: 'objects.list', bucket, query } : undefined;
  switch (method) {
    case 'GET':
      return query.get('alt') === 'media'
        ? { kind: 'objects.download', bucket, object, query }
        : { kind: 'objects.get', bucket, object, query };
    case 'PATCH':
      return { kind: 'objects.patch', bucket, object, query };
    case 'PUT':
      return { kind: 'objects.update', bucket, object, query };
    case 'DELETE':
      return { kind: 'objects.delete', bucket, object, query };
    default:
      return undefined;
  }
}

/** `…/o/{o}/copyTo/b/{b2}/o/{o2}`, `…/o/{o}/rewriteTo/b/{b2}/o/{o2}`, `…/o/{o}/compose`. */
function matchObjectAction(bucket: string, object: string, rest: string[], query: URLSearchParams): Route | undefined {
  const [action, b, destinationBucket, o, destinationObject, ...more] = rest;
  if (action === 'compose' && rest.length === 1) return { kind: 'objects.compose', bucket, object, query };
  const toObject = b === 'b' && destinationBucket && o === 'o' && destinationObject && more.length === 0;
  if (action === 'copyTo' && toObject) return { kind: 'objects.copy', bucket, object, query };
  if (action === 'rewriteTo' && toObject) return { kind: 'objects.rewrite', bucket, object, query };
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`Malformed percent-encoding in path segment: ${segment}`);
  }
}
