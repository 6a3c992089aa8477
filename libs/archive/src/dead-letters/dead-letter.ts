import type { OffsetRuns } from '../offsets/offset-runs';
import type { PartitionLease } from '../records/partition-lease';

/** Why a record was dead-lettered (the `reason` label of the metric). */
export type DeadLetterReason =
  /** The value is null: a tombstone, nothing to archive. */
  | 'tombstone'
  /** The value does not decode as the topic's message type. */
  | 'undecodable'
  /** The event-time field is missing, unset, malformed or out of range. */
  | 'no-timestamp'
  /** The decoded message could not become a row (e.g. data beyond the recursion cut with `recursionFallback: error`). */
  | 'unmappable'
  /** Later than its window's end plus grace, with `lateEvents: dead-letter`. */
  | 'late';

/** One record that could not be archived, with everything needed to replay it. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  /** Kafka record timestamp, ms. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer]>;
  reason: DeadLetterReason;
  /** The error's own words, e.g. the DecodeError naming the field path. */
  detail: string;
}

/** The dead letters of one Kafka partition from one batch, on their way to the dead-letter place. */
export interface DeadLetterBatch {
  readonly kind: 'dead-letters';
  readonly topic: string;
  readonly partition: number;
  readonly records: DeadLetter[];
  readonly offsets: OffsetRuns;
  readonly lease: PartitionLease;
}
