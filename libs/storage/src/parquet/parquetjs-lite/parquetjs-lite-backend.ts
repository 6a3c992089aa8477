// parquetjs-lite ships no types. A reference (not an import: the file only declares modules) makes
// the declarations travel with this source into every program that compiles it from source.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./parquetjs-lite.d.ts" />
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { ParquetEnvelopeWriter, ParquetSchema, ParquetWriter, type WriterOptions } from 'parquetjs-lite';
import { osend, oswrite } from 'parquetjs-lite/lib/util';
import type { ParquetWriterBackend } from '../buffered-parquet-file-writer';
import type { ByteCounter } from '../leaf-values';
import type { ParquetSchema as FormatSchema } from '../parquet-schema';
import { fieldPreparer } from '../row-preparation';
import { CorrectedEnvelopeWriter } from './envelope-writer';
import type { ParquetjsLiteSchema } from './parquetjs-lite-schema';

/** One row as parquetjs-lite takes it: an object with lists and maps spelled out. */
export type ParquetjsLiteRow = Record<string, unknown>;

/**
 * - Data page v1: parquetjs-lite's v2 page headers put the value count in `num_rows`, which is
 *   wrong on list and map pages; a reader that skips whole pages by it (arrow-rs with an
 *   offset, Spark-family readers with a row selection) silently returns misaligned rows. v1
 *   headers have no row count to get wrong.
 * - No page index: parquetjs-lite's ColumnIndex lacks the required `null_pages` and
 *   `boundary_order`; without a page index, readers use the column statistics.
 * - Row groups are cut by this library, not by row count.
 */
const WRITER_OPTIONS: WriterOptions = { useDataPageV2: false, pageIndex: false, rowGroupSize: Number.MAX_SAFE_INTEGER };

/** Footer model, measured on this writer's output (~42 on the typical events): bytes per column chunk besides its path. */
const FOOTER_BYTES_PER_CHUNK = 45;

export function parquetjsLiteRowPreparer(schema: FormatSchema): (row: Record<string, unknown>, counter: ByteCounter) => ParquetjsLiteRow {
  const columns = schema.fields.map((field) => ({ name: field.name, prepare: fieldPreparer(field, field.name, 'spelled-out') }));
  return (row, counter) => {
    const prepared: ParquetjsLiteRow = {};
    for (const column of columns) prepared[column.name] = column.prepare(row[column.name], counter);
    return prepared;
  };
}

/**
 * Writes with parquetjs-lite's ParquetWriter. It buffers rows (shredded) until the row
 * group closes, then encodes and writes the group; the row group is closed by lowering
 * its row-count limit just before the row that fills it.
 */
export class ParquetjsLiteBackend implements ParquetWriterBackend<ParquetjsLiteRow> {
  readonly footerBytes: { fixed: number; perRowGroup: number };
  private rowsInGroup = 0;

  private constructor(
    layout: ParquetjsLiteSchema,
    private readonly schema: ParquetSchema,
    private readonly stream: WriteStream,
    private readonly writer: ParquetWriter,
  ) {
    const fieldBytes = schema.fieldList.reduce((sum, f) => sum + Buffer.byteLength(f.name) + 12, 0);
    this.footerBytes = {
      fixed: 64 + fieldBytes,
      perRowGroup: 16 + layout.leafPathBytes.reduce((sum, bytes) => sum + bytes + FOOTER_BYTES_PER_CHUNK, 0),
    };
  }

  static async open(path: string, layout: ParquetjsLiteSchema): Promise<ParquetjsLiteBackend> {
    const schema = new ParquetSchema(layout.definition);
    const stream = createWriteStream(path, { flags: 'w' });
    await once(stream, 'open');
    const envelope = new CorrectedEnvelopeWriter(schema, (buffer) => oswrite(stream, buffer), () => osend(stream), 0, { ...WRITER_OPTIONS });
    const writer = new ParquetWriter(schema, envelope, { ...WRITER_OPTIONS });
    return new ParquetjsLiteBackend(layout, schema, stream, writer);
  }

  async bufferRow(row: ParquetjsLiteRow, closesRowGroup: boolean): Promise<void> {
    this.writer.setRowGroupSize(closesRowGroup ? this.rowsInGroup + 1 : Number.MAX_SAFE_INTEGER);
    await this.writer.appendRow(row);
    this.rowsInGroup = closesRowGroup ? 0 : this.rowsInGroup + 1;
  }

  bytesWritten(): number {
    return this.writer.envelopeWriter.offset;
  }

  async measureRowGroup(rows: ParquetjsLiteRow[]): Promise<number> {
    const envelope = new ParquetEnvelopeWriter(this.schema, () => undefined, () => undefined, 0, { ...WRITER_OPTIONS });
    const writer = new ParquetWriter(this.schema, envelope, { ...WRITER_OPTIONS, rowGroupSize: rows.length });
    const before = envelope.offset;
    for (const row of rows) await writer.appendRow(row);
    return envelope.offset - before;
  }

  async finish(keyValueMetadata: Record<string, string>): Promise<void> {
    for (const [key, value] of Object.entries(keyValueMetadata)) this.writer.setMetadata(key, value);
    // close() writes any rows still buffered as the last row group, then the footer, then ends the stream.
    await this.writer.close();
    if (!this.stream.closed) await once(this.stream, 'close');
  }

  async discard(): Promise<void> {
    // parquetjs-lite writes the header from its constructor without awaiting it: let that write
    // (and any other in flight) finish first, or it fails on the destroyed stream, unhandled.
    if (!this.stream.destroyed) await new Promise<void>((resolve) => this.stream.write(Buffer.alloc(0), () => resolve()));
    this.stream.destroy();
    if (!this.stream.closed) await once(this.stream, 'close');
  }
}
