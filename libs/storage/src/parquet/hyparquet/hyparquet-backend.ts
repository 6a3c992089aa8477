import type { FileHandle } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import type { CompressionCodec } from 'hyparquet';
import { ByteWriter, ParquetWriter, type ColumnSource } from 'hyparquet-writer';
import type { ParquetWriterBackend } from '../buffered-parquet-file-writer';
import type { ByteCounter } from '../leaf-values';
import type { ParquetCompression } from '../parquet-file-writer';
import type { ParquetSchema } from '../parquet-schema';
import { fieldPreparer } from '../row-preparation';
import { FileSink } from './file-sink';
import { toHyparquetSchema, type HyparquetSchema } from './hyparquet-schema';
import { negativeZeroFinder } from './negative-zero';

/** One row as hyparquet-writer takes it: the values of the top-level columns, in schema order. */
export type HyparquetRow = unknown[];

const COMPRESSORS = { GZIP: (input: Uint8Array) => gzipSync(input) };
const CREATED_BY = 'eventpath storage (hyparquet-writer 0.17.0)';

/** Footer model, measured on this writer's output: bytes per column chunk besides its path. */
const FOOTER_BYTES_PER_CHUNK = 64;

export function hyparquetRowPreparer(schema: ParquetSchema): (row: Record<string, unknown>, counter: ByteCounter) => HyparquetRow {
  const columns = schema.fields.map((field) => ({ name: field.name, prepare: fieldPreparer(field, field.name, 'plain') }));
  return (row, counter) => {
    const values = new Array<unknown>(columns.length);
    for (let i = 0; i < columns.length; i++) values[i] = columns[i].prepare(row[columns[i].name], counter);
    return values;
  };
}

/**
 * Writes with hyparquet-writer's incremental ParquetWriter: rows are buffered as columns
 * and each row group is encoded and flushed to the file when it closes.
 */
export class HyparquetBackend implements ParquetWriterBackend<HyparquetRow> {
  readonly footerBytes: { fixed: number; perRowGroup: number };
  private readonly layout: HyparquetSchema;
  private readonly sink: FileSink;
  private readonly writer: ParquetWriter;
  private readonly columnNames: string[];
  private readonly topLevelJson: boolean[];
  private readonly negativeZeroIn: (((value: unknown) => boolean) | undefined)[];
  private columns: unknown[][];

  constructor(
    schema: ParquetSchema,
    private readonly handle: FileHandle,
    private readonly compression: ParquetCompression,
  ) {
    this.layout = toHyparquetSchema(schema);
    this.columnNames = schema.fields.map((f) => f.name);
    this.topLevelJson = schema.fields.map((f) => f.kind === 'primitive' && f.logicalType?.type === 'JSON');
    this.negativeZeroIn = schema.fields.map(negativeZeroFinder);
    this.columns = this.columnNames.map(() => []);
    this.sink = new FileSink(handle);
    this.writer = this.newWriter(this.sink);
    const schemaBytes = this.layout.elements.reduce((sum, e) => sum + Buffer.byteLength(e.name) + 12, 0);
    this.footerBytes = {
      fixed: 64 + Buffer.byteLength(CREATED_BY) + schemaBytes,
      perRowGroup: 16 + this.layout.leafPathBytes.reduce((sum, bytes) => sum + bytes + FOOTER_BYTES_PER_CHUNK, 0),
    };
  }

  bufferRow(row: HyparquetRow, closesRowGroup: boolean): Promise<void> | void {
    for (let i = 0; i < row.length; i++) this.columns[i].push(row[i]);
    if (closesRowGroup) return this.writeRowGroup();
  }

  bytesWritten(): number {
    return this.sink.offset;
  }

  async measureRowGroup(rows: HyparquetRow[]): Promise<number> {
    const scratch = new ByteWriter();
    const writer = this.newWriter(scratch);
    const before = scratch.offset;
    await writer.write({ columnData: this.columnData(transpose(rows, this.columnNames.length)), rowGroupSize: rows.length });
    return scratch.offset - before;
  }

  async finish(keyValueMetadata: Record<string, string>): Promise<void> {
    if (this.columns[0].length > 0) await this.writeRowGroup();
    this.writer.kvMetadata = Object.entries(keyValueMetadata).map(([key, value]) => ({ key, value }));
    for (const element of this.layout.jsonLeaves) element.converted_type = 'JSON';
    await this.writer.finish();
  }

  async discard(): Promise<void> {
    await this.handle.close();
  }

  private async writeRowGroup(): Promise<void> {
    const columns = this.columns;
    this.columns = this.columnNames.map(() => []);
    await this.writer.write({ columnData: this.columnData(columns), rowGroupSize: columns[0].length });
  }

  private columnData(columns: unknown[][]): ColumnSource[] {
    return columns.map((data, i) => {
      // Statistics of a JSON column would be whole documents (they are never truncated).
      const column: ColumnSource = { name: this.columnNames[i], data, statistics: !this.topLevelJson[i] };
      // A dictionary would give every zero of the chunk one sign (negative-zero.ts). The
      // encoding applies to all leaves of a top-level column, so its other leaves go plain too.
      const negativeZero = this.negativeZeroIn[i];
      if (negativeZero && data.some(negativeZero)) column.encoding = 'PLAIN';
      return column;
    });
  }

  private newWriter(output: ByteWriter): ParquetWriter {
    return new ParquetWriter({
      writer: output,
      schema: this.layout.elements,
      codec: this.compression as CompressionCodec,
      compressors: COMPRESSORS,
      createdBy: CREATED_BY,
    });
  }
}

function transpose(rows: HyparquetRow[], width: number): unknown[][] {
  const columns = Array.from({ length: width }, () => new Array<unknown>(rows.length));
  for (let r = 0; r < rows.length; r++) for (let c = 0; c < width; c++) columns[c][r] = rows[r][c];
  return columns;
}
