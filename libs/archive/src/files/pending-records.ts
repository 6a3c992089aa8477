/**
 * Records in finalized files (or dead-letter batches) that are not committed
 * yet: written, maybe uploading, not marked done. The consumer keeps
 * bookkeeping for each, so the memory budget counts them.
 */
export class PendingRecords {
  private value = 0;

  get count(): number {
    return this.value;
  }

  add(records: number): void {
    this.value += records;
  }

  release(records: number): void {
    this.value = Math.max(0, this.value - records);
  }
}
