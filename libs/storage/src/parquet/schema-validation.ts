import { ParquetSchemaError } from './errors';
import type { ParquetField, ParquetPrimitiveField, ParquetSchema } from './parquet-schema';

/** Where a field sits, for messages: `payload.items[].price`, `attrs{}.value`. */
export function childPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

/** Checks what the types cannot: names, nesting, and logical types on the right physical types. */
export function validateParquetSchema(schema: ParquetSchema): void {
  const problems: string[] = [];
  if (!schema || !Array.isArray(schema.fields) || schema.fields.length === 0) {
    throw new ParquetSchemaError(['the schema has no fields']);
  }
  checkSiblings(schema.fields, '', problems);
  if (problems.length > 0) throw new ParquetSchemaError(problems);
}

function checkSiblings(fields: ParquetField[], parent: string, problems: string[]): void {
  const seen = new Set<string>();
  for (const field of fields) {
    const path = childPath(parent, String(field?.name));
    if (typeof field?.name !== 'string' || field.name === '') {
      problems.push(`${parent || '(root)'}: a field has no name`);
      continue;
    }
    if (seen.has(field.name)) problems.push(`${path}: duplicate field name`);
    seen.add(field.name);
    checkField(field, path, problems);
  }
}

function checkField(field: ParquetField, path: string, problems: string[]): void {
  if (field.repetition !== 'REQUIRED' && field.repetition !== 'OPTIONAL') {
    problems.push(`${path}: repetition must be REQUIRED or OPTIONAL, got ${String(field.repetition)}`);
  }
  switch (field.kind) {
    case 'primitive':
      return checkPrimitive(field, path, problems);
    case 'group':
      if (!Array.isArray(field.fields) || field.fields.length === 0) problems.push(`${path}: a group needs at least one field`);
      else checkSiblings(field.fields, path, problems);
      return;
    case 'list':
      if (!field.element) problems.push(`${path}: a list needs an element field`);
      else checkField(field.element, `${path}[]`, problems);
      return;
    case 'map':
      if (!field.key || field.key.kind !== 'primitive') problems.push(`${path}: a map key must be a primitive field`);
      else {
        if (field.key.repetition !== 'REQUIRED') problems.push(`${path}{}.key: a map key must be REQUIRED`);
        checkPrimitive(field.key, `${path}{}.key`, problems);
      }
      if (!field.value) problems.push(`${path}: a map needs a value field`);
      else checkField(field.value, `${path}{}.value`, problems);
      return;
    default:
      problems.push(`${path}: unknown field kind ${String((field as { kind?: unknown }).kind)}`);
  }
}

const PHYSICAL_TYPES = new Set(['BOOLEAN', 'INT32', 'INT64', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY']);

function checkPrimitive(field: ParquetPrimitiveField, path: string, problems: string[]): void {
  if (!PHYSICAL_TYPES.has(field.physicalType)) {
    problems.push(`${path}: unknown physical type ${String(field.physicalType)}`);
    return;
  }
  const logical = field.logicalType;
  if (!logical) return;
  const on = (expected: string) => {
    if (field.physicalType !== expected) problems.push(`${path}: logical type ${logical.type} needs physical type ${expected}, not ${field.physicalType}`);
  };
  switch (logical.type) {
    case 'STRING':
    case 'ENUM':
    case 'JSON':
      return on('BYTE_ARRAY');
    case 'INTEGER':
      if (![8, 16, 32, 64].includes(logical.bitWidth)) problems.push(`${path}: INTEGER bit width must be 8, 16, 32 or 64`);
      return on(logical.bitWidth === 64 ? 'INT64' : 'INT32');
    case 'TIMESTAMP':
      if (logical.unit !== 'MILLIS' && logical.unit !== 'MICROS') problems.push(`${path}: TIMESTAMP unit must be MILLIS or MICROS`);
      return on('INT64');
    default:
      problems.push(`${path}: unknown logical type ${String((logical as { type?: unknown }).type)}`);
  }
}
