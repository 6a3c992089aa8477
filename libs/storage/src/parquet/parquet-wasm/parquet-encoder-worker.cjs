'use strict';
/**
 * The parquet-wasm writer's encoder, run in a worker thread (worker_threads) so that
 * building columns (main thread) and encoding them (here) use two cores. Plain CommonJS
 * on purpose: a worker runs outside Jest's and tsx's module transforms and outside
 * bundles, so it must be JavaScript that Node runs as is (an app bundle ships this file
 * beside its main.js; see the README).
 *
 * Each request is one row group: an Arrow IPC stream holding one record batch,
 * transferred. arrow-rs (parquet-wasm's writeParquet) encodes it as a complete Parquet
 * file of one row group, in memory, and the file goes back, transferred; the main thread
 * splices its row group into the file it is writing (row-group-splice.ts). Encoding
 * errors are thrown by arrow-rs and come back as a failed request.
 *
 *   in:  { request, ipc: ArrayBuffer, compression: 'SNAPPY' | 'GZIP' | 'ZSTD' | 'UNCOMPRESSED' }
 *   out: { request, file: ArrayBuffer, wasmMemoryBytes } | { request, error: string }
 */
const { parentPort, workerData } = require('node:worker_threads');
// The copy the main thread resolved (it checks the package is there before starting this worker).
const parquet = require(workerData.parquetWasm);

/** Writer properties (writeParquet takes ownership of them): one row group per request, whatever its row count. */
function properties(compression) {
  const codec = parquet.Compression[compression];
  if (codec === undefined) throw new Error(`unknown compression ${compression}`);
  return new parquet.WriterPropertiesBuilder().setCompression(codec).setMaxRowGroupSize(2 ** 31 - 1).build();
}

/** A standalone ArrayBuffer holding exactly `bytes`, for transfer. */
function transferable(bytes) {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
}

parentPort.on('message', ({ request, ipc, compression }) => {
  try {
    const table = parquet.Table.fromIPCStream(new Uint8Array(ipc));
    // writeParquet consumes the table (and frees it, also when it fails).
    const file = transferable(parquet.writeParquet(table, properties(compression)));
    parentPort.postMessage({ request, file, wasmMemoryBytes: parquet.wasmMemory().buffer.byteLength }, [file]);
  } catch (error) {
    parentPort.postMessage({ request, error: error instanceof Error ? error.message : String(error) });
    // A trap (a Rust panic) may leave the wasm instance broken: this worker ends, the next request starts a new one.
    if (error instanceof WebAssembly.RuntimeError) process.exit(1);
  }
});
