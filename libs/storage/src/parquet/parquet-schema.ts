/**
 * A format-level description of a Parquet file's columns, independent of the
 * writer library. libs/schemas derives one from a protobuf message type; the
 * writers in this folder turn it into their own schema objects.
 *
 * Row values handed to a writer, by field kind:
 * - primitive: boolean | number | bigint (INT64 and unsigned 64-bit) | string | Uint8Array,
 *   or a Date / bigint of microseconds for TIMESTAMP columns; null or undefined for absent OPTIONAL values;
 * - group: a plain object keyed by child field name;
 * - list: an array of element values;
 * - map: an array of `{ key, value }` entries.
 */
export type ParquetPhysicalType = 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY';

export type ParquetLogicalType =
  | { type: 'STRING' }
  | { type: 'ENUM' }
  | { type: 'JSON' }
  | { type: 'INTEGER'; bitWidth: 8 | 16 | 32 | 64; signed: boolean }
  | { type: 'TIMESTAMP'; unit: 'MILLIS' | 'MICROS'; isAdjustedToUTC: boolean };

export type ParquetRepetition = 'REQUIRED' | 'OPTIONAL';

export interface ParquetPrimitiveField {
  kind: 'primitive';
  name: string;
  repetition: ParquetRepetition;
  physicalType: ParquetPhysicalType;
  logicalType?: ParquetLogicalType;
}

export interface ParquetGroupField {
  kind: 'group';
  name: string;
  repetition: ParquetRepetition;
  fields: ParquetField[];
}

/** A Parquet LIST (three-level structure: list → repeated group → element). */
export interface ParquetListField {
  kind: 'list';
  name: string;
  repetition: ParquetRepetition;
  element: ParquetField;
}

/** A Parquet MAP (map → repeated key_value group → key, value). Keys are REQUIRED primitives. */
export interface ParquetMapField {
  kind: 'map';
  name: string;
  repetition: ParquetRepetition;
  key: ParquetPrimitiveField;
  value: ParquetField;
}

export type ParquetField = ParquetPrimitiveField | ParquetGroupField | ParquetListField | ParquetMapField;

export interface ParquetSchema {
  fields: ParquetField[];
}
