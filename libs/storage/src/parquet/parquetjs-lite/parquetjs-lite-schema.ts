// parquetjs-lite ships no types. A reference (not an import: the file only declares modules) makes
// the declarations travel with this source into every program that compiles it from source.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./parquetjs-lite.d.ts" />
import type { FieldDefinition } from 'parquetjs-lite';
import type { ParquetCompression } from '../parquet-file-writer';
import type { ParquetField, ParquetPrimitiveField, ParquetSchema } from '../parquet-schema';
import { childPath } from '../schema-validation';
import type { ExactTypeName } from './exact-types';

export interface ParquetjsLiteSchema {
  definition: Record<string, FieldDefinition>;
  /** Leaf columns, each with its path length in bytes (for the footer size model). */
  leafPathBytes: number[];
}

/**
 * ParquetSchema → parquetjs-lite schema definition, or the list of what parquetjs-lite
 * cannot write exactly: field names containing `,` (parquetjs-lite keys its columns by the
 * path joined with `,`). Timestamps get the TIMESTAMP logical type in the footer from
 * envelope-writer.ts (parquetjs-lite itself writes only the legacy converted types).
 *
 * Statistics are kept only where parquetjs-lite computes them right (BOOLEAN, integers
 * other than UINT_32 / UINT_64, timestamps): it orders values with JavaScript's `<`, which
 * is wrong for byte arrays (compared as decoded text), strings beyond the BMP, unsigned
 * integers stored wrapped to the signed range, and NaN.
 */
export function toParquetjsLiteSchema(
  schema: ParquetSchema,
  compression: ParquetCompression,
): { schema: ParquetjsLiteSchema; problems: [] } | { schema?: undefined; problems: string[] } {
  const problems: string[] = [];
  const leafPathBytes: number[] = [];

  const define = (field: ParquetField, path: string, segments: string[]): FieldDefinition => {
    if (segments[segments.length - 1].includes(',')) problems.push(`${path}: field names containing "," are not supported by parquetjs-lite`);
    const optional = field.repetition === 'OPTIONAL';
    switch (field.kind) {
      case 'primitive': {
        const { type, statistics } = leafType(field);
        leafPathBytes.push(segments.reduce((sum, segment) => sum + Buffer.byteLength(segment), 0));
        return { type, optional, compression, statistics };
      }
      case 'group':
        return {
          optional,
          fields: Object.fromEntries(field.fields.map((child) => [child.name, define(child, childPath(path, child.name), [...segments, child.name])])),
        };
      case 'list':
        return {
          type: 'LIST',
          optional,
          fields: { list: { repeated: true, fields: { element: define(field.element, `${path}[]`, [...segments, 'list', 'element']) } } },
        };
      case 'map':
        return {
          type: 'MAP',
          optional,
          fields: {
            key_value: {
              repeated: true,
              fields: {
                key: define(field.key, `${path}{}.key`, [...segments, 'key_value', 'key']),
                value: define(field.value, `${path}{}.value`, [...segments, 'key_value', 'value']),
              },
            },
          },
        };
    }
  };

  const definition = Object.fromEntries(schema.fields.map((field) => [field.name, define(field, field.name, [field.name])]));
  return problems.length > 0 ? { problems } : { schema: { definition, leafPathBytes }, problems: [] };
}

function leafType(field: ParquetPrimitiveField): { type: string; statistics: boolean } {
  const exact = (type: ExactTypeName, statistics: boolean) => ({ type, statistics });
  const logical = field.logicalType;
  switch (field.physicalType) {
    case 'BOOLEAN':
      return { type: 'BOOLEAN', statistics: true };
    case 'INT32':
      if (logical?.type !== 'INTEGER') return { type: 'INT32', statistics: true };
      if (logical.signed) return { type: `INT_${logical.bitWidth}`, statistics: true };
      // UINT_32 is stored wrapped to the signed range, so JavaScript's ordering of it is not the column's.
      return logical.bitWidth === 32 ? exact('eventpath:UINT_32', false) : { type: `UINT_${logical.bitWidth}`, statistics: true };
    case 'INT64':
      if (logical?.type === 'TIMESTAMP') {
        return exact(`eventpath:${logical.isAdjustedToUTC ? '' : 'LOCAL_'}TIMESTAMP_${logical.unit}`, true);
      }
      if (logical?.type === 'INTEGER') return logical.signed ? exact('eventpath:INT_64', true) : exact('eventpath:UINT_64', false);
      return exact('eventpath:INT64', true);
    case 'FLOAT':
      return exact('eventpath:FLOAT', false);
    case 'DOUBLE':
      return exact('eventpath:DOUBLE', false);
    case 'BYTE_ARRAY':
      switch (logical?.type) {
        case 'STRING':
          return { type: 'UTF8', statistics: false };
        case 'ENUM':
          return exact('eventpath:ENUM', false);
        case 'JSON':
          return exact('eventpath:JSON', false);
        default:
          return { type: 'BYTE_ARRAY', statistics: false };
      }
  }
}
