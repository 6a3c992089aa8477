import { FINGERPRINT_METADATA_KEY, MESSAGE_TYPE_METADATA_KEY } from '@eventpath/schemas';
import { OffsetRuns } from '../offsets/offset-runs';

/**
 * What every archive file says about itself, in its Parquet footer's
 * key-value metadata and, the same values, in its object's custom metadata:
 * enough for the audit to account for every offset without reading a data page.
 */
export const ARCHIVE_METADATA_KEYS = {
  topic: 'eventpath.archive.topic',
  partition: 'eventpath.archive.partition',
  firstOffset: 'eventpath.archive.first_offset',
  lastOffset: 'eventpath.archive.last_offset',
  rowCount: 'eventpath.archive.row_count',
  /** The exact offsets, as OffsetRuns text (`100-199,201`); see OffsetRuns.encode. */
  offsets: 'eventpath.archive.offsets',
  timePartition: 'eventpath.archive.time_partition',
  windowStart: 'eventpath.archive.window_start',
  windowEnd: 'eventpath.archive.window_end',
  minEventTime: 'eventpath.archive.min_event_time',
  maxEventTime: 'eventpath.archive.max_event_time',
  /** `parquet` or `dead-letters`. */
  kind: 'eventpath.archive.kind',
  /** Why the file was finalized: window, size, memory, open-files, idle, max-age, schema, stop. */
  closeReason: 'eventpath.archive.close_reason',
  schemaFingerprint: FINGERPRINT_METADATA_KEY,
  messageType: MESSAGE_TYPE_METADATA_KEY,
} as const;

/**
 * GCS allows 8 KiB of custom metadata per object; offset runs longer than
 * this stay in the footer only (the object metadata then says so by leaving
 * the key out, and the audit reads the footer).
 */
export const MAX_OBJECT_METADATA_OFFSETS_CHARS = 4096;

/** The accounting part of an archive file's metadata, as the audit reads it back. */
export interface ArchiveFileAccount {
  kind: 'parquet' | 'dead-letters';
  topic: string;
  partition: number;
  firstOffset: number;
  lastOffset: number;
  rowCount: number;
  offsets: OffsetRuns;
  schemaFingerprint?: string;
  timePartition?: string;
}

export interface AccountInput {
  kind: 'parquet' | 'dead-letters';
  topic: string;
  partition: number;
  offsets: OffsetRuns;
}

/** The accounting keys for a file holding `offsets`. */
export function accountMetadata({ kind, topic, partition, offsets }: AccountInput): Record<string, string> {
  if (offsets.isEmpty) throw new RangeError('an archive file holds at least one record');
  return {
    [ARCHIVE_METADATA_KEYS.kind]: kind,
    [ARCHIVE_METADATA_KEYS.topic]: topic,
    [ARCHIVE_METADATA_KEYS.partition]: String(partition),
    [ARCHIVE_METADATA_KEYS.firstOffset]: String(offsets.first),
    [ARCHIVE_METADATA_KEYS.lastOffset]: String(offsets.last),
    [ARCHIVE_METADATA_KEYS.rowCount]: String(offsets.count),
    [ARCHIVE_METADATA_KEYS.offsets]: offsets.encode(),
  };
}

/** Object metadata to store with a file: everything, except offset runs too long for GCS's limit. */
export function objectMetadataFor(metadata: Record<string, string>): Record<string, string> {
  const offsets = metadata[ARCHIVE_METADATA_KEYS.offsets];
  if (offsets === undefined || offsets.length <= MAX_OBJECT_METADATA_OFFSETS_CHARS) return { ...metadata };
  const { [ARCHIVE_METADATA_KEYS.offsets]: _left, ...rest } = metadata;
  return rest;
}

/**
 * Reads the accounting keys back; undefined when a key is missing (a file
 * not written by the archiver, or object metadata without the offset runs),
 * an Error naming the key when one is malformed.
 */
export function readAccount(metadata: Record<string, string> | undefined): ArchiveFileAccount | undefined | Error {
  if (!metadata) return undefined;
  const get = (key: string) => metadata[key];
  const required = [ARCHIVE_METADATA_KEYS.topic, ARCHIVE_METADATA_KEYS.partition, ARCHIVE_METADATA_KEYS.rowCount, ARCHIVE_METADATA_KEYS.offsets];
  if (required.some((key) => get(key) === undefined)) return undefined;
  let offsets: OffsetRuns;
  try {
    offsets = OffsetRuns.decode(get(ARCHIVE_METADATA_KEYS.offsets));
  } catch (error) {
    return new Error(`${ARCHIVE_METADATA_KEYS.offsets}: ${(error as Error).message}`);
  }
  const partition = Number(get(ARCHIVE_METADATA_KEYS.partition));
  const rowCount = Number(get(ARCHIVE_METADATA_KEYS.rowCount));
  if (!Number.isInteger(partition) || partition < 0) return new Error(`${ARCHIVE_METADATA_KEYS.partition}: ${get(ARCHIVE_METADATA_KEYS.partition)} is not a partition`);
  if (!Number.isInteger(rowCount) || rowCount !== offsets.count) {
    return new Error(`${ARCHIVE_METADATA_KEYS.rowCount} is ${get(ARCHIVE_METADATA_KEYS.rowCount)} but the offset runs hold ${offsets.count} offsets`);
  }
  if (offsets.isEmpty) return new Error(`${ARCHIVE_METADATA_KEYS.offsets} is empty`);
  const kind = get(ARCHIVE_METADATA_KEYS.kind) === 'dead-letters' ? 'dead-letters' : 'parquet';
  return {
    kind,
    topic: get(ARCHIVE_METADATA_KEYS.topic),
    partition,
    firstOffset: offsets.first as number,
    lastOffset: offsets.last as number,
    rowCount,
    offsets,
    ...(get(ARCHIVE_METADATA_KEYS.schemaFingerprint) === undefined ? {} : { schemaFingerprint: get(ARCHIVE_METADATA_KEYS.schemaFingerprint) }),
    ...(get(ARCHIVE_METADATA_KEYS.timePartition) === undefined ? {} : { timePartition: get(ARCHIVE_METADATA_KEYS.timePartition) }),
  };
}
