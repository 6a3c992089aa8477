import type { ParquetField, ParquetPrimitiveField, ParquetSchema } from '../parquet-schema';

const str = (name: string, repetition: 'REQUIRED' | 'OPTIONAL' = 'REQUIRED'): ParquetPrimitiveField => ({
  kind: 'primitive',
  name,
  repetition,
  physicalType: 'BYTE_ARRAY',
  logicalType: { type: 'STRING' },
});
const prim = (
  name: string,
  physicalType: ParquetPrimitiveField['physicalType'],
  repetition: 'REQUIRED' | 'OPTIONAL',
  logicalType?: ParquetPrimitiveField['logicalType'],
): ParquetPrimitiveField => ({ kind: 'primitive', name, repetition, physicalType, ...(logicalType ? { logicalType } : {}) });
const int = (name: string, bitWidth: 8 | 16 | 32 | 64, signed: boolean, repetition: 'REQUIRED' | 'OPTIONAL' = 'REQUIRED') =>
  prim(name, bitWidth === 64 ? 'INT64' : 'INT32', repetition, { type: 'INTEGER', bitWidth, signed });
const list = (name: string, element: ParquetField, repetition: 'REQUIRED' | 'OPTIONAL' = 'OPTIONAL'): ParquetField => ({
  kind: 'list',
  name,
  repetition,
  element,
});
const map = (name: string, key: ParquetPrimitiveField, value: ParquetField, repetition: 'REQUIRED' | 'OPTIONAL' = 'OPTIONAL'): ParquetField => ({
  kind: 'map',
  name,
  repetition,
  key,
  value,
});
const group = (name: string, fields: ParquetField[], repetition: 'REQUIRED' | 'OPTIONAL' = 'OPTIONAL'): ParquetField => ({
  kind: 'group',
  name,
  repetition,
  fields,
});

/** A timestamp without time zone (TIMESTAMP logical type with isAdjustedToUTC: false, no converted type). */
export const LOCAL_TIMESTAMP_FIELD = prim('ts_local', 'INT64', 'OPTIONAL', { type: 'TIMESTAMP', unit: 'MICROS', isAdjustedToUTC: false });

/** Every field kind and logical type of parquet-schema.ts, nested every way it can be. */
export function allFieldKindsSchema(): ParquetSchema {
  return {
    fields: [
      str('event_id'),
      prim('flag', 'BOOLEAN', 'OPTIONAL'),
      prim('i32', 'INT32', 'REQUIRED'),
      int('i8', 8, true, 'OPTIONAL'),
      int('i16', 16, true),
      int('u8', 8, false),
      int('u16', 16, false),
      int('u32', 32, false, 'OPTIONAL'),
      prim('i64', 'INT64', 'REQUIRED'),
      int('i64_annotated', 64, true),
      int('u64', 64, false, 'OPTIONAL'),
      prim('f32', 'FLOAT', 'OPTIONAL'),
      prim('f64', 'DOUBLE', 'OPTIONAL'),
      prim('raw', 'BYTE_ARRAY', 'OPTIONAL'),
      prim('status', 'BYTE_ARRAY', 'OPTIONAL', { type: 'ENUM' }),
      prim('doc', 'BYTE_ARRAY', 'OPTIONAL', { type: 'JSON' }),
      prim('ts_micros', 'INT64', 'REQUIRED', { type: 'TIMESTAMP', unit: 'MICROS', isAdjustedToUTC: true }),
      prim('ts_millis', 'INT64', 'OPTIONAL', { type: 'TIMESTAMP', unit: 'MILLIS', isAdjustedToUTC: true }),
      LOCAL_TIMESTAMP_FIELD,
      list('tags', str('element')),
      list('scores', prim('element', 'DOUBLE', 'OPTIONAL'), 'REQUIRED'),
      list(
        'items',
        group(
          'element',
          [str('sku'), prim('qty', 'INT32', 'REQUIRED'), prim('price', 'DOUBLE', 'OPTIONAL'), map('attrs', str('key'), str('value', 'OPTIONAL'))],
          'REQUIRED',
        ),
      ),
      list('matrix', list('element', prim('element', 'INT64', 'REQUIRED'), 'REQUIRED')),
      map('attributes', str('key'), str('value', 'OPTIONAL')),
      map('counters', str('key'), prim('value', 'INT64', 'REQUIRED'), 'REQUIRED'),
      map('by_code', prim('key', 'INT32', 'REQUIRED'), group('value', [prim('a', 'INT32', 'OPTIONAL'), list('b', str('element'))], 'OPTIONAL')),
      group('payload', [
        str('source'),
        group('location', [prim('lat', 'DOUBLE', 'REQUIRED'), prim('lon', 'DOUBLE', 'REQUIRED')]),
        list('tags', str('element', 'OPTIONAL')),
      ]),
    ],
  };
}

/** Rows covering extremes, nulls, empty lists and maps, and values that are easy to get wrong. */
export function allFieldKindsRows(): Record<string, unknown>[] {
  return [
    {
      event_id: 'évènement-1 😀',
      flag: true,
      i32: -2147483648,
      i8: -128,
      i16: 32767,
      u8: 255,
      u16: 65535,
      u32: 4294967295,
      i64: -9223372036854775808n,
      i64_annotated: 9223372036854775807n,
      u64: 18446744073709551615n,
      f32: 1.5,
      f64: -0.1,
      raw: new Uint8Array([0, 1, 254, 255]),
      status: 'ORDER_STATUS_PAID',
      doc: '{"id": 12345678901234567890, "price": 2.50, "nested": {"a": [1, null]}}',
      ts_micros: 1700000000123456n,
      ts_millis: new Date('2024-02-29T23:59:59.999Z'),
      ts_local: 1700000000123456n,
      tags: ['a', 'b', 'ü'],
      scores: [1.25, null, -3],
      items: [
        { sku: 'SKU-1', qty: 2, price: 9.99, attrs: [{ key: 'colour', value: 'red' }, { key: 'size', value: null }] },
        { sku: 'SKU-2', qty: 1, price: null, attrs: [] },
      ],
      matrix: [[1n, 2n], [], [9007199254740993n]],
      attributes: [{ key: 'k1', value: 'v1' }, { key: 'k2', value: null }],
      counters: [{ key: 'clicks', value: 5n }],
      by_code: [{ key: 7, value: { a: 1, b: ['x'] } }, { key: -1, value: null }],
      payload: { source: 'app', location: { lat: 52.52, lon: 13.405 }, tags: ['t1', null] },
    },
    {
      event_id: 'event-2',
      flag: false,
      i32: 2147483647,
      i8: 127,
      i16: -32768,
      u8: 0,
      u16: 0,
      u32: 0,
      i64: 9223372036854775807n,
      i64_annotated: -9223372036854775808n,
      u64: 0n,
      f32: -0,
      f64: Number.POSITIVE_INFINITY,
      raw: new Uint8Array([]),
      status: 'ORDER_STATUS_NEW',
      doc: '[]',
      ts_micros: new Date('1969-07-20T20:17:40.000Z'),
      ts_millis: -1n,
      ts_local: new Date('2024-01-01T12:00:00.000Z'),
      tags: [],
      scores: [],
      items: [],
      matrix: [],
      attributes: [],
      counters: [],
      by_code: [],
      payload: { source: '', location: null, tags: [] },
    },
    {
      event_id: 'event-3 with nulls',
      flag: null,
      i32: 0,
      i8: null,
      i16: 0,
      u8: 1,
      u16: 1,
      u32: null,
      i64: 0n,
      i64_annotated: 1,
      u64: null,
      f32: null,
      f64: null,
      raw: null,
      status: null,
      doc: null,
      ts_micros: -1n,
      ts_millis: null,
      ts_local: null,
      tags: null,
      scores: [null],
      items: null,
      matrix: null,
      attributes: null,
      counters: [{ key: 'a', value: -1n }, { key: 'b', value: 2 }],
      by_code: null,
      payload: null,
    },
  ];
}
