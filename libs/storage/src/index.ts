export type { ObjectInfo, ObjectPage, ObjectStore, ListOptions, PutOptions } from './object-store/object-store';
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
