import type { RecordBatch } from 'apache-arrow';
import { ParquetRowError } from '../errors';
import { leafCoercer, ValueProblem, type ByteCounter } from '../leaf-values';
import type { ParquetField, ParquetPrimitiveField, ParquetSchema } from '../parquet-schema';
import { rowShape } from '../row-preparation';
import { childPath } from '../schema-validation';
import type { ColumnBuilder } from './column-builder';
import { ListColumnBuilder, MapColumnBuilder, StructColumnBuilder } from './nested-column-builders';
import { BooleanColumnBuilder, Int64ColumnBuilder, NumberColumnBuilder } from './primitive-column-builders';
import { RecordBatchBuilder } from './record-batch-builder';
import { BinaryColumnBuilder, Utf8ColumnBuilder } from './variable-width-column-builders';

/** Appends one row, given as parquet-schema.ts describes rows; throws ValueProblem (leaf-values.ts) naming the field. */
export type RowAppender = (row: Record<string, unknown>) => void;

type ValueAppender = (value: unknown) => void;

/**
 * Appends rows to a RecordBatchBuilder's columns, checking every value exactly as the
 * other writers do (leaf-values.ts, row-preparation.ts: same rules, same messages). A row
 * that fails leaves its partial values in the builder; the caller rolls them back.
 */
export function rowAppender(schema: ParquetSchema, builder: RecordBatchBuilder): RowAppender {
  const columns = schema.fields.map((field, index) => ({ name: field.name, append: fieldAppender(field, field.name, builder.columns[index]) }));
  return (row) => {
    for (let i = 0; i < columns.length; i++) columns[i].append(row[columns[i].name]);
    builder.endRow();
  };
}

// Sizes are measured on the built columns; the coercers' byte count is not needed here.
const UNCOUNTED: ByteCounter = { bytes: 0 };

function fieldAppender(field: ParquetField, path: string, column: ColumnBuilder): ValueAppender {
  const append = presentValueAppender(field, path, column);
  if (field.repetition === 'REQUIRED') {
    return (value) => {
      if (value === null || value === undefined) throw rowShape.required(path);
      append(value);
    };
  }
  return (value) => {
    if (value === null || value === undefined) column.appendNull();
    else append(value);
  };
}

function presentValueAppender(field: ParquetField, path: string, column: ColumnBuilder): ValueAppender {
  switch (field.kind) {
    case 'primitive':
      return leafAppender(field, path, column);
    case 'group': {
      const struct = column as StructColumnBuilder;
      const children = field.fields.map((child, index) => ({
        name: child.name,
        append: fieldAppender(child, childPath(path, child.name), struct.children[index]),
      }));
      return (value) => {
        const input = rowShape.group(value, path);
        struct.appendValid();
        for (let i = 0; i < children.length; i++) children[i].append(input[children[i].name]);
      };
    }
    case 'list': {
      const list = column as ListColumnBuilder;
      const appendElement = fieldAppender(field.element, `${path}[]`, list.child);
      return (value) => {
        const elements = rowShape.list(value, path);
        for (let i = 0; i < elements.length; i++) appendElement(elements[i]);
        list.endList();
      };
    }
    case 'map': {
      const map = column as MapColumnBuilder;
      const appendKey = fieldAppender(field.key, `${path}{}.key`, map.keys);
      const appendValue = fieldAppender(field.value, `${path}{}.value`, map.values);
      return (value) => {
        const entries = rowShape.map(value, path);
        for (let i = 0; i < entries.length; i++) {
          const entry = rowShape.mapEntry(entries[i], path);
          appendKey(entry.key);
          appendValue(entry.value);
          map.appendEntry();
        }
        map.endList();
      };
    }
  }
}

function leafAppender(field: ParquetPrimitiveField, path: string, column: ColumnBuilder): ValueAppender {
  // The coercer checks and converts every value (and words the errors); the fast paths
  // below take the common, valid values without making a bigint, and leave the rest to it.
  const coerce = leafCoercer(field, path);
  if (column instanceof BooleanColumnBuilder) return (value) => column.append(coerce(value, UNCOUNTED) as boolean);
  if (column instanceof NumberColumnBuilder) return (value) => column.append(coerce(value, UNCOUNTED) as number);
  if (column instanceof Utf8ColumnBuilder) {
    return (value) => column.append(typeof value === 'string' ? value : (coerce(value, UNCOUNTED) as string));
  }
  if (column instanceof BinaryColumnBuilder) return (value) => column.append(coerce(value, UNCOUNTED) as Uint8Array);
  if (column instanceof Int64ColumnBuilder) {
    const logical = field.logicalType;
    if (logical?.type === 'TIMESTAMP') {
      const perMillisecond = logical.unit === 'MICROS' ? 1000 : 1;
      return (value) => {
        const millis = value instanceof Date ? value.getTime() : Number.NaN;
        if (Math.abs(millis) <= MAX_SAFE_MILLIS) column.appendSafeInteger(millis * perMillisecond);
        else column.append(coerce(value, UNCOUNTED) as bigint);
      };
    }
    const min = logical?.type === 'INTEGER' && !logical.signed ? 0 : Number.MIN_SAFE_INTEGER;
    return (value) => {
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) column.appendSafeInteger(value);
      else column.append(coerce(value, UNCOUNTED) as bigint);
    };
  }
  throw new TypeError(`${path}: no appender for ${column.constructor.name}`);
}

/** Milliseconds whose microseconds are still a safe integer. */
const MAX_SAFE_MILLIS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/**
 * Rows (as appendRows takes them) as one Arrow record batch of the schema's Arrow schema,
 * checked as appendRows checks them: throws ParquetRowError naming the row and field.
 */
export function recordBatchOfRows(schema: ParquetSchema, rows: ReadonlyArray<Record<string, unknown>>): RecordBatch {
  const builder = RecordBatchBuilder.forParquetSchema(schema);
  const append = rowAppender(schema, builder);
  rows.forEach((row, index) => {
    try {
      append(row);
    } catch (error) {
      if (error instanceof ValueProblem) throw new ParquetRowError(index, error.fieldPath, error.reason);
      throw error;
    }
  });
  return builder.finish();
}
