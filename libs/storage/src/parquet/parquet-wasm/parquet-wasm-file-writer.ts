import { type FileHandle, open, rm, stat } from 'node:fs/promises';
import type { RecordBatch, Schema } from 'apache-arrow';
import { arrowSchemaFor } from '../arrow/arrow-schema';
import { PendingRows, type RowGroupRows } from '../arrow/pending-rows';
import { RecordBatchBuilder } from '../arrow/record-batch-builder';
import { recordBatchProblems } from '../arrow/record-batch-compatibility';
import { concatRowRanges } from '../arrow/record-batch-concat';
import { recordBatchIpc } from '../arrow/record-batch-ipc';
import { type RowAppender, rowAppender } from '../arrow/row-appender';
import type { ColumnarParquetFileWriter } from '../columnar-parquet-file-writer';
import { ParquetRecordBatchError, ParquetRowError } from '../errors';
import { ValueProblem } from '../leaf-values';
import type { ParquetCompression, ParquetFileSummary } from '../parquet-file-writer';
import type { ParquetField, ParquetSchema } from '../parquet-schema';
import type { CompactField } from '../thrift-compact';
import { WriterLifecycle } from '../writer-lifecycle';
import { EncoderWorkerClient } from './encoder-worker-client';
import { patchFileMetaData } from './file-metadata-patch';
import { FileSizeModel } from './file-size-model';
import { readFooter, RowGroupSplicer } from './row-group-splicer';

export interface ParquetWasmWriterSettings {
  path: string;
  compression: ParquetCompression;
  rowGroupBytes: number;
  keyValueMetadata: Record<string, string>;
}

/** Row counts at which the size model is calibrated, until the first row group is on disk. */
const CALIBRATION_ROWS = [256, 1024, 4096];
const MAGIC = Buffer.from('PAR1');

/**
 * Writes a Parquet file with arrow-rs (the Rust `parquet` crate, npm parquet-wasm), encoding
 * in a worker thread (encoder-worker-client.ts).
 *
 * Rows, given as objects (`appendRows`) or as Arrow record batches (`appendRecordBatch`),
 * are held as Arrow columns in this thread until they make a row group of `rowGroupBytes`
 * (Arrow bytes). The row group then crosses to the worker as an Arrow IPC buffer
 * (transferred), comes back encoded, and its column chunks go to the file at once
 * (row-group-splicer.ts); the page indexes and the footer follow at close. One row group
 * is encoded while the next is built, so two cores work; no more than one waits for the
 * encoder, which bounds the memory (the encoder's wasm memory grows to the largest row
 * group it was given and never shrinks).
 *
 * Calls run one after the other in call order, as in BufferedParquetFileWriter; a row
 * batch or record batch that does not fit is refused whole and the writer stays usable;
 * after a write error it refuses everything but `abort`.
 */
export class ParquetWasmFileWriter implements ColumnarParquetFileWriter {
  readonly columnar = true;
  readonly arrowSchema: Schema;
  /** The encoder's wasm memory when it last answered (bytes): it grows to the largest row group and stays. */
  encoderMemoryBytes = 0;

  private readonly lifecycle: WriterLifecycle;
  private readonly keyValueMetadata: Record<string, string>;
  private readonly builder: RecordBatchBuilder;
  private readonly appendRow: RowAppender;
  private readonly pending = new PendingRows();
  private readonly splicer = new RowGroupSplicer();
  private readonly model: FileSizeModel;
  private encoder!: EncoderWorkerClient;
  private template: CompactField[] = [];
  private rows = 0;
  private fileBytes = 0;
  private arrowBytesWritten = 0;
  private inFlight: { bytes: number; done: Promise<void> } | undefined;
  private nextCalibration = 0;

  private constructor(
    private readonly schema: ParquetSchema,
    private readonly handle: FileHandle,
    private readonly settings: ParquetWasmWriterSettings,
  ) {
    this.lifecycle = new WriterLifecycle(settings.path);
    this.arrowSchema = arrowSchemaFor(schema);
    this.builder = new RecordBatchBuilder(this.arrowSchema);
    this.appendRow = rowAppender(schema, this.builder);
    this.keyValueMetadata = { ...settings.keyValueMetadata };
    this.model = new FileSizeModel(settings.compression, leafCount(schema.fields));
  }

  /** Creates (or truncates) the file and prepares it; on failure, no file is left. */
  static async open(schema: ParquetSchema, settings: ParquetWasmWriterSettings): Promise<ParquetWasmFileWriter> {
    const encoder = EncoderWorkerClient.shared();
    const handle = await open(settings.path, 'w');
    const writer = new ParquetWasmFileWriter(schema, handle, settings);
    try {
      await writer.start(encoder);
      return writer;
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(settings.path, { force: true });
      throw error;
    }
  }

  get rowCount(): number {
    return this.rows;
  }

  appendRows(rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    return this.lifecycle.serialized(async () => {
      this.lifecycle.assertOpen('appendRows');
      const before = this.builder.rowCount;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        try {
          if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new ValueProblem('(row)', 'expected an object keyed by field name');
          this.appendRow(row);
        } catch (error) {
          // The whole batch is refused: its rows appended so far go.
          this.builder.rollback(before);
          if (error instanceof ValueProblem) throw new ParquetRowError(i, error.fieldPath, error.reason);
          throw error;
        }
      }
      this.rows += rows.length;
      await this.afterAppend();
    });
  }

  appendRecordBatch(batch: RecordBatch): Promise<void> {
    return this.lifecycle.serialized(async () => {
      this.lifecycle.assertOpen('appendRecordBatch');
      const problems = recordBatchProblems(this.arrowSchema, batch);
      if (problems.length > 0) throw new ParquetRecordBatchError(problems);
      // Rows appended as objects before this batch come first.
      if (this.builder.rowCount > 0) this.pending.add(this.builder.finish());
      this.pending.add(batch);
      this.rows += batch.numRows;
      await this.afterAppend();
    });
  }

  estimatedBytes(): number {
    const buffered = this.pending.bytes + this.builder.byteSize();
    let keyValueBytes = 0;
    for (const [key, value] of Object.entries(this.keyValueMetadata)) keyValueBytes += Buffer.byteLength(key) + Buffer.byteLength(value) + 6;
    return this.model.estimate(
      { dataBytes: Math.max(0, this.fileBytes - MAGIC.length), rowGroups: this.splicer.rowGroups },
      {
        arrowBytes: (this.inFlight?.bytes ?? 0) + buffered,
        rowGroups: (this.inFlight ? 1 : 0) + Math.ceil(buffered / this.settings.rowGroupBytes),
      },
      keyValueBytes,
    );
  }

  writtenBytes(): number {
    return this.fileBytes;
  }

  setKeyValueMetadata(key: string, value: string): void {
    this.lifecycle.assertOpen('setKeyValueMetadata');
    this.keyValueMetadata[key] = value;
  }

  close(): Promise<ParquetFileSummary> {
    return this.lifecycle.close(
      async () => {
        await this.writeRowGroups(true);
        await this.inFlight?.done;
        await this.write(this.splicer.finish(this.fileBytes, this.template, (fields) => patchFileMetaData(fields, this.schema, this.keyValueMetadata)));
        await this.handle.close();
      },
      async () => {
        const { size } = await stat(this.settings.path);
        return { path: this.settings.path, rows: this.rows, bytes: size, rowGroups: this.splicer.rowGroups };
      },
    );
  }

  async abort(): Promise<void> {
    await this.lifecycle.abort(async () => {
      await this.inFlight?.done.catch(() => undefined);
      await this.handle.close().catch(() => undefined);
      await rm(this.settings.path, { force: true });
    });
  }

  private async start(encoder: EncoderWorkerClient): Promise<void> {
    this.encoder = encoder;
    // The file without rows: its footer is the template of this file's footer, and its size the size model's base.
    const { file } = await encoder.encode(recordBatchIpc(this.builder.finish()), this.settings.compression);
    this.template = readFooter(file);
    this.model.measuredEmpty(file);
    await this.write(MAGIC);
  }

  private async afterAppend(): Promise<void> {
    try {
      await this.calibrateIfDue();
      await this.writeRowGroups(false);
    } catch (error) {
      this.lifecycle.fail(error);
      throw error;
    }
  }

  /** Sends the full row groups (all rows when `final`) to the encoder. */
  private async writeRowGroups(final: boolean): Promise<void> {
    const target = this.settings.rowGroupBytes;
    if (this.builder.rowCount > 0 && (final || this.builder.byteSize() + this.pending.bytes >= target)) {
      this.pending.add(this.builder.finish());
    }
    while (this.pending.rows > 0 && (final || this.pending.bytes >= target)) {
      await this.writeRowGroup(this.pending.take(target));
    }
  }

  /** Starts encoding a row group once the previous one is on disk; returns without waiting for this one. */
  private async writeRowGroup(group: RowGroupRows): Promise<void> {
    // Always re-assembled, even when one whole batch makes the row group: arrow-rs panicked
    // ("unreachable", a wasm trap) on some batches handed over as built, which encode once
    // re-assembled (the archiver benchmark's typical events); the copy costs little beside
    // the encoding.
    const ipc = recordBatchIpc(concatRowRanges(this.arrowSchema, group.ranges));
    await this.inFlight?.done;
    const done = this.encoder.encode(ipc, this.settings.compression).then(async ({ file, wasmMemoryBytes }) => {
      this.encoderMemoryBytes = wasmMemoryBytes;
      const { data, rows } = this.splicer.add(file, this.fileBytes);
      if (rows !== group.rows) throw new Error(`parquet-wasm encoded ${rows} rows of a row group of ${group.rows}`);
      await this.write(data);
      this.arrowBytesWritten += group.bytes;
      this.model.measuredWritten(this.fileBytes - MAGIC.length, this.arrowBytesWritten);
      this.inFlight = undefined;
    });
    // A failure is the writer's: the next call sees it; it is never an unhandled rejection.
    done.catch((error: unknown) => this.lifecycle.fail(error));
    this.inFlight = { bytes: group.bytes, done };
  }

  private async calibrateIfDue(): Promise<void> {
    if (this.splicer.rowGroups > 0 || this.inFlight || this.nextCalibration >= CALIBRATION_ROWS.length) return;
    const rows = this.pending.rows + this.builder.rowCount;
    if (rows < CALIBRATION_ROWS[this.nextCalibration]) return;
    while (this.nextCalibration < CALIBRATION_ROWS.length && CALIBRATION_ROWS[this.nextCalibration] <= rows) this.nextCalibration++;
    if (this.builder.rowCount > 0) this.pending.add(this.builder.finish());
    const sample = concatRowRanges(this.arrowSchema, this.pending.peekAll());
    const { file } = await this.encoder.encode(recordBatchIpc(sample), this.settings.compression);
    this.model.measuredSample(file, this.pending.bytes);
  }

  private async write(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      const result = await this.handle.write(bytes, written, bytes.length - written);
      written += result.bytesWritten;
    }
    this.fileBytes += bytes.length;
  }

}

function leafCount(fields: readonly ParquetField[]): number {
  let leaves = 0;
  for (const field of fields) {
    if (field.kind === 'primitive') leaves += 1;
    else if (field.kind === 'group') leaves += leafCount(field.fields);
    else if (field.kind === 'list') leaves += leafCount([field.element]);
    else leaves += 1 + leafCount([field.value]);
  }
  return leaves;
}
