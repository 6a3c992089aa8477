import type { RecordBatch, Schema } from 'apache-arrow';
import type { ParquetFileWriter } from './parquet-file-writer';

/**
 * A ParquetFileWriter that also takes rows as Arrow columns, skipping row objects: what
 * the parquet-wasm implementation returns. Detect it with `isColumnarParquetFileWriter`.
 */
export interface ColumnarParquetFileWriter extends ParquetFileWriter {
  readonly columnar: true;
  /** The Arrow schema of the batches `appendRecordBatch` takes: `arrowSchemaFor(options.schema)`. */
  readonly arrowSchema: Schema;
  /**
   * Appends the rows of one Arrow record batch (of `arrowSchema`'s fields, e.g. from
   * `@eventpath/schemas`' ParquetColumnBatch), after the rows appended before, by either
   * method. Batches of any size: rows are cut into row groups of `rowGroupBytes`. A batch
   * that does not fit the schema (other fields or types, a null in a REQUIRED column) is
   * refused whole with ParquetRecordBatchError, and the writer stays usable.
   */
  appendRecordBatch(batch: RecordBatch): Promise<void>;
  /** Bytes of the file on disk now: its header and every row group written so far (not an estimate). */
  writtenBytes(): number;
}

export function isColumnarParquetFileWriter(writer: ParquetFileWriter): writer is ColumnarParquetFileWriter {
  return (writer as Partial<ColumnarParquetFileWriter>).columnar === true;
}
