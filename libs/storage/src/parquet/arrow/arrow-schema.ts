import {
  Binary,
  Bool,
  type DataType,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Map_,
  Schema,
  Struct,
  TimestampMicrosecond,
  TimestampMillisecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from 'apache-arrow';
import type { ParquetField, ParquetPrimitiveField, ParquetSchema } from '../parquet-schema';

/**
 * The Arrow schema whose record batches a ParquetSchema's rows travel in, chosen so that
 * arrow-rs (the Rust `parquet` crate behind parquet-wasm) writes the Parquet types the
 * ParquetSchema asks for:
 *
 * - REQUIRED is a non-nullable field, OPTIONAL a nullable one;
 * - INT32 with INTEGER(8/16/32, signed or not) is Int8 … Uint32, INT64 unsigned is Uint64;
 * - TIMESTAMP(MILLIS|MICROS) is Timestamp in that unit, with time zone "UTC" when adjusted to UTC;
 * - STRING, ENUM and JSON are Utf8, other BYTE_ARRAY is Binary;
 * - a group is a Struct, a LIST a List of `element`, a MAP a Map of `key_value` entries
 *   (arrow-js names them `entries`; they are renamed so the Parquet middle level is
 *   `key_value`, as the format and the other writers have it).
 *
 * Arrow has no ENUM, JSON or signed INTEGER(64) annotation: the parquet-wasm writer adds
 * them to the footer (parquet-wasm/footer-patch.ts).
 */
export function arrowSchemaFor(schema: ParquetSchema): Schema {
  return new Schema(schema.fields.map((field) => arrowFieldFor(field, field.name)));
}

export function arrowFieldFor(field: ParquetField, name: string): Field {
  return new Field(name, arrowTypeFor(field), field.repetition === 'OPTIONAL');
}

function arrowTypeFor(field: ParquetField): DataType {
  switch (field.kind) {
    case 'primitive':
      return primitiveArrowType(field);
    case 'group':
      return new Struct(field.fields.map((child) => arrowFieldFor(child, child.name)));
    case 'list':
      return new List(arrowFieldFor(field.element, 'element'));
    case 'map': {
      const entries = new Field('key_value', new Struct([arrowFieldFor(field.key, 'key'), arrowFieldFor(field.value, 'value')]), false);
      const type = new Map_(entries, false);
      // Map_'s constructor renames its entries field to `entries`; the name is what arrow-rs writes.
      (type.children[0] as { name: string }).name = 'key_value';
      return type;
    }
  }
}

function primitiveArrowType(field: ParquetPrimitiveField): DataType {
  const logical = field.logicalType;
  switch (field.physicalType) {
    case 'BOOLEAN':
      return new Bool();
    case 'INT32':
      if (logical?.type === 'INTEGER') {
        if (logical.bitWidth === 8) return logical.signed ? new Int8() : new Uint8();
        if (logical.bitWidth === 16) return logical.signed ? new Int16() : new Uint16();
        return logical.signed ? new Int32() : new Uint32();
      }
      return new Int32();
    case 'INT64':
      if (logical?.type === 'TIMESTAMP') {
        const zone = logical.isAdjustedToUTC ? 'UTC' : undefined;
        return logical.unit === 'MILLIS' ? new TimestampMillisecond(zone) : new TimestampMicrosecond(zone);
      }
      if (logical?.type === 'INTEGER' && !logical.signed) return new Uint64();
      return new Int64();
    case 'FLOAT':
      return new Float32();
    case 'DOUBLE':
      return new Float64();
    case 'BYTE_ARRAY':
      return logical?.type === 'STRING' || logical?.type === 'ENUM' || logical?.type === 'JSON' ? new Utf8() : new Binary();
  }
}
