import { is64BitScalar, type MessageDef, type SchemaSet, type ValueType } from '../model/schema-model';
import type { DecodedMessage } from './decoder-compiler';

/** Shared by every empty bytes field: a zero-length array cannot be changed. */
export const EMPTY_BYTES = Object.freeze(new Uint8Array(0));

/** The value an implicit-presence field has when it is not on the wire. */
export function defaultValueOf(set: SchemaSet, type: ValueType): unknown {
  if (type.kind === 'enum') return set.enumOf(type).values.find((value) => value.number === 0)?.name ?? 0;
  if (type.kind !== 'scalar') return undefined;
  if (is64BitScalar(type.scalar)) return 0n;
  switch (type.scalar) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return EMPTY_BYTES;
    default:
      return 0;
  }
}

/** Whether a value equals the default of an implicit-presence field, so encoders leave it out. */
export function defaultTest(set: SchemaSet, type: ValueType): (value: unknown) => boolean {
  if (type.kind === 'enum') {
    const zeroName = set.enumOf(type).values.find((value) => value.number === 0)?.name;
    return (value) => value === 0 || (zeroName !== undefined && value === zeroName);
  }
  if (type.kind !== 'scalar') return () => false;
  if (is64BitScalar(type.scalar)) return (value) => value === 0n || value === 0 || value === '0';
  switch (type.scalar) {
    case 'double':
    case 'float':
      // -0 is kept: it differs from the default bit for bit.
      return (value) => value === 0 && !Object.is(value, -0);
    case 'bool':
      return (value) => value === false;
    case 'string':
      return (value) => value === '';
    case 'bytes':
      return (value) => value instanceof Uint8Array && value.length === 0;
    default:
      return (value) => value === 0;
  }
}

/** Makes messages with no field set, in the decoded representation (what decoding empty bytes gives). */
export function emptyMessageFactory(set: SchemaSet, message: MessageDef): () => DecodedMessage {
  const initial = message.fields
    .filter((field) => field.cardinality !== 'singular' || !field.hasPresence)
    .map((field) => ({ name: field.name, cardinality: field.cardinality, value: defaultValueOf(set, field.type) }));
  return () => {
    const result: DecodedMessage = {};
    for (const field of initial) {
      result[field.name] = field.cardinality === 'repeated' ? [] : field.cardinality === 'map' ? new Map() : field.value;
    }
    return result;
  };
}
