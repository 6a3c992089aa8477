import type { ParquetPrimitiveField } from '@eventpath/storage';

/**
 * Where a row came from in Kafka. The archiver passes one per record; the
 * values land in the metadata columns after the message's own columns.
 */
export interface RecordMetadata {
  topic: string;
  partition: number;
  /** kafkajs gives offsets as decimal strings. */
  offset: bigint | number | string;
  /** The Kafka record timestamp in milliseconds since the epoch (kafkajs gives a decimal string). */
  timestamp: Date | number | string;
  /** The event id carried in the record's header, if any. */
  eventId?: string | null;
}

/**
 * Metadata column names start with two underscores, and top-level protobuf
 * fields that start with two underscores are refused when metadata columns
 * are on. Protobuf identifiers may start with underscores, so no prefix built
 * from identifier characters is unreachable by construction; refusing the
 * prefix (which the protobuf style guide never produces) keeps the names
 * plain for Spark, BigQuery and DuckDB, unlike punctuation that identifiers
 * cannot contain.
 */
export const RESERVED_COLUMN_PREFIX = '__';

export const METADATA_COLUMNS = {
  topic: '__kafka_topic',
  partition: '__kafka_partition',
  offset: '__kafka_offset',
  timestamp: '__kafka_timestamp',
  eventId: '__event_id',
} as const;

export const METADATA_FIELDS: readonly ParquetPrimitiveField[] = [
  { kind: 'primitive', name: METADATA_COLUMNS.topic, repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
  { kind: 'primitive', name: METADATA_COLUMNS.partition, repetition: 'REQUIRED', physicalType: 'INT32' },
  { kind: 'primitive', name: METADATA_COLUMNS.offset, repetition: 'REQUIRED', physicalType: 'INT64' },
  {
    kind: 'primitive',
    name: METADATA_COLUMNS.timestamp,
    repetition: 'REQUIRED',
    physicalType: 'INT64',
    logicalType: { type: 'TIMESTAMP', unit: 'MICROS', isAdjustedToUTC: true },
  },
  { kind: 'primitive', name: METADATA_COLUMNS.eventId, repetition: 'OPTIONAL', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
];
