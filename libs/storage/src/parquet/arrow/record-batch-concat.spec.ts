import type { RecordBatch } from 'apache-arrow';
import { allFieldKindsRows, allFieldKindsSchema } from '../test-support/all-field-kinds';
import { RecordBatchBuilder } from './record-batch-builder';
import { concatRowRanges, recordBatchByteSize } from './record-batch-concat';
import { rowAppender } from './row-appender';

const schema = allFieldKindsSchema();

function batchOf(rows: Record<string, unknown>[]): RecordBatch {
  const builder = RecordBatchBuilder.forParquetSchema(schema);
  const append = rowAppender(schema, builder);
  for (const row of rows) append(row);
  return builder.finish();
}

/** Rows as plain JSON (bigints and bytes spelled out), to compare batches. */
const json = (batch: RecordBatch) =>
  JSON.parse(JSON.stringify(batch.toArray().map((row) => row.toJSON()), (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value)));

describe('concatRowRanges', () => {
  const rows = allFieldKindsRows();
  // 15 rows: nulls, booleans and lists at bit positions that are not multiples of 8.
  const many = Array.from({ length: 5 }, () => rows).flat();

  it('joins ranges of several batches, in order, into one batch of the same rows', () => {
    const first = batchOf(many);
    const second = batchOf(rows);
    const joined = concatRowRanges(first.schema, [
      { batch: first, start: 1, count: 9 },
      { batch: second, start: 0, count: 3 },
      { batch: first, start: 13, count: 2 },
    ]);
    expect(joined.numRows).toBe(14);
    expect(json(joined)).toEqual(json(batchOf([...many.slice(1, 10), ...rows, ...many.slice(13, 15)])));
  });

  it('takes ranges of batches sliced by apache-arrow (offsets in bits and in buffers)', () => {
    const whole = batchOf(many);
    const sliced = whole.slice(3, 14);
    const joined = concatRowRanges(whole.schema, [{ batch: sliced, start: 2, count: 7 }]);
    expect(json(joined)).toEqual(json(batchOf(many.slice(5, 12))));
  });

  it('measures batches by the bytes of their buffers', () => {
    expect(recordBatchByteSize(batchOf(many))).toBeGreaterThan(recordBatchByteSize(batchOf(rows)));
    expect(recordBatchByteSize(batchOf([]))).toBeLessThan(200);
  });
});
