import type { ParquetMapping } from '@eventpath/schemas';
import { ParquetRowError } from '@eventpath/storage';
import type { PartitionLease } from '../records/partition-lease';
import type { TimePartition } from '../time/time-partitioner';
import type { FinalizedArchiveFile } from './finalized-archive-file';
import type { MemoryBudget } from './memory-budget';
import { OpenArchiveFile, rowCountOf, sliceRowBatch, type CloseReason, type RowBatch } from './open-archive-file';
import type { PartitionClocks } from './partition-clocks';
import type { PendingRecords } from './pending-records';
import type { TopicArchiveSettings } from './topic-archive-settings';

export interface FileRollerOptions {
  /** Local working directory for open files. */
  directory: string;
  budget: MemoryBudget;
  /** Most files open at once; past it the oldest is finalized. */
  maxOpenFiles: number;
  pending: PendingRecords;
  clocks: PartitionClocks;
  /** Rows appended per writer call between size checks. Default 1000. */
  chunkRows?: number;
  /** Called with every file finalized or discarded, for metrics and logs. */
  onFileEvent?: (event: FileEvent) => void;
}

export type FileEvent =
  | { type: 'opened'; file: OpenArchiveFile }
  | { type: 'finalized'; file: FinalizedArchiveFile }
  | { type: 'discarded'; file: OpenArchiveFile };

/** Where rows go: one topic, Kafka partition and time partition, in one schema version. */
export interface WriteTarget {
  settings: TopicArchiveSettings;
  partition: number;
  timePartition: TimePartition;
  mapping: ParquetMapping;
  lease: PartitionLease;
  /** The window had closed already when these rows came (late beyond grace). */
  late: boolean;
}

/** A row the Parquet writer refused (a value outside its column), to be dead-lettered. */
export interface RejectedRow {
  offset: number;
  reason: string;
}

export interface WriteResult {
  /** Files finalized while writing (size limit, open-file or memory budget, schema change). */
  finalized: FinalizedArchiveFile[];
  rejected: RejectedRow[];
}

/**
 * Routes rows to the open file of their topic, Kafka partition and time
 * partition, and decides when files are finalized:
 *
 * - **window**: the partition's event time passed the window's end plus grace;
 * - **size**: the file's estimated size reached `maxFileBytes`;
 * - **open-files**: opening one more would pass `maxOpenFiles` (oldest first);
 * - **memory**: the memory model says the budget is passed (largest first);
 * - **schema**: the topic's schema changed (a new fingerprint rolls the file);
 * - **idle** / **max-age**: wall-clock limits for quiet partitions.
 *
 * The roller is used by one stage at a time (it is not safe for concurrent
 * calls). Finalized files are returned to the caller, who uploads them.
 */
export class FileRoller {
  private readonly files = new Map<string, OpenArchiveFile>();
  private nextId = 1;
  private readonly chunkRows: number;

  constructor(private readonly options: FileRollerOptions) {
    this.chunkRows = options.chunkRows ?? 1000;
    if (!Number.isInteger(options.maxOpenFiles) || options.maxOpenFiles < 1) throw new RangeError(`maxOpenFiles must be at least 1, got ${options.maxOpenFiles}`);
  }

  get openFileCount(): number {
    return this.files.size;
  }

  /** Open files, for metrics and tests. */
  openFiles(): OpenArchiveFile[] {
    return [...this.files.values()];
  }

  /** The memory model's figure for what is held now: open files plus uncommitted finalized records. */
  memoryInUse(): number {
    let total = this.options.budget.pendingBytes(this.options.pending.count);
    for (const file of this.files.values()) total += this.options.budget.fileBytes(file);
    return total;
  }

  /** Estimated bytes of every open file. */
  openFileBytes(): number {
    let total = 0;
    for (const file of this.files.values()) total += file.estimatedBytes();
    return total;
  }

  /** Appends rows to their file, finalizing files as the limits require. */
  async write(target: WriteTarget, batch: RowBatch, now: number): Promise<WriteResult> {
    const result: WriteResult = { finalized: [], rejected: [] };
    const key = fileKey(target);
    const count = rowCountOf(batch);
    let start = 0;
    while (start < count) {
      let file = this.files.get(key);
      if (file && file.fingerprint !== target.mapping.fingerprint) {
        result.finalized.push(await this.finalize(file, 'schema'));
        file = undefined;
      }
      if (file && target.late && !file.late) {
        // The window closed (its grace passed) before these rows came: they go to a file of their own.
        result.finalized.push(await this.finalize(file, 'window'));
        file = undefined;
      }
      if (!file) file = await this.open(key, target, now, result);
      const end = Math.min(count, start + this.chunkSize(file, target.settings.maxFileBytes));
      await this.appendChunk(file, sliceRowBatch(batch, start, end), target.lease, now, result);
      start = end;
      if (file.rows === 0) {
        // Every row of its first chunk was refused: nothing to keep.
        await this.discard(file);
        continue;
      }
      if (file.estimatedBytes() >= target.settings.maxFileBytes) result.finalized.push(await this.finalize(file, 'size'));
    }
    await this.enforceMemory(result.finalized);
    return result;
  }

  /**
   * Finalizes the files that are due: windows past their grace (by the
   * partition's event time), idle and over-age files, and the files
   * `isOutdated` names (written in a schema version that was replaced).
   */
  async closeDue(now: number, isOutdated?: (file: OpenArchiveFile) => boolean): Promise<FinalizedArchiveFile[]> {
    const due: Array<{ file: OpenArchiveFile; reason: CloseReason }> = [];
    for (const file of this.files.values()) {
      const { graceMs, idleCloseMs, maxFileAgeMs } = file.settings;
      const closesAt = file.timePartition.end + graceMs;
      const clock = this.options.clocks.of(file.lease);
      if (clock !== undefined && clock >= closesAt) due.push({ file, reason: 'window' });
      else if (isOutdated?.(file)) due.push({ file, reason: 'schema' });
      else if (now - file.openedAt >= maxFileAgeMs) due.push({ file, reason: 'max-age' });
      else if (now - file.lastAppendAt >= idleCloseMs && now >= closesAt) due.push({ file, reason: 'idle' });
    }
    due.sort((a, b) => a.file.timePartition.start - b.file.timePartition.start || a.file.id - b.file.id);
    const finalized: FinalizedArchiveFile[] = [];
    for (const { file, reason } of due) finalized.push(await this.finalize(file, reason));
    await this.enforceMemory(finalized);
    return finalized;
  }

  /** Discards the open files whose lease ended (their partition was revoked); returns how many. */
  async discardRevoked(): Promise<number> {
    const revoked = [...this.files.values()].filter((file) => !file.lease.isCurrent());
    for (const file of revoked) await this.discard(file);
    return revoked.length;
  }

  /** Finalizes every open file (e.g. on a graceful stop). */
  async finalizeAll(reason: CloseReason): Promise<FinalizedArchiveFile[]> {
    const finalized: FinalizedArchiveFile[] = [];
    for (const file of [...this.files.values()]) finalized.push(await this.finalize(file, reason));
    return finalized;
  }

  /** Discards every open file. */
  async discardAll(): Promise<void> {
    for (const file of [...this.files.values()]) await this.discard(file);
  }

  /** Rows to append before the next size check: what fits in the rest of the file at its average row size so far. */
  private chunkSize(file: OpenArchiveFile, maxFileBytes: number): number {
    if (file.rows === 0) return Math.min(this.chunkRows, 64);
    const perRow = file.estimatedBytes() / file.rows;
    const fits = Math.floor((maxFileBytes - file.estimatedBytes()) / Math.max(1, perRow));
    return Math.max(16, Math.min(this.chunkRows, fits));
  }

  private async open(key: string, target: WriteTarget, now: number, result: WriteResult): Promise<OpenArchiveFile> {
    while (this.files.size >= this.options.maxOpenFiles) {
      const oldest = [...this.files.values()].reduce((a, b) => (b.openedAt < a.openedAt || (b.openedAt === a.openedAt && b.id < a.id) ? b : a));
      result.finalized.push(await this.finalize(oldest, 'open-files'));
    }
    const file = await OpenArchiveFile.open({
      id: this.nextId++,
      directory: this.options.directory,
      settings: target.settings,
      partition: target.partition,
      timePartition: target.timePartition,
      mapping: target.mapping,
      rowGroupBytes: this.options.budget.rowGroupBytesForNewFile(this.files.size),
      lease: target.lease,
      now,
      late: target.late,
    });
    this.files.set(key, file);
    this.options.onFileEvent?.({ type: 'opened', file });
    return file;
  }

  private async appendChunk(file: OpenArchiveFile, chunk: RowBatch, lease: PartitionLease, now: number, result: WriteResult): Promise<void> {
    for (;;) {
      const rows = chunk.rows;
      if (rowCountOf(chunk) === 0) return;
      try {
        await file.append(chunk, lease, now);
        return;
      } catch (error) {
        // The writer checks a whole call before writing any of it: drop the bad row, write the rest.
        // (Arrow record batches come from ParquetColumnBatch, which refuses bad records itself.)
        if (!(error instanceof ParquetRowError) || !Array.isArray(rows)) throw error;
        const offset = chunk.offsets[error.rowIndex];
        result.rejected.push({ offset, reason: error.message });
        chunk = {
          ...chunk,
          rows: rows.filter((_, i) => i !== error.rowIndex),
          offsets: chunk.offsets.filter((_, i) => i !== error.rowIndex),
          eventTimes: chunk.eventTimes.filter((_, i) => i !== error.rowIndex),
        };
      }
    }
  }

  private async enforceMemory(finalized: FinalizedArchiveFile[]): Promise<void> {
    const limit = this.options.budget.filesBytes;
    while (this.files.size > 0 && this.memoryInUse() > limit) {
      const largest = [...this.files.values()].reduce((a, b) => (this.options.budget.fileBytes(b) > this.options.budget.fileBytes(a) ? b : a));
      finalized.push(await this.finalize(largest, 'memory'));
    }
  }

  private async finalize(file: OpenArchiveFile, reason: CloseReason): Promise<FinalizedArchiveFile> {
    this.files.delete(fileKey(file));
    const finalized = await file.finalize(reason);
    this.options.pending.add(finalized.offsets.count);
    this.options.onFileEvent?.({ type: 'finalized', file: finalized });
    return finalized;
  }

  private async discard(file: OpenArchiveFile): Promise<void> {
    this.files.delete(fileKey(file));
    await file.discard();
    this.options.onFileEvent?.({ type: 'discarded', file });
  }
}

function fileKey(target: { lease: PartitionLease; settings: TopicArchiveSettings; partition: number; timePartition: TimePartition }): string {
  return `${target.lease.consumerId}|${target.settings.topic}|${target.partition}|${target.timePartition.start}`;
}

