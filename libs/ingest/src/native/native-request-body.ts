import type { DraftEvent } from '../events/draft-event';
import type { IngestLimits } from '../events/ingest-limits';
import { IngestRequestError, type EventProblem } from '../events/ingest-request-error';
import { mediaTypeOf } from '../http/media-type';
import { nativeEventFromJson } from './native-event-object';

/** Content types of `POST /v1/topics/{topic}/events`. */
export const NATIVE_CONTENT_TYPES = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  protobuf: 'application/x-protobuf',
  binary: 'application/octet-stream',
} as const;

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines']);
const PROTOBUF_TYPES = new Set(['application/x-protobuf', 'application/protobuf', 'application/vnd.google.protobuf']);

/** Request headers giving the metadata of a single-value body (protobuf or octet-stream). */
export const RAW_BODY_HEADERS = { id: 'x-event-id', key: 'x-event-key', timestamp: 'x-event-timestamp' } as const;

export interface NativeBodyOptions {
  /** Whether the topic has a protobuf schema (required for a protobuf body). */
  hasSchema: boolean;
  limits: IngestLimits;
  /** Reads a request header (lowercase name). */
  header(name: string): string | undefined;
}

/**
 * The events of a native API request body:
 * - `application/json`: one event object, or `{"events": [event, ...]}`;
 * - `application/x-ndjson`: one event object per line (blank lines skipped);
 * - `application/x-protobuf` (topics with a schema) or `application/octet-stream`:
 *   the body is one value; `X-Event-Id`, `X-Event-Key` and `X-Event-Timestamp`
 *   give its id, key and time.
 * @throws IngestRequestError (400 malformed, 415 other content types)
 */
export function parseNativeBody(body: Buffer, contentType: string | undefined, options: NativeBodyOptions): DraftEvent[] {
  const kind = nativeBodyKind(contentType, options.hasSchema);
  if (kind === 'json') return fromJsonBody(body, options.limits);
  if (kind === 'ndjson') return fromNdjsonBody(body, options.limits);
  return [fromRawBody(body, options)];
}

/**
 * How a body of this content type is read, checked before the body is:
 * @throws IngestRequestError `unsupported-media-type` (415) for other types, and for protobuf on a topic without a schema
 */
export function nativeBodyKind(contentType: string | undefined, hasSchema: boolean): 'json' | 'ndjson' | 'raw' {
  const type = mediaTypeOf(contentType);
  if (type === NATIVE_CONTENT_TYPES.json) return 'json';
  if (type !== undefined && NDJSON_TYPES.has(type)) return 'ndjson';
  if (type === NATIVE_CONTENT_TYPES.binary) return 'raw';
  if (type !== undefined && PROTOBUF_TYPES.has(type)) {
    if (hasSchema) return 'raw';
    throw new IngestRequestError(
      'unsupported-media-type',
      `${type}: this topic has no protobuf schema; send application/json, application/x-ndjson or application/octet-stream`,
    );
  }
  throw new IngestRequestError(
    'unsupported-media-type',
    `${type ? `content type ${type}` : 'no content type'}: send application/json, application/x-ndjson, application/x-protobuf or application/octet-stream`,
  );
}

function fromJsonBody(body: Buffer, limits: IngestLimits): DraftEvent[] {
  if (body.length === 0) throw new IngestRequestError('bad-request', 'the request body is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new IngestRequestError('bad-request', `the body is not valid JSON: ${(error as Error).message}`);
  }
  const problems: EventProblem[] = [];
  let drafts: Array<DraftEvent | undefined>;
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && 'events' in parsed && !('value' in parsed)) {
    const { events, ...rest } = parsed as { events: unknown };
    const extra = Object.keys(rest);
    if (extra.length > 0) throw new IngestRequestError('bad-request', `${extra[0]}: unknown field (a batch is {"events": [...]})`);
    if (!Array.isArray(events)) throw new IngestRequestError('bad-request', 'events: must be an array of event objects');
    if (events.length === 0) throw new IngestRequestError('bad-request', 'events: must not be empty');
    checkCount(events.length, limits);
    drafts = events.map((event, index) => nativeEventFromJson(event, index, limits, problems));
  } else {
    drafts = [nativeEventFromJson(parsed, 0, limits, problems)];
  }
  if (problems.length > 0) throw IngestRequestError.forProblems('bad-request', problems);
  return drafts as DraftEvent[];
}

function fromNdjsonBody(body: Buffer, limits: IngestLimits): DraftEvent[] {
  const problems: EventProblem[] = [];
  const drafts: Array<DraftEvent | undefined> = [];
  for (const line of body.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    const index = drafts.length;
    checkCount(index + 1, limits);
    try {
      drafts.push(nativeEventFromJson(JSON.parse(line), index, limits, problems));
    } catch (error) {
      problems.push({ index, message: `line is not valid JSON: ${(error as Error).message}` });
      drafts.push(undefined);
    }
  }
  if (drafts.length === 0) throw new IngestRequestError('bad-request', 'the request body holds no events (one JSON object per line)');
  if (problems.length > 0) throw IngestRequestError.forProblems('bad-request', problems);
  return drafts as DraftEvent[];
}

function fromRawBody(body: Buffer, options: NativeBodyOptions): DraftEvent {
  const problems: EventProblem[] = [];
  const timestampHeader = options.header(RAW_BODY_HEADERS.timestamp);
  const fields: Record<string, unknown> = { value: '' };
  const id = options.header(RAW_BODY_HEADERS.id);
  if (id !== undefined) fields['id'] = id;
  const key = options.header(RAW_BODY_HEADERS.key);
  if (key !== undefined) fields['key'] = key;
  if (timestampHeader !== undefined) fields['timestamp'] = /^\d+$/.test(timestampHeader) ? Number(timestampHeader) : timestampHeader;
  // The same checks as a JSON event's, with the header names as the fields.
  const draft = nativeEventFromJson(fields, 0, options.limits, problems);
  if (!draft) {
    const renamed = problems.map((p) => ({ ...p, field: p.field && p.field in RAW_BODY_HEADERS ? RAW_BODY_HEADERS[p.field as keyof typeof RAW_BODY_HEADERS] : p.field }));
    throw IngestRequestError.forProblems('bad-request', renamed);
  }
  return { ...draft, value: { bytes: body } };
}

function checkCount(count: number, limits: IngestLimits): void {
  if (count > limits.maxEventsPerRequest) {
    throw new IngestRequestError('payload-too-large', `the request has more than the limit of ${limits.maxEventsPerRequest} events per request`);
  }
}
