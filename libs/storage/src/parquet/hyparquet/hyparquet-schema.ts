import type { ConvertedType, LogicalType, SchemaElement } from 'hyparquet';
import type { ParquetField, ParquetPrimitiveField, ParquetSchema } from '../parquet-schema';

export interface HyparquetSchema {
  /** The flattened schema, root first, as hyparquet-writer takes it. */
  elements: SchemaElement[];
  /**
   * JSON leaves. hyparquet-writer JSON-stringifies the values of a column annotated JSON,
   * which would quote our already-serialised strings; so these elements are written without
   * the annotation and get it (`converted_type: JSON`) just before the footer is written.
   */
  jsonLeaves: SchemaElement[];
  /** Leaf columns, each with its path length in bytes (for the footer size model). */
  leafPathBytes: number[];
}

/**
 * ParquetSchema → hyparquet-writer schema elements. Lists are the standard three levels
 * (`<name>` LIST → repeated `list` → `element`), maps `<name>` MAP → repeated `key_value`
 * → `key`, `value`.
 *
 * Integer widths and signedness are written as converted types (INT_8 … UINT_64) only:
 * hyparquet-writer 0.17.0 serialises the INTEGER logical type's bit width with the wrong
 * Thrift type, which DuckDB rejects ("TProtocolException: Invalid data"); the converted
 * types mean exactly the same and every reader knows them.
 */
export function toHyparquetSchema(schema: ParquetSchema): HyparquetSchema {
  const elements: SchemaElement[] = [{ name: 'root', num_children: schema.fields.length }];
  const jsonLeaves: SchemaElement[] = [];
  const leafPathBytes: number[] = [];

  const add = (field: ParquetField, name: string, path: string[]): void => {
    const repetition_type = field.repetition;
    const here = [...path, name];
    switch (field.kind) {
      case 'primitive': {
        const element: SchemaElement = { name, repetition_type, type: field.physicalType, ...annotation(field) };
        if (field.logicalType?.type === 'JSON') jsonLeaves.push(element);
        elements.push(element);
        leafPathBytes.push(here.reduce((sum, segment) => sum + Buffer.byteLength(segment), 0));
        return;
      }
      case 'group':
        elements.push({ name, repetition_type, num_children: field.fields.length });
        for (const child of field.fields) add(child, child.name, here);
        return;
      case 'list':
        elements.push({ name, repetition_type, num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } });
        elements.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
        add(field.element, 'element', [...here, 'list']);
        return;
      case 'map':
        elements.push({ name, repetition_type, num_children: 1, converted_type: 'MAP', logical_type: { type: 'MAP' } });
        elements.push({ name: 'key_value', repetition_type: 'REPEATED', num_children: 2 });
        add(field.key, 'key', [...here, 'key_value']);
        add(field.value, 'value', [...here, 'key_value']);
        return;
    }
  };
  for (const field of schema.fields) add(field, field.name, []);
  return { elements, jsonLeaves, leafPathBytes };
}

function annotation(field: ParquetPrimitiveField): { converted_type?: ConvertedType; logical_type?: LogicalType } {
  const logical = field.logicalType;
  switch (logical?.type) {
    case undefined:
      return {};
    case 'STRING':
      return { converted_type: 'UTF8', logical_type: { type: 'STRING' } };
    case 'ENUM':
      return { converted_type: 'ENUM', logical_type: { type: 'ENUM' } };
    case 'JSON':
      return { logical_type: { type: 'JSON' } };
    case 'INTEGER':
      return { converted_type: `${logical.signed ? 'INT' : 'UINT'}_${logical.bitWidth}` as ConvertedType };
    case 'TIMESTAMP': {
      const logical_type: LogicalType = { type: 'TIMESTAMP', isAdjustedToUTC: logical.isAdjustedToUTC, unit: logical.unit };
      // The legacy converted types mean "adjusted to UTC"; a local timestamp has only the logical type.
      return logical.isAdjustedToUTC ? { converted_type: `TIMESTAMP_${logical.unit}`, logical_type } : { logical_type };
    }
  }
}
