import type { RecordBatch } from 'apache-arrow';
import type { RowRange } from './record-batch-concat';
import { recordBatchByteSize } from './record-batch-concat';

/** Rows taken together for one row group. */
export interface RowGroupRows {
  readonly ranges: RowRange[];
  readonly rows: number;
  readonly bytes: number;
}

/**
 * Record batches waiting to become row groups, in order. `take` cuts the next row group
 * at a byte size, splitting a batch where the size falls inside it, so no row group is
 * (much) larger than asked whatever sizes the batches came in.
 */
export class PendingRows {
  private readonly pieces: { batch: RecordBatch; start: number; count: number; bytesPerRow: number }[] = [];
  rows = 0;
  bytes = 0;

  add(batch: RecordBatch): void {
    if (batch.numRows === 0) return;
    const bytes = recordBatchByteSize(batch);
    this.pieces.push({ batch, start: 0, count: batch.numRows, bytesPerRow: bytes / batch.numRows });
    this.rows += batch.numRows;
    this.bytes += bytes;
  }

  /** The next rows, about `targetBytes` of them (at least one row, at most one row more). */
  take(targetBytes: number): RowGroupRows {
    const ranges: RowRange[] = [];
    let rows = 0;
    let bytes = 0;
    while (this.pieces.length > 0 && bytes < targetBytes) {
      const piece = this.pieces[0];
      const wanted = Math.max(1, Math.ceil((targetBytes - bytes) / piece.bytesPerRow));
      const count = Math.min(wanted, piece.count);
      ranges.push({ batch: piece.batch, start: piece.start, count });
      rows += count;
      bytes += count * piece.bytesPerRow;
      if (count === piece.count) this.pieces.shift();
      else {
        piece.start += count;
        piece.count -= count;
      }
    }
    this.rows -= rows;
    this.bytes = this.rows === 0 ? 0 : this.bytes - bytes;
    return { ranges, rows, bytes };
  }

  /** Every pending row, without taking them. */
  peekAll(): RowRange[] {
    return this.pieces.map(({ batch, start, count }) => ({ batch, start, count }));
  }
}
