import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ParquetCompression } from '../parquet-file-writer';

/** The worker script, beside this module in the library (source or build) and beside main.js in an app bundle. */
export const ENCODER_WORKER_FILE = 'parquet-encoder-worker.cjs';

/** A row group encoded by arrow-rs: a complete Parquet file of that one row group. */
export interface EncodedRowGroup {
  file: Uint8Array;
  /** The encoder's wasm memory after the request: it grows to the largest row group and never shrinks. */
  wasmMemoryBytes: number;
}

type WorkerAnswer = { request: number; file: ArrayBuffer; wasmMemoryBytes: number } | { request: number; error: string };

/** The encoder worker died or could not start; what it was encoding failed. */
export class ParquetEncoderWorkerError extends Error {
  override readonly name = 'ParquetEncoderWorkerError';
}

/**
 * The process's parquet-wasm encoder: one worker thread, shared by every parquet-wasm
 * writer, started on first use (parquet-encoder-worker.cjs). Requests are encoded one
 * after the other, in order. It keeps the process alive only while a request waits; if
 * it dies, the waiting requests fail and the next one starts a new worker.
 */
export class EncoderWorkerClient {
  private static current: EncoderWorkerClient | undefined;

  private readonly waiting = new Map<number, { resolve: (encoded: EncodedRowGroup) => void; reject: (error: Error) => void }>();
  private nextRequest = 1;
  private dead: Error | undefined;

  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.unref();
    worker.on('message', (answer: WorkerAnswer) => this.answered(answer));
    worker.on('error', (error) => this.die(new ParquetEncoderWorkerError(`the Parquet encoder worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => this.die(new ParquetEncoderWorkerError(`the Parquet encoder worker exited (code ${code})`)));
  }

  /** The shared encoder, started if none is running. */
  static shared(): EncoderWorkerClient {
    if (!EncoderWorkerClient.current || EncoderWorkerClient.current.dead) {
      // Resolved here, so a missing package fails the writer's creation, and the worker loads the same copy.
      const parquetWasm = require.resolve('parquet-wasm/node');
      EncoderWorkerClient.current = new EncoderWorkerClient(new Worker(encoderWorkerPath(), { workerData: { parquetWasm } }));
    }
    return EncoderWorkerClient.current;
  }

  /**
   * Stops the shared encoder, if one runs: requests waiting for it fail (and the files they
   * were for), the next writer starts a new one. For shutdown hooks and tests; an idle
   * encoder never keeps the process alive anyway.
   */
  static async stopShared(): Promise<void> {
    const current = EncoderWorkerClient.current;
    EncoderWorkerClient.current = undefined;
    if (!current || current.dead) return;
    current.die(new ParquetEncoderWorkerError('the Parquet encoder worker was stopped'));
    await current.exited;
  }

  /** Encodes the record batch of an Arrow IPC stream (transferred: `ipc` is detached afterwards) as one row group. */
  encode(ipc: ArrayBuffer, compression: ParquetCompression): Promise<EncodedRowGroup> {
    if (this.dead) return Promise.reject(this.dead);
    const request = this.nextRequest++;
    const answer = new Promise<EncodedRowGroup>((resolve, reject) => this.waiting.set(request, { resolve, reject }));
    if (this.waiting.size === 1) this.worker.ref();
    this.worker.postMessage({ request, ipc, compression }, [ipc]);
    return answer;
  }

  private answered(answer: WorkerAnswer): void {
    const waiting = this.waiting.get(answer.request);
    this.waiting.delete(answer.request);
    if (this.waiting.size === 0) this.worker.unref();
    if (!waiting) return;
    if ('error' in answer) waiting.reject(new Error(`parquet-wasm could not encode a row group: ${answer.error}`));
    else waiting.resolve({ file: new Uint8Array(answer.file), wasmMemoryBytes: answer.wasmMemoryBytes });
  }

  private die(error: Error): void {
    if (this.dead) return;
    this.dead = error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
    this.worker.terminate().catch(() => undefined);
  }
}

/** Where the worker script is: beside this module (library source or build), else beside the app bundle's entry point. */
export function encoderWorkerPath(): string {
  const candidates = [join(__dirname, ENCODER_WORKER_FILE), ...(require.main?.path ? [join(require.main.path, ENCODER_WORKER_FILE)] : [])];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new ParquetEncoderWorkerError(
      `the Parquet encoder worker script ${ENCODER_WORKER_FILE} is missing (looked in ${candidates.join(', ')}); ` +
        'an app bundle must ship libs/storage/src/parquet/parquet-wasm/parquet-encoder-worker.cjs beside its main.js (see the @eventpath/storage README)',
    );
  }
  return found;
}

/** Stops the parquet-wasm writers' shared encoder worker (see EncoderWorkerClient.stopShared). */
export function stopParquetEncoder(): Promise<void> {
  return EncoderWorkerClient.stopShared();
}
