import { type DataType, type Field, type Float, makeData, RecordBatch, type Schema, Precision, Struct, Type } from 'apache-arrow';
import type { ParquetSchema } from '../parquet-schema';
import { arrowSchemaFor } from './arrow-schema';
import type { ColumnBuilder } from './column-builder';
import { ListColumnBuilder, MapColumnBuilder, StructColumnBuilder } from './nested-column-builders';
import { BooleanColumnBuilder, Int64ColumnBuilder, NumberColumnBuilder } from './primitive-column-builders';
import { BinaryColumnBuilder, Utf8ColumnBuilder } from './variable-width-column-builders';

/**
 * Rows built column by column into one Arrow record batch of a ParquetSchema's Arrow
 * schema (arrow-schema.ts): what the parquet-wasm writer encodes. A row is complete when
 * every top-level column got its slot and `endRow()` was called; `rollback()` drops a
 * partly appended row, so a value that turns out bad halfway through leaves no trace.
 */
export class RecordBatchBuilder {
  readonly arrowSchema: Schema;
  /** One builder per top-level field, in schema order. */
  readonly columns: ColumnBuilder[];
  /** Complete rows appended since the last `finish()`. */
  rowCount = 0;

  /** For the Arrow schema of a ParquetSchema: `arrowSchemaFor(schema)` (arrow-schema.ts). */
  constructor(arrowSchema: Schema) {
    this.arrowSchema = arrowSchema;
    this.columns = arrowSchema.fields.map(columnBuilderFor);
  }

  static forParquetSchema(schema: ParquetSchema): RecordBatchBuilder {
    return new RecordBatchBuilder(arrowSchemaFor(schema));
  }

  endRow(): void {
    this.rowCount++;
  }

  /** Forgets whatever was appended after complete row `rowCount` (by default: after the last complete row). */
  rollback(rowCount = this.rowCount): void {
    for (const column of this.columns) column.truncate(rowCount);
    this.rowCount = rowCount;
  }

  /** Bytes of the Arrow buffers built so far. */
  byteSize(): number {
    let bytes = 0;
    for (const column of this.columns) bytes += column.byteSize();
    return bytes;
  }

  /** The complete rows as one record batch; the builder starts empty again. */
  finish(): RecordBatch {
    this.rollback();
    const length = this.rowCount;
    const children = this.columns.map((column) => column.finish());
    this.rowCount = 0;
    const data = makeData({ type: new Struct(this.arrowSchema.fields), length, nullCount: 0, children });
    return new RecordBatch(this.arrowSchema, data);
  }
}

/** The builder for a field of an Arrow schema made by arrowSchemaFor. */
export function columnBuilderFor(field: Field): ColumnBuilder {
  const type: DataType = field.type;
  switch (type.typeId) {
    case Type.Bool:
      return new BooleanColumnBuilder(field);
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      if (bitWidth === 64) return new Int64ColumnBuilder(field, !isSigned);
      return new NumberColumnBuilder(field, INTEGER_ARRAYS[`${isSigned ? 'i' : 'u'}${bitWidth}`]);
    }
    case Type.Timestamp:
      return new Int64ColumnBuilder(field, false);
    case Type.Float:
      return new NumberColumnBuilder(field, (type as unknown as Float).precision === Precision.SINGLE ? Float32Array : Float64Array);
    case Type.Utf8:
      return new Utf8ColumnBuilder(field);
    case Type.Binary:
      return new BinaryColumnBuilder(field);
    case Type.Struct:
      return new StructColumnBuilder(field, type.children.map(columnBuilderFor));
    case Type.List:
      return new ListColumnBuilder(field, columnBuilderFor(type.children[0]));
    case Type.Map: {
      const entries = type.children[0];
      return new MapColumnBuilder(field, new StructColumnBuilder(entries, entries.type.children.map(columnBuilderFor)));
    }
    default:
      throw new TypeError(`no column builder for Arrow type ${String(type)} (field ${field.name})`);
  }
}

const INTEGER_ARRAYS: Record<string, new (length: number) => Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array> = {
  i8: Int8Array,
  i16: Int16Array,
  i32: Int32Array,
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
};
