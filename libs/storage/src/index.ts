// Object storage
export type { ObjectInfo, ObjectPage, ObjectStore, ListOptions, PutOptions } from './object-store/object-store';
export { openObjectStore, type OpenObjectStoreOptions } from './object-store/open-object-store';
export { LocalDirectoryStore, type LocalDirectoryStoreOptions, type LocalStoreTestHooks } from './object-store/local/local-directory-store';
export { GcsStore, type GcsStoreOptions } from './object-store/gcs/gcs-store';
export type { RetryEvent, RetryOptions } from './object-store/gcs/retry-until-deadline';
export {
  IntegrityError,
  InvalidObjectNameError,
  ObjectAlreadyExistsError,
  ObjectNotFoundError,
  StorageDeadlineExceededError,
  StorageError,
  StorageRequestError,
  UnsupportedStoreUrlError,
} from './object-store/errors';

// Parquet files
export type {
  ParquetField,
  ParquetGroupField,
  ParquetListField,
  ParquetLogicalType,
  ParquetMapField,
  ParquetPhysicalType,
  ParquetPrimitiveField,
  ParquetRepetition,
  ParquetSchema,
} from './parquet/parquet-schema';
export type {
  ParquetCompression,
  ParquetFileSummary,
  ParquetFileWriter,
  ParquetWriterImplementation,
  ParquetWriterOptions,
} from './parquet/parquet-file-writer';
export {
  COLUMNAR_PARQUET_WRITER_IMPLEMENTATIONS,
  createParquetWriter,
  DEFAULT_PARQUET_WRITER_IMPLEMENTATION,
  isColumnarParquetWriterImplementation,
  DEFAULT_ROW_GROUP_BYTES,
  PARQUET_COMPRESSIONS,
  PARQUET_WRITER_IMPLEMENTATIONS,
} from './parquet/create-parquet-writer';
export {
  ParquetRecordBatchError,
  ParquetRowError,
  ParquetSchemaError,
  ParquetWriterStateError,
  UnsupportedParquetSchemaError,
} from './parquet/errors';

// Parquet from Arrow columns (the parquet-wasm writer and what feeds it)
export { isColumnarParquetFileWriter, type ColumnarParquetFileWriter } from './parquet/columnar-parquet-file-writer';
export { arrowSchemaFor } from './parquet/arrow/arrow-schema';
export { RecordBatchBuilder } from './parquet/arrow/record-batch-builder';
export { recordBatchOfRows } from './parquet/arrow/row-appender';
export { ColumnBuilder } from './parquet/arrow/column-builder';
export { BooleanColumnBuilder, Int64ColumnBuilder, NumberColumnBuilder } from './parquet/arrow/primitive-column-builders';
export { BinaryColumnBuilder, Utf8ColumnBuilder } from './parquet/arrow/variable-width-column-builders';
export { ListColumnBuilder, MapColumnBuilder, StructColumnBuilder } from './parquet/arrow/nested-column-builders';
export { ENCODER_WORKER_FILE, ParquetEncoderWorkerError, stopParquetEncoder } from './parquet/parquet-wasm/encoder-worker-client';
