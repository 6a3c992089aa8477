import type { ValueCodec } from '../values/value-codec';
import { ValueError } from '../values/value-codec';
import { eventIdProblem, newEventId } from './event-id';
import type { IngestLimits } from './ingest-limits';
import { createIngestEvent, type IngestEvent } from './ingest-event';
import { IngestRequestError, type EventProblem } from './ingest-request-error';

/** An event as a request gave it, before ids, conversion and limits. */
export interface DraftEvent {
  id?: string;
  key: Buffer | null;
  /** A JSON value (converted by the topic's codec) or bytes (checked by it). */
  value: { json: unknown } | { bytes: Buffer };
  headers?: Record<string, Buffer | string>;
  timestamp?: number;
  partition?: number;
}

/** Problems collected per request before it is refused; enough to fix a batch, bounded for huge ones. */
const MAX_PROBLEMS = 100;

/**
 * Turns a request's drafts into events: an id for each (the producer's or a
 * new UUIDv7), the value converted or checked by the topic's codec, the
 * gateway's headers, and the size limit. Any problem refuses the whole
 * request: `invalid-value` (422) when only values fail their schema,
 * `payload-too-large` (413) when only sizes are over, `bad-request` (400)
 * otherwise; the problems name the event index and the field path.
 */
export function prepareEvents(drafts: readonly DraftEvent[], codec: ValueCodec, limits: IngestLimits, ingestTime: number): IngestEvent[] {
  if (drafts.length > limits.maxEventsPerRequest) {
    throw new IngestRequestError(
      'payload-too-large',
      `the request has ${drafts.length} events, more than the limit of ${limits.maxEventsPerRequest} events per request`,
    );
  }
  const events: IngestEvent[] = [];
  const problems: Array<EventProblem & { kind: 'value' | 'size' | 'other' }> = [];
  const seen = new Map<string, number>();
  for (let index = 0; index < drafts.length && problems.length < MAX_PROBLEMS; index++) {
    const draft = drafts[index];
    const id = draft.id ?? newEventId();
    if (draft.id !== undefined) {
      const idProblem = eventIdProblem(draft.id);
      if (idProblem) {
        problems.push({ index, field: 'id', message: idProblem, kind: 'other' });
        continue;
      }
      const earlier = seen.get(id);
      if (earlier !== undefined) {
        problems.push({ index, id, field: 'id', message: `repeats the id of event ${earlier}`, kind: 'other' });
        continue;
      }
      seen.set(id, index);
    }
    let encoded;
    try {
      encoded = 'json' in draft.value ? codec.fromJson(draft.value.json) : codec.fromBytes(draft.value.bytes);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      problems.push({ index, id, field: error.field ? `value.${error.field}` : 'value', message: error.message, kind: 'value' });
      continue;
    }
    const event = createIngestEvent({
      id,
      key: draft.key,
      value: encoded.value,
      contentType: encoded.contentType,
      producerHeaders: draft.headers,
      timestamp: draft.timestamp,
      partition: draft.partition,
      ingestTime,
    });
    if (event.bytes > limits.maxEventBytes) {
      problems.push({
        index,
        id,
        message: `${event.bytes} bytes (id, key, value and headers), more than the limit of ${limits.maxEventBytes}`,
        kind: 'size',
      });
      continue;
    }
    events.push(event);
  }
  if (problems.length > 0) {
    const kinds = new Set(problems.map((p) => p.kind));
    const kind = kinds.size === 1 && kinds.has('value') ? 'invalid-value' : kinds.size === 1 && kinds.has('size') ? 'payload-too-large' : 'bad-request';
    throw IngestRequestError.forProblems(kind, problems.map(({ kind: _kind, ...problem }) => problem));
  }
  return events;
}
