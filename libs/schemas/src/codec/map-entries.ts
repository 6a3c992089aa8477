import { is64BitScalar, type ScalarType } from '../model/schema-model';
import { expected } from './scalar-values';
import { keySegment, ValueProblem } from './value-problem';

/**
 * The entries of a map field. Decoded messages hold maps as `Map` with typed
 * keys; a plain object keyed by the keys' string forms is accepted too.
 */
export function mapEntries(value: unknown, keyType: ScalarType): Iterable<[unknown, unknown]> {
  if (value instanceof Map) return value.entries();
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw expected('a Map or an object', value);
  }
  return Object.entries(value as Record<string, unknown>).map(([key, entryValue]) => [
    mapKeyFromString(key, keyType),
    entryValue,
  ]);
}

/** A map key from its JSON (string) form. */
export function mapKeyFromString(key: string, keyType: ScalarType): unknown {
  if (keyType === 'string') return key;
  if (keyType === 'bool') {
    if (key === 'true') return true;
    if (key === 'false') return false;
    throw new ValueProblem(`map key ${JSON.stringify(key)} is not true or false`).within(keySegment(key));
  }
  if (!/^-?\d+$/.test(key)) {
    throw new ValueProblem(`map key ${JSON.stringify(key)} is not an integer`).within(keySegment(key));
  }
  return is64BitScalar(keyType) ? BigInt(key) : Number(key);
}
