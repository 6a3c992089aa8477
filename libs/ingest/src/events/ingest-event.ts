import type { FailoverEvent } from '@eventpath/queues';
import type { Message } from 'kafkajs';
import { CONTENT_TYPE_HEADER, EVENT_ID_HEADER, INGEST_TIME_HEADER } from './event-headers';

/**
 * One event the gateway has accepted for delivery: validated, converted,
 * with its id and the gateway's headers. The same event goes to the fronting
 * Kafka as a message or to the Redis failover stream as an entry.
 */
export interface IngestEvent {
  readonly id: string;
  readonly key: Buffer | null;
  /** Bytes, or text that stands for its UTF-8 bytes (JSON values). */
  readonly value: Buffer | string;
  /** The producer's headers followed by the gateway's (`eventpath-event-id`, `-content-type`, `-ingest-time`); text values are their UTF-8 bytes. */
  readonly headers: Readonly<Record<string, Buffer | string>>;
  /** Event time, epoch ms: the producer's, or the ingest time. */
  readonly timestamp: number;
  /** A partition the producer chose (REST Proxy API); the partitioner's choice otherwise. */
  readonly partition?: number;
  /** Bytes of id, key, value and headers: what limits and metrics count. */
  readonly bytes: number;
}

export interface IngestEventFields {
  id: string;
  key: Buffer | null;
  value: Buffer | string;
  contentType: string;
  producerHeaders?: Record<string, Buffer | string>;
  timestamp?: number;
  partition?: number;
  ingestTime: number;
}

/** Builds the event with the gateway's headers. */
export function createIngestEvent(fields: IngestEventFields): IngestEvent {
  const headers: Record<string, Buffer | string> = { ...fields.producerHeaders };
  headers[EVENT_ID_HEADER] = fields.id;
  headers[CONTENT_TYPE_HEADER] = fields.contentType;
  headers[INGEST_TIME_HEADER] = String(fields.ingestTime);
  let bytes = Buffer.byteLength(fields.id) + Buffer.byteLength(fields.value) + (fields.key?.length ?? 0);
  for (const name in headers) bytes += Buffer.byteLength(name) + Buffer.byteLength(headers[name]);
  return {
    id: fields.id,
    key: fields.key,
    value: fields.value,
    headers,
    timestamp: fields.timestamp ?? fields.ingestTime,
    partition: fields.partition,
    bytes,
  };
}

/** The event as a kafkajs message. */
export function toKafkaMessage(event: IngestEvent): Message {
  return {
    key: event.key,
    value: event.value,
    headers: event.headers as Record<string, Buffer | string>,
    timestamp: String(event.timestamp),
    partition: event.partition,
  };
}

/**
 * The event as a failover stream entry: the same id, key, value, headers and
 * timestamp. A partition the producer chose is not kept: the fronting-worker
 * partitions the mainstream topic by key.
 */
export function toFailoverEvent(event: IngestEvent): FailoverEvent {
  return { id: event.id, key: event.key, value: event.value, headers: event.headers as Record<string, Buffer | string>, timestamp: event.timestamp };
}
