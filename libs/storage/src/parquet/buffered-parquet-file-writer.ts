import { rm, stat } from 'node:fs/promises';
import { ParquetRowError } from './errors';
import { ValueProblem, type ByteCounter } from './leaf-values';
import type { ParquetCompression, ParquetFileSummary, ParquetFileWriter } from './parquet-file-writer';
import { WriterLifecycle } from './writer-lifecycle';

/** What one writer library does for BufferedParquetFileWriter; P is its prepared row. */
export interface ParquetWriterBackend<P> {
  /** Buffers one prepared row; when `closesRowGroup`, writes the row group (with this row) to the file. */
  bufferRow(row: P, closesRowGroup: boolean): void | Promise<void>;
  /** Bytes the library has produced so far (header and flushed row groups). */
  bytesWritten(): number;
  /** Size in bytes of `rows` encoded as one row group, in memory, written nowhere. */
  measureRowGroup(rows: P[]): Promise<number>;
  /** Writes what is buffered as a last row group, then the footer with this metadata, and closes the file. */
  finish(keyValueMetadata: Record<string, string>): Promise<void>;
  /** Stops writing and closes the file, which is removed afterwards. */
  discard(): Promise<void>;
  /** Footer size model: a fixed part, plus per row group (column chunk metadata, page indexes). */
  readonly footerBytes: { fixed: number; perRowGroup: number };
}

export interface BufferedWriterSettings<P> {
  path: string;
  compression: ParquetCompression;
  rowGroupBytes: number;
  keyValueMetadata: Record<string, string>;
  prepareRow: (row: Record<string, unknown>, counter: ByteCounter) => P;
}

/** Compressed / uncompressed guesses used only until the first calibration (after ~256 rows). */
const INITIAL_RATIO: Record<ParquetCompression, number> = { SNAPPY: 0.5, GZIP: 0.35, ZSTD: 0.3, UNCOMPRESSED: 1 };
const FIRST_CALIBRATION_ROWS = 256;
const MAX_CALIBRATION_ROWS = 4096;

/**
 * The part every writer implementation shares: validating rows batch by batch, cutting
 * row groups by (estimated uncompressed) bytes, serialising calls, and estimating the
 * finished file's size.
 *
 * The size estimate is bytes already written + buffered rows' estimated plain size ×
 * compression ratio + a footer model. The ratio is measured: from the row groups already
 * written, or, before the first one, by encoding the first rows in memory (at 256, 1024
 * and 4096 rows) with the same library and settings.
 */
export class BufferedParquetFileWriter<P> implements ParquetFileWriter {
  private readonly lifecycle: WriterLifecycle;
  private readonly keyValueMetadata: Record<string, string>;
  private rows = 0;
  private rowGroups = 0;
  private pendingRows = 0;
  private pendingRawBytes = 0;
  private writtenRawBytes = 0;
  private readonly headerBytes: number;
  private ratio: number;
  private sample: P[] = [];
  private sampleRawBytes = 0;
  private nextCalibrationRows = FIRST_CALIBRATION_ROWS;

  constructor(
    private readonly backend: ParquetWriterBackend<P>,
    private readonly settings: BufferedWriterSettings<P>,
  ) {
    this.lifecycle = new WriterLifecycle(settings.path);
    this.keyValueMetadata = { ...settings.keyValueMetadata };
    this.headerBytes = backend.bytesWritten();
    this.ratio = INITIAL_RATIO[settings.compression];
  }

  get rowCount(): number {
    return this.rows;
  }

  appendRows(rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    return this.lifecycle.serialized(async () => {
      this.lifecycle.assertOpen('appendRows');
      // The whole batch is checked before any of it is buffered: a bad row rejects the batch.
      const prepared = new Array<P>(rows.length);
      const sizes = new Array<number>(rows.length);
      const counter: ByteCounter = { bytes: 0 };
      for (let i = 0; i < rows.length; i++) {
        const before = counter.bytes;
        prepared[i] = this.prepare(rows[i], i, counter);
        sizes[i] = counter.bytes - before;
      }
      try {
        for (let i = 0; i < prepared.length; i++) await this.buffer(prepared[i], sizes[i]);
        await this.calibrateIfDue();
      } catch (error) {
        this.lifecycle.fail(error);
        throw error;
      }
    });
  }

  estimatedBytes(): number {
    const { fixed, perRowGroup } = this.backend.footerBytes;
    const groups = this.rowGroups + (this.pendingRows > 0 ? 1 : 0);
    let metadataBytes = 0;
    for (const [key, value] of Object.entries(this.keyValueMetadata)) metadataBytes += key.length + value.length + 4;
    return Math.round(this.backend.bytesWritten() + this.pendingRawBytes * this.ratio + fixed + perRowGroup * groups + metadataBytes);
  }

  setKeyValueMetadata(key: string, value: string): void {
    this.lifecycle.assertOpen('setKeyValueMetadata');
    this.keyValueMetadata[key] = value;
  }

  close(): Promise<ParquetFileSummary> {
    return this.lifecycle.close(
      () => this.backend.finish(this.keyValueMetadata),
      async () => {
        if (this.pendingRows > 0) this.rowGroups += 1;
        this.pendingRows = 0;
        this.pendingRawBytes = 0;
        const { size } = await stat(this.settings.path);
        return { path: this.settings.path, rows: this.rows, bytes: size, rowGroups: this.rowGroups };
      },
    );
  }

  /**
   * Removes the partial file. Safe to call in any state. A close() already in progress is
   * waited for: if it succeeds, its finished file stays (close reported it as written) and
   * abort does nothing; if it fails, the partial file is removed.
   */
  async abort(): Promise<void> {
    await this.lifecycle.abort(async () => {
      await this.backend.discard().catch(() => undefined);
      await rm(this.settings.path, { force: true });
    });
  }

  private prepare(row: Record<string, unknown>, index: number, counter: ByteCounter): P {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new ParquetRowError(index, '(row)', 'expected an object keyed by field name');
    }
    try {
      return this.settings.prepareRow(row, counter);
    } catch (error) {
      if (error instanceof ValueProblem) throw new ParquetRowError(index, error.fieldPath, error.reason);
      throw error;
    }
  }

  private async buffer(row: P, rawBytes: number): Promise<void> {
    const closes = this.pendingRawBytes + rawBytes >= this.settings.rowGroupBytes;
    if (this.rowGroups === 0 && this.sample.length < MAX_CALIBRATION_ROWS) {
      this.sample.push(row);
      this.sampleRawBytes += rawBytes;
    }
    await this.backend.bufferRow(row, closes);
    this.rows += 1;
    this.pendingRows += 1;
    this.pendingRawBytes += rawBytes;
    if (closes) {
      this.rowGroups += 1;
      this.writtenRawBytes += this.pendingRawBytes;
      this.pendingRows = 0;
      this.pendingRawBytes = 0;
      this.sample = [];
      this.ratio = (this.backend.bytesWritten() - this.headerBytes) / this.writtenRawBytes;
    }
  }

  private async calibrateIfDue(): Promise<void> {
    if (this.rowGroups > 0 || this.nextCalibrationRows > MAX_CALIBRATION_ROWS || this.pendingRows < this.nextCalibrationRows) return;
    const bytes = await this.backend.measureRowGroup(this.sample);
    if (this.sampleRawBytes > 0) this.ratio = bytes / this.sampleRawBytes;
    while (this.nextCalibrationRows <= this.pendingRows) this.nextCalibrationRows *= 4;
    if (this.nextCalibrationRows > MAX_CALIBRATION_ROWS) this.sample = [];
  }

}
