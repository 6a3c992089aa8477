import type { ScalarType } from '../model/schema-model';
import { ValueProblem } from './value-problem';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
export const FLOAT_MAX = 3.4028234663852886e38;

/**
 * Checks a value given for a scalar field in the decoded representation and
 * returns it normalised (64-bit integers as bigint). 64-bit fields also take
 * safe-integer numbers and decimal strings, since that is how callers often
 * hold them.
 */
export function checkScalar(scalar: ScalarType, value: unknown): unknown {
  switch (scalar) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return checkInteger(value, -2147483648, 2147483647, scalar);
    case 'uint32':
    case 'fixed32':
      return checkInteger(value, 0, 4294967295, scalar);
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return checkBigInt(value, INT64_MIN, INT64_MAX, scalar);
    case 'uint64':
    case 'fixed64':
      return checkBigInt(value, 0n, UINT64_MAX, scalar);
    case 'float':
      if (typeof value !== 'number') throw expected('a number (float)', value);
      if (Number.isFinite(value) && Math.abs(value) > FLOAT_MAX) {
        throw new ValueProblem(`${value} is outside the float range`);
      }
      return value;
    case 'double':
      if (typeof value !== 'number') throw expected('a number (double)', value);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw expected('a boolean', value);
      return value;
    case 'string':
      if (typeof value !== 'string') throw expected('a string', value);
      return value;
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw expected('a Uint8Array (bytes)', value);
      return value;
  }
}

function checkInteger(value: unknown, min: number, max: number, scalar: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw expected(`an integer (${scalar})`, value);
  if (value < min || value > max) throw new ValueProblem(`${value} is outside the ${scalar} range [${min}, ${max}]`);
  return value;
}

function checkBigInt(value: unknown, min: bigint, max: bigint, scalar: string): bigint {
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value)) big = BigInt(value);
  else throw expected(`a bigint, safe integer or decimal string (${scalar})`, value);
  if (big < min || big > max) throw new ValueProblem(`${big} is outside the ${scalar} range [${min}, ${max}]`);
  return big;
}

export function expected(what: string, value: unknown): ValueProblem {
  return new ValueProblem(`expected ${what}, got ${describeValue(value)}`);
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Map) return 'a Map';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'undefined':
      return 'undefined';
    default:
      return `an ${typeof value}`;
  }
}
