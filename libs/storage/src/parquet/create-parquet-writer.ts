import { open } from 'node:fs/promises';
import { BufferedParquetFileWriter } from './buffered-parquet-file-writer';
import { UnsupportedParquetSchemaError } from './errors';
import { HyparquetBackend, hyparquetRowPreparer } from './hyparquet/hyparquet-backend';
import type { ParquetCompression, ParquetFileWriter, ParquetWriterImplementation, ParquetWriterOptions } from './parquet-file-writer';
import { registerExactTypes } from './parquetjs-lite/exact-types';
import { ParquetjsLiteBackend, parquetjsLiteRowPreparer } from './parquetjs-lite/parquetjs-lite-backend';
import { toParquetjsLiteSchema } from './parquetjs-lite/parquetjs-lite-schema';
import { ParquetWasmFileWriter } from './parquet-wasm/parquet-wasm-file-writer';
import { validateParquetSchema } from './schema-validation';

/**
 * The implementation used when none is named: hyparquet-writer. parquet-wasm is the fastest
 * on the benchmark's typical events (tools/bench/storage.bench.ts), but it is not the default
 * while Arrow record batches built for it can carry a validity bitmap shorter than the batch
 * (apache-arrow's nullCount then throws RangeError; see README, "Choosing the writer").
 * parquet-wasm and parquetjs-lite stay available by name.
 */
export const DEFAULT_PARQUET_WRITER_IMPLEMENTATION: ParquetWriterImplementation = 'hyparquet-writer';

export const PARQUET_WRITER_IMPLEMENTATIONS: readonly ParquetWriterImplementation[] = ['hyparquet-writer', 'parquetjs-lite', 'parquet-wasm'];

/** The implementations whose writers are ColumnarParquetFileWriters (take Arrow record batches). */
export const COLUMNAR_PARQUET_WRITER_IMPLEMENTATIONS: readonly ParquetWriterImplementation[] = ['parquet-wasm'];

/** Whether `createParquetWriter(path, options, implementation)` returns a ColumnarParquetFileWriter (no implementation: the default's). */
export function isColumnarParquetWriterImplementation(implementation: ParquetWriterImplementation = DEFAULT_PARQUET_WRITER_IMPLEMENTATION): boolean {
  return COLUMNAR_PARQUET_WRITER_IMPLEMENTATIONS.includes(implementation);
}

/** The codecs each implementation writes. */
export const PARQUET_COMPRESSIONS: Readonly<Record<ParquetWriterImplementation, readonly ParquetCompression[]>> = {
  'hyparquet-writer': ['SNAPPY', 'GZIP', 'UNCOMPRESSED'],
  'parquetjs-lite': ['SNAPPY', 'GZIP', 'UNCOMPRESSED'],
  'parquet-wasm': ['SNAPPY', 'GZIP', 'ZSTD', 'UNCOMPRESSED'],
};

/** Row groups close when their rows' estimated uncompressed size reaches this. */
export const DEFAULT_ROW_GROUP_BYTES = 8 * 1024 * 1024;

/**
 * Creates (or truncates) the Parquet file at `path` and returns a writer for it. The
 * schema is checked first: ParquetSchemaError if malformed, UnsupportedParquetSchemaError
 * if `implementation` cannot write it exactly; in both cases no file is created.
 */
export async function createParquetWriter(
  path: string,
  options: ParquetWriterOptions,
  implementation: ParquetWriterImplementation = DEFAULT_PARQUET_WRITER_IMPLEMENTATION,
): Promise<ParquetFileWriter> {
  validateParquetSchema(options.schema);
  const compression = options.compression ?? 'SNAPPY';
  if (!PARQUET_WRITER_IMPLEMENTATIONS.includes(implementation)) {
    throw new RangeError(`Unknown Parquet writer implementation ${JSON.stringify(implementation)}; known: ${PARQUET_WRITER_IMPLEMENTATIONS.join(', ')}`);
  }
  const compressions = PARQUET_COMPRESSIONS[implementation];
  if (!compressions.includes(compression)) {
    throw new RangeError(`Unsupported compression ${String(compression)} for ${implementation}; it writes ${compressions.join(', ')}`);
  }
  const rowGroupBytes = options.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES;
  if (!(rowGroupBytes > 0)) throw new RangeError(`rowGroupBytes must be positive, got ${rowGroupBytes}`);
  const common = { path, compression, rowGroupBytes, keyValueMetadata: options.keyValueMetadata ?? {} };

  switch (implementation) {
    case 'hyparquet-writer': {
      const handle = await open(path, 'w');
      return new BufferedParquetFileWriter(new HyparquetBackend(options.schema, handle, compression), {
        ...common,
        prepareRow: hyparquetRowPreparer(options.schema),
      });
    }
    case 'parquetjs-lite': {
      const mapped = toParquetjsLiteSchema(options.schema, compression);
      if (!mapped.schema) throw new UnsupportedParquetSchemaError('parquetjs-lite', mapped.problems);
      registerExactTypes();
      return new BufferedParquetFileWriter(await ParquetjsLiteBackend.open(path, mapped.schema), {
        ...common,
        prepareRow: parquetjsLiteRowPreparer(options.schema),
      });
    }
    case 'parquet-wasm':
      return ParquetWasmFileWriter.open(options.schema, common);
  }
}
