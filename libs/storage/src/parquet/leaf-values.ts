import type { ParquetPrimitiveField } from './parquet-schema';

/** A value that does not fit its column; turned into ParquetRowError with the row's index. */
export class ValueProblem extends Error {
  constructor(
    readonly fieldPath: string,
    readonly reason: string,
  ) {
    super(`${fieldPath}: ${reason}`);
  }
}

/** Adds up an estimate of the uncompressed (plain-encoded) bytes of the values it sees. */
export interface ByteCounter {
  bytes: number;
}

/**
 * Turns a row value into the one form both writers take for its column, checking it:
 * BOOLEAN → boolean; INT32 (any bit width, signed or not) → number; INT64 → bigint;
 * TIMESTAMP → bigint in the column's unit; FLOAT/DOUBLE → number; STRING/ENUM/JSON →
 * string; other BYTE_ARRAY → Uint8Array. Integers may come as number or bigint when
 * exact; out-of-range values are refused rather than wrapped.
 */
export type LeafCoercer = (value: unknown, counter: ByteCounter) => unknown;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

export function leafCoercer(field: ParquetPrimitiveField, path: string): LeafCoercer {
  const fail = (reason: string, value: unknown): never => {
    throw new ValueProblem(path, `${reason}, got ${describe(value)}`);
  };
  const logical = field.logicalType;
  switch (field.physicalType) {
    case 'BOOLEAN':
      return (value, counter) => {
        if (typeof value !== 'boolean') fail('expected a boolean', value);
        counter.bytes += 1;
        return value;
      };
    case 'INT32': {
      const bits = logical?.type === 'INTEGER' ? logical.bitWidth : 32;
      const signed = logical?.type === 'INTEGER' ? logical.signed : true;
      const min = signed ? -(2 ** (bits - 1)) : 0;
      const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
      const what = signed ? `${bits === 8 ? 'an' : 'a'} ${bits}-bit integer` : `an unsigned ${bits}-bit integer`;
      return (value, counter) => {
        const n = typeof value === 'bigint' ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) fail(`expected ${what}`, value);
        counter.bytes += 4;
        return n;
      };
    }
    case 'INT64': {
      if (logical?.type === 'TIMESTAMP') return timestampCoercer(logical.unit, fail);
      const unsigned = logical?.type === 'INTEGER' && !logical.signed;
      const min = unsigned ? 0n : INT64_MIN;
      const max = unsigned ? UINT64_MAX : INT64_MAX;
      const what = unsigned ? 'an unsigned 64-bit integer' : 'a 64-bit integer';
      return (value, counter) => {
        let n: bigint;
        if (typeof value === 'bigint') n = value;
        else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
        else return fail(`expected ${what} (bigint, or a number within ±2^53)`, value);
        if (n < min || n > max) fail(`expected ${what}`, value);
        counter.bytes += 8;
        return n;
      };
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const size = field.physicalType === 'FLOAT' ? 4 : 8;
      return (value, counter) => {
        if (typeof value !== 'number') fail('expected a number', value);
        counter.bytes += size;
        return value;
      };
    }
    case 'BYTE_ARRAY':
      if (logical?.type === 'STRING' || logical?.type === 'ENUM' || logical?.type === 'JSON') {
        return (value, counter) => {
          if (typeof value !== 'string') fail('expected a string', value);
          counter.bytes += 4 + (value as string).length;
          return value;
        };
      }
      return (value, counter) => {
        if (!(value instanceof Uint8Array)) fail('expected a Uint8Array (or Buffer)', value);
        counter.bytes += 4 + (value as Uint8Array).length;
        return value;
      };
  }
}

/** A Date, or a bigint of microseconds since the epoch, to a bigint in the column's unit. */
function timestampCoercer(unit: 'MILLIS' | 'MICROS', fail: (reason: string, value: unknown) => never): LeafCoercer {
  const expected = 'expected a Date or a bigint of microseconds since the epoch';
  return (value, counter) => {
    counter.bytes += 8;
    if (value instanceof Date) {
      const millis = value.getTime();
      if (Number.isNaN(millis)) fail(expected, value);
      return unit === 'MILLIS' ? BigInt(millis) : BigInt(millis) * 1000n;
    }
    if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) return fail(expected, value);
    // Microseconds to milliseconds rounds toward negative infinity, as a Date would.
    if (unit === 'MICROS') return value;
    const millis = value / 1000n;
    return value < 0n && millis * 1000n !== value ? millis - 1n : millis;
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : (value.constructor?.name ?? 'an object');
  return `${typeof value} ${String(value)}`;
}
