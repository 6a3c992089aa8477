import type { ParquetCompression, ParquetWriterImplementation } from '@eventpath/storage';
import type { TimestampSource } from '../records/timestamp-source';
import type { TimePartitioner } from '../time/time-partitioner';

/** What to do with a record whose window closed (its end plus the grace period passed) before it came. */
export type LateEventPolicy = 'write' | 'dead-letter';

/** How one topic is archived; the app derives these from its defaults and per-topic overrides. */
export interface TopicArchiveSettings {
  readonly topic: string;
  /** Fully-qualified protobuf message type of the topic's values. */
  readonly messageType: string;
  readonly timestamp: TimestampSource;
  readonly partitioner: TimePartitioner;
  /**
   * How long after a window's end (in event time: the highest event time
   * seen on the Kafka partition) its file stays open for late records.
   */
  readonly graceMs: number;
  /**
   * `write` (default): a record later than the grace period is written to
   * its own time partition anyway, in a new file; `dead-letter`: it is
   * dead-lettered with reason `late`.
   */
  readonly lateEvents: LateEventPolicy;
  /** A file is finalized when its estimated size reaches this. */
  readonly maxFileBytes: number;
  readonly compression: ParquetCompression;
  /** Append the Kafka metadata columns (`__kafka_topic`, `__kafka_partition`, `__kafka_offset`, `__kafka_timestamp`, `__event_id`). */
  readonly metadataColumns: boolean;
  /** Kafka header holding the event id (`__event_id`). */
  readonly eventIdHeader: string;
  /**
   * A file that got no record for this long is finalized once its window's
   * end plus grace has passed on the wall clock too (quiet partitions).
   */
  readonly idleCloseMs: number;
  /** A file open this long (wall clock) is finalized whatever else holds; bounds commit lag. */
  readonly maxFileAgeMs: number;
  /** libs/storage Parquet writer; default libs/storage's DEFAULT_PARQUET_WRITER_IMPLEMENTATION (parquet-wasm, columnar). */
  readonly writer?: ParquetWriterImplementation;
}
