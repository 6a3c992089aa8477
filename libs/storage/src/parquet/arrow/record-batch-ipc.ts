import { type RecordBatch, RecordBatchStreamWriter } from 'apache-arrow';

/**
 * A record batch as an Arrow IPC stream (schema, then the batch) in an ArrayBuffer of its
 * own: what crosses to the encoder worker, transferred rather than copied.
 */
export function recordBatchIpc(batch: RecordBatch): ArrayBuffer {
  const bytes = RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}
