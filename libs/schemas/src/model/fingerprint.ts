import { createHash } from 'node:crypto';
import type { FieldDef, SchemaSet, ValueType } from './schema-model';

const cache = new WeakMap<SchemaSet, Map<string, string>>();

/**
 * A stable hash of a message type and every type it refers to, directly or
 * not: names, field numbers, JSON names, types, cardinality, presence and
 * enum values (including which alias of a number is declared first: that is
 * the name written). Other declaration order, options that do not change the
 * data (packing, comments, file names) and unrelated types in the same set do
 * not affect it, so the same schema loaded from .proto files or from a
 * descriptor set has the same fingerprint. 32 hex digits (128 bits of SHA-256).
 */
export function fingerprintOf(set: SchemaSet, typeName: string): string {
  let perSet = cache.get(set);
  if (!perSet) {
    perSet = new Map();
    cache.set(set, perSet);
  }
  let fingerprint = perSet.get(typeName);
  if (fingerprint === undefined) {
    fingerprint = createHash('sha256').update(canonicalForm(set, typeName)).digest('hex').slice(0, 32);
    perSet.set(typeName, fingerprint);
  }
  return fingerprint;
}

/** The message and enum types a message type depends on, itself included. */
function dependencyClosure(set: SchemaSet, typeName: string): { messages: string[]; enums: string[] } {
  const messages = new Set<string>();
  const enums = new Set<string>();
  const visit = (name: string): void => {
    if (messages.has(name)) return;
    messages.add(name);
    for (const field of set.messageOf({ kind: 'message', typeName: name }).fields) {
      if (field.type.kind === 'enum') enums.add(field.type.typeName);
      else if (field.type.kind === 'message' || field.type.kind === 'group') visit(field.type.typeName);
    }
  };
  visit(typeName);
  return { messages: [...messages].sort(), enums: [...enums].sort() };
}

function canonicalForm(set: SchemaSet, typeName: string): string {
  const { messages, enums } = dependencyClosure(set, typeName);
  const lines = [`root ${typeName}`];
  for (const name of messages) {
    lines.push(`message ${name}`);
    const fields = [...set.messageOf({ kind: 'message', typeName: name }).fields].sort((a, b) => a.number - b.number);
    for (const field of fields) lines.push(fieldLine(field));
  }
  for (const name of enums) {
    lines.push(`enum ${name}`);
    // By number; aliases of one number keep their declaration order, since the
    // first is the name JSON and Parquet write (the sort is stable).
    const values = [...set.enumOf({ kind: 'enum', typeName: name }).values].sort((a, b) => a.number - b.number);
    for (const value of values) lines.push(`  value ${value.number} ${value.name}`);
  }
  return lines.join('\n');
}

function fieldLine(field: FieldDef): string {
  return [
    '  field',
    field.number,
    field.name,
    field.jsonName,
    field.cardinality,
    field.mapKey ?? '-',
    typeLabel(field.type),
    field.required ? 'required' : '-',
    field.hasPresence ? 'presence' : '-',
    field.oneof ?? '-',
  ].join(' ');
}

function typeLabel(type: ValueType): string {
  return type.kind === 'scalar' ? type.scalar : `${type.kind}:${type.typeName}`;
}
