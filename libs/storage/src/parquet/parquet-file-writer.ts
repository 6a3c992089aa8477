import type { ParquetSchema } from './parquet-schema';

/** ZSTD: parquet-wasm only (the other implementations refuse it at creation). */
export type ParquetCompression = 'SNAPPY' | 'GZIP' | 'ZSTD' | 'UNCOMPRESSED';

export interface ParquetWriterOptions {
  schema: ParquetSchema;
  /** SNAPPY by default. */
  compression?: ParquetCompression;
  /**
   * Target uncompressed size of a row group; a row group is flushed when it is reached.
   * Estimated from the row values; default DEFAULT_ROW_GROUP_BYTES (8 MiB). Memory use of an
   * open writer grows with it (see the README).
   */
  rowGroupBytes?: number;
  /** Key-value metadata in the file footer (topic, partition, offsets, schema fingerprint ...). */
  keyValueMetadata?: Record<string, string>;
}

export interface ParquetFileSummary {
  path: string;
  rows: number;
  bytes: number;
  /** Row groups in the file. */
  rowGroups?: number;
}

/** Writes one local Parquet file. */
export interface ParquetFileWriter {
  /** Rows as described in parquet-schema.ts. */
  appendRows(rows: ReadonlyArray<Record<string, unknown>>): Promise<void>;
  /** Rows appended so far. */
  readonly rowCount: number;
  /** Running estimate of the finished file's size in bytes, for rolling files at a size limit. */
  estimatedBytes(): number;
  /** Adds or replaces footer metadata before close (e.g. the last offset). */
  setKeyValueMetadata(key: string, value: string): void;
  /** Flushes and finishes the file. */
  close(): Promise<ParquetFileSummary>;
  /** Stops and removes the partial file; a close() already finishing the file is waited for, and if it succeeds the file stays. */
  abort(): Promise<void>;
}

export type ParquetWriterImplementation = 'hyparquet-writer' | 'parquetjs-lite' | 'parquet-wasm';
