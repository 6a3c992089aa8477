import type { OffsetRuns } from '../offsets/offset-runs';
import type { PartitionLease } from '../records/partition-lease';
import type { CloseReason } from './open-archive-file';

/** A finished local Parquet file on its way to the object store. */
export interface FinalizedArchiveFile {
  readonly kind: 'parquet';
  readonly topic: string;
  readonly partition: number;
  readonly localPath: string;
  /** Deterministic name in the store (see object-names.ts). */
  readonly objectName: string;
  /** The footer's key-value metadata; also stored as the object's custom metadata. */
  readonly metadata: Record<string, string>;
  readonly offsets: OffsetRuns;
  readonly rows: number;
  readonly bytes: number;
  /** Marks the offsets done once the file is stored. */
  readonly lease: PartitionLease;
  readonly reason: CloseReason;
}
