import { DEFAULT_ROW_GROUP_BYTES } from '@eventpath/storage';

export interface MemoryBudgetOptions {
  /** Memory for buffered data: open files' row groups, offset bookkeeping and the read queue. */
  budgetBytes: number;
  /** Bytes of it kept for the read queue (Kafka batches waiting to be converted). */
  readQueueBytes: number;
  /**
   * Heap a writer holds per byte of its row group (the writer's own estimate
   * of the rows' plain-encoded size): the prepared rows and their encoding.
   * Measured at 4-5 for hyparquet-writer after garbage collection; default 6.
   */
  writerHeapFactor?: number;
  /**
   * Plain-encoded bytes per protobuf byte, an upper bound (int64 varints take
   * 8 bytes plain, strings 4 more): the writer's buffer is at most this times
   * the record bytes appended. Default 2.
   */
  plainPerRecordByte?: number;
  /**
   * Heap per record delivered and not yet committed: AtLeastOnceConsumer
   * tracks every such offset (about 55 bytes measured). Default 64.
   */
  bookkeepingBytesPerRecord?: number;
  /** Row groups are never smaller than this (tiny row groups make slow files). Default 128 KiB. */
  minRowGroupBytes?: number;
  /** Row groups are never larger than this. Default libs/storage's 8 MiB. */
  maxRowGroupBytes?: number;
}

/** What the budget needs to know of an open file. */
export interface FileMemoryView {
  readonly rowGroupBytes: number;
  /** Record (protobuf) bytes appended since the file was opened. */
  readonly recordBytes: number;
  readonly rows: number;
}

/**
 * The model the file roller keeps memory under its budget with. Nothing is
 * measured at run time (heap and RSS figures move with garbage collection,
 * too late to act on): each open file is counted at what it may hold at most,
 * its writer's row group (at most `rowGroupBytes`, and at most what was
 * appended) times the heap factor, plus the consumer's bookkeeping for each of
 * its records; finalized files not yet committed count their bookkeeping.
 * New files get row groups sized to what is left, so more open files means
 * smaller row groups rather than more memory; past the budget the roller
 * finalizes the largest files first.
 */
export class MemoryBudget {
  readonly budgetBytes: number;
  readonly readQueueBytes: number;
  readonly writerHeapFactor: number;
  readonly plainPerRecordByte: number;
  readonly bookkeepingBytesPerRecord: number;
  readonly minRowGroupBytes: number;
  readonly maxRowGroupBytes: number;

  constructor(options: MemoryBudgetOptions) {
    this.budgetBytes = options.budgetBytes;
    this.readQueueBytes = options.readQueueBytes;
    this.writerHeapFactor = options.writerHeapFactor ?? 6;
    this.plainPerRecordByte = options.plainPerRecordByte ?? 2;
    this.bookkeepingBytesPerRecord = options.bookkeepingBytesPerRecord ?? 64;
    this.minRowGroupBytes = options.minRowGroupBytes ?? 128 * 1024;
    this.maxRowGroupBytes = options.maxRowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES;
    if (!(this.budgetBytes > 0)) throw new RangeError(`memory budget must be positive, got ${this.budgetBytes}`);
    if (this.readQueueBytes >= this.budgetBytes) {
      throw new RangeError(`the read queue's ${this.readQueueBytes} bytes leave nothing of the ${this.budgetBytes}-byte memory budget for files`);
    }
    const smallest = this.writerHeapFactor * this.minRowGroupBytes;
    if (smallest > this.filesBytes) {
      throw new RangeError(`a memory budget of ${this.budgetBytes} bytes cannot hold one open file (${smallest + this.readQueueBytes} bytes with the read queue)`);
    }
  }

  /** What files may use: the budget less the read queue. */
  get filesBytes(): number {
    return this.budgetBytes - this.readQueueBytes;
  }

  /** Estimated heap of one open file. */
  fileBytes(file: FileMemoryView): number {
    const buffered = Math.min(file.rowGroupBytes, file.recordBytes * this.plainPerRecordByte);
    return this.writerHeapFactor * buffered + this.bookkeepingBytesPerRecord * file.rows;
  }

  /** Bookkeeping heap of records in finalized files that are not committed yet. */
  pendingBytes(rows: number): number {
    return this.bookkeepingBytesPerRecord * rows;
  }

  /** Row group size for a file opened while `openFiles` others are open: a fair share of the files' memory. */
  rowGroupBytesForNewFile(openFiles: number): number {
    const fairShare = this.filesBytes / (openFiles + 1) / this.writerHeapFactor;
    return Math.floor(Math.min(this.maxRowGroupBytes, Math.max(this.minRowGroupBytes, fairShare)));
  }
}
