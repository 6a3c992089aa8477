import { readFile } from 'node:fs/promises';
import { tableFromIPC, type Table } from 'apache-arrow';
import { readParquet, type ReaderOptions } from 'parquet-wasm/node';

/**
 * Reads a Parquet file with arrow-rs (the Rust `parquet` crate, compiled to WebAssembly by
 * npm `parquet-wasm`): a reader independent of DuckDB, as strict about the footer as
 * Spark-family and other Rust or C++ readers. `offset` / `limit` make it skip rows, and
 * whole pages where their headers say it can.
 */
export async function readWithArrowRs(path: string, options?: ReaderOptions): Promise<Table> {
  const bytes = new Uint8Array(await readFile(path));
  return tableFromIPC(readParquet(bytes, options).intoIPCStream());
}
