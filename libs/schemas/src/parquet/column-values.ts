import type { Int64ColumnBuilder } from '@eventpath/storage';
import { checkScalar, describeValue } from '../codec/scalar-values';
import { indexSegment, keySegment, ValueProblem } from '../codec/value-problem';
import type { ScalarType } from '../model/schema-model';
import { RecursionCutProblem } from './mapping-plan';
import type { RecordMetadata } from './metadata-columns';
import { metadataValues } from './metadata-values';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** Seconds whose microseconds are still a safe integer. */
const MAX_SAFE_SECONDS = 9_000_000_000;
const MAX_SAFE_MILLIS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/**
 * Values as the column converters append them (called from generated code): checked as
 * the row path's writers check them, 64-bit integers and timestamps without making a
 * bigint where a safe integer holds them.
 */
export const columnValues = {
  /** A scalar of the decoded representation, checked and normalised (64-bit integers as bigint); throws ValueProblem. */
  check(scalar: ScalarType, value: unknown): unknown {
    return checkScalar(scalar, value);
  },

  int64(column: Int64ColumnBuilder, value: unknown, unsigned: boolean): void {
    if (typeof value === 'bigint' && value >= (unsigned ? 0n : INT64_MIN) && value <= (unsigned ? UINT64_MAX : INT64_MAX)) column.append(value);
    else if (typeof value === 'number' && Number.isSafeInteger(value) && (!unsigned || value >= 0)) column.appendSafeInteger(value);
    else column.append(checkScalar(unsigned ? 'uint64' : 'int64', value) as bigint);
  },

  /** A google.protobuf.Timestamp (decoded) as microseconds; nanoseconds below a microsecond are dropped. */
  timestamp(column: Int64ColumnBuilder, timestamp: unknown): void {
    if (typeof timestamp !== 'object' || timestamp === null) throw new ValueProblem(`expected a google.protobuf.Timestamp, got ${describeValue(timestamp)}`);
    const { seconds = 0, nanos = 0 } = timestamp as { seconds?: unknown; nanos?: unknown };
    if ((typeof seconds !== 'bigint' && typeof seconds !== 'number') || typeof nanos !== 'number' || !Number.isInteger(nanos)) {
      throw new ValueProblem(`expected a google.protobuf.Timestamp with integer seconds and nanos, got seconds ${describeValue(seconds)}, nanos ${describeValue(nanos)}`);
    }
    columnValues.micros(column, seconds, nanos);
  },

  /** `seconds` × 10^6 + ⌊nanos / 1000⌋, as the row path computes it. */
  micros(column: Int64ColumnBuilder, seconds: bigint | number, nanos: number): void {
    const whole = Number(seconds);
    if (Math.abs(whole) < MAX_SAFE_SECONDS && Number.isInteger(whole)) {
      column.appendSafeInteger(whole * 1_000_000 + Math.floor(nanos / 1000));
      return;
    }
    const micros = BigInt(seconds) * 1_000_000n + BigInt(Math.floor(nanos / 1000));
    if (micros < INT64_MIN || micros > INT64_MAX) throw new ValueProblem(`timestamp ${seconds}s ${nanos}ns is outside the range of TIMESTAMP(MICROS)`);
    column.append(micros);
  },

  enumName(value: unknown): string {
    return typeof value === 'string' ? value : String(value);
  },

  notMessage(value: unknown): ValueProblem {
    return new ValueProblem(`expected a message (an object), got ${describeValue(value)}`);
  },

  notList(value: unknown): ValueProblem {
    return new ValueProblem(`expected an array for a repeated field, got ${describeValue(value)}`);
  },

  required(): ValueProblem {
    return new ValueProblem('a value is required');
  },

  /** Adds a path segment to an error on its way out of a field, element or entry. */
  at(error: unknown, segment: string): ValueProblem {
    if (error instanceof RecursionCutProblem) return error;
    return ValueProblem.from(error).within(segment);
  },

  index(error: unknown, index: number): ValueProblem {
    return columnValues.at(error, indexSegment(index));
  },

  key(error: unknown, key: unknown): ValueProblem {
    return columnValues.at(error, keySegment(key));
  },

  // The metadata columns, after the message's own.

  partition(meta: RecordMetadata): number {
    const partition = metadataValues.partition(meta);
    if ((partition | 0) !== partition) throw new ValueProblem(`metadata partition: ${partition} is not a 32-bit integer`);
    return partition;
  },

  offset(column: Int64ColumnBuilder, meta: RecordMetadata): void {
    const offset = meta.offset;
    // kafkajs gives decimal strings; most fit a safe integer.
    if (typeof offset === 'string' && offset.length < 16 && DECIMAL.test(offset)) column.appendSafeInteger(Number(offset));
    else if (typeof offset === 'number' && Number.isSafeInteger(offset)) column.appendSafeInteger(offset);
    else {
      const big = metadataValues.offset(meta);
      if (big < INT64_MIN || big > INT64_MAX) throw new ValueProblem(`metadata offset: ${big} is outside the 64-bit range`);
      column.append(big);
    }
  },

  kafkaTimestamp(column: Int64ColumnBuilder, meta: RecordMetadata): void {
    const millis = metadataValues.timestampMillis(meta);
    if (Math.abs(millis) <= MAX_SAFE_MILLIS) {
      column.appendSafeInteger(millis * 1000);
      return;
    }
    const micros = BigInt(millis) * 1000n;
    if (micros < INT64_MIN || micros > INT64_MAX) throw new ValueProblem(`metadata timestamp: ${millis} ms is outside the range of TIMESTAMP(MICROS)`);
    column.append(micros);
  },

  eventId(meta: RecordMetadata): string | null {
    const id = meta.eventId ?? null;
    if (id !== null && typeof id !== 'string') throw new ValueProblem(`metadata eventId: expected a string, got ${describeValue(id)}`);
    return id;
  },
};

const DECIMAL = /^-?\d+$/;
