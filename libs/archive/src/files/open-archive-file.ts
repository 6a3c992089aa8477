import { join } from 'node:path';
import type { ParquetMapping } from '@eventpath/schemas';
import { createParquetWriter, isColumnarParquetFileWriter, type ParquetFileWriter } from '@eventpath/storage';
import type { RecordBatch } from 'apache-arrow';
import { archiveObjectName } from '../naming/object-names';
import { OffsetRuns } from '../offsets/offset-runs';
import type { PartitionLease } from '../records/partition-lease';
import type { TimePartition } from '../time/time-partitioner';
import { accountMetadata, ARCHIVE_METADATA_KEYS } from './archive-file-metadata';
import type { FinalizedArchiveFile } from './finalized-archive-file';
import type { FileMemoryView } from './memory-budget';
import type { TopicArchiveSettings } from './topic-archive-settings';

/** Why a file was finalized (also recorded in its footer). */
export type CloseReason = 'window' | 'size' | 'memory' | 'open-files' | 'idle' | 'max-age' | 'schema' | 'stop';

/** Rows of one time partition of one Kafka partition, from one batch. */
export interface RowBatch {
  /**
   * Row objects (ParquetMapping.toRow's) for any writer, or the same rows as one Arrow
   * record batch (ParquetColumnBatch's) for a columnar writer (parquet-wasm).
   */
  rows: Record<string, unknown>[] | RecordBatch;
  /** Kafka offsets of the rows, increasing. */
  offsets: number[];
  /** Event times of the rows, ms. */
  eventTimes: number[];
  /** Protobuf bytes of the records. */
  recordBytes: number;
}

export function rowCountOf(batch: RowBatch): number {
  return Array.isArray(batch.rows) ? batch.rows.length : batch.rows.numRows;
}

/** Rows `start` to `end` (exclusive) of a batch, with their share of its record bytes. */
export function sliceRowBatch(batch: RowBatch, start: number, end: number): RowBatch {
  const count = rowCountOf(batch);
  if (start === 0 && end === count) return batch;
  return {
    rows: batch.rows.slice(start, end),
    recordBytes: Math.round((batch.recordBytes * (end - start)) / count),
    offsets: batch.offsets.slice(start, end),
    eventTimes: batch.eventTimes.slice(start, end),
  };
}

export interface OpenArchiveFileOptions {
  id: number;
  directory: string;
  settings: TopicArchiveSettings;
  partition: number;
  timePartition: TimePartition;
  mapping: ParquetMapping;
  rowGroupBytes: number;
  lease: PartitionLease;
  now: number;
  /** Opened for a window that had closed already (a late record beyond grace). */
  late: boolean;
}

/**
 * One Parquet file being written: the records of one topic, Kafka partition
 * and time partition, from its first offset on, in one schema version.
 */
export class OpenArchiveFile implements FileMemoryView {
  readonly id: number;
  readonly settings: TopicArchiveSettings;
  readonly partition: number;
  readonly timePartition: TimePartition;
  readonly fingerprint: string;
  readonly mapping: ParquetMapping;
  readonly rowGroupBytes: number;
  readonly localPath: string;
  readonly openedAt: number;
  readonly late: boolean;
  readonly offsets = new OffsetRuns();
  lastAppendAt: number;
  recordBytes = 0;
  lease: PartitionLease;
  private minEventTime = Number.POSITIVE_INFINITY;
  private maxEventTime = Number.NEGATIVE_INFINITY;

  private constructor(
    options: OpenArchiveFileOptions,
    private readonly writer: ParquetFileWriter,
    localPath: string,
  ) {
    this.id = options.id;
    this.settings = options.settings;
    this.partition = options.partition;
    this.timePartition = options.timePartition;
    this.mapping = options.mapping;
    this.fingerprint = options.mapping.fingerprint;
    this.rowGroupBytes = options.rowGroupBytes;
    this.lease = options.lease;
    this.openedAt = options.now;
    this.lastAppendAt = options.now;
    this.late = options.late;
    this.localPath = localPath;
  }

  static async open(options: OpenArchiveFileOptions): Promise<OpenArchiveFile> {
    const localPath = join(options.directory, `${options.settings.topic}+${options.partition}+${options.id}.parquet`);
    const writer = await createParquetWriter(
      localPath,
      {
        schema: options.mapping.schema,
        compression: options.settings.compression,
        rowGroupBytes: options.rowGroupBytes,
        keyValueMetadata: { ...options.mapping.keyValueMetadata },
      },
      options.settings.writer,
    );
    return new OpenArchiveFile(options, writer, localPath);
  }

  get topic(): string {
    return this.settings.topic;
  }

  get rows(): number {
    return this.offsets.count;
  }

  get firstOffset(): number {
    return this.offsets.first ?? Number.NaN;
  }

  /** Running estimate of the finished file's size. */
  estimatedBytes(): number {
    return this.writer.estimatedBytes();
  }

  /** Whether `append` takes Arrow record batches (the writer is a ColumnarParquetFileWriter). */
  get columnar(): boolean {
    return isColumnarParquetFileWriter(this.writer);
  }

  async append(batch: RowBatch, lease: PartitionLease, now: number): Promise<void> {
    if (Array.isArray(batch.rows)) await this.writer.appendRows(batch.rows);
    else if (isColumnarParquetFileWriter(this.writer)) await this.writer.appendRecordBatch(batch.rows);
    else throw new TypeError(`${this.settings.writer ?? 'the default'} Parquet writer of ${this.localPath} takes rows, not an Arrow record batch`);
    for (const offset of batch.offsets) this.offsets.add(offset);
    this.recordBytes += batch.recordBytes;
    for (const time of batch.eventTimes) {
      if (time < this.minEventTime) this.minEventTime = time;
      if (time > this.maxEventTime) this.maxEventTime = time;
    }
    this.lease = lease;
    this.lastAppendAt = now;
  }

  /** Writes the footer (with the accounting metadata) and closes the file. */
  async finalize(reason: CloseReason): Promise<FinalizedArchiveFile> {
    const metadata: Record<string, string> = {
      ...this.mapping.keyValueMetadata,
      ...accountMetadata({ kind: 'parquet', topic: this.topic, partition: this.partition, offsets: this.offsets }),
      [ARCHIVE_METADATA_KEYS.timePartition]: this.timePartition.path,
      [ARCHIVE_METADATA_KEYS.windowStart]: new Date(this.timePartition.start).toISOString(),
      [ARCHIVE_METADATA_KEYS.windowEnd]: new Date(this.timePartition.end).toISOString(),
      [ARCHIVE_METADATA_KEYS.minEventTime]: new Date(this.minEventTime).toISOString(),
      [ARCHIVE_METADATA_KEYS.maxEventTime]: new Date(this.maxEventTime).toISOString(),
      [ARCHIVE_METADATA_KEYS.closeReason]: reason,
    };
    for (const [key, value] of Object.entries(metadata)) this.writer.setKeyValueMetadata(key, value);
    const summary = await this.writer.close();
    return {
      kind: 'parquet',
      topic: this.topic,
      partition: this.partition,
      localPath: this.localPath,
      objectName: archiveObjectName({ topic: this.topic, timePartition: this.timePartition.path, partition: this.partition, firstOffset: this.firstOffset }),
      metadata,
      offsets: this.offsets,
      rows: summary.rows,
      bytes: summary.bytes,
      lease: this.lease,
      reason,
    };
  }

  /** Stops writing and removes the local file. */
  discard(): Promise<void> {
    return this.writer.abort();
  }
}
