import type { DecodedMessage } from '../../codec/decoder-compiler';
import type { ParquetMappingOptions } from '../../registry/message-schema';
import { extremeScalars, maxScalars, sampleOrder } from '../../test-support/sample-values';
import type { RecordMetadata } from '../metadata-columns';

/** One fixture type of libs/schemas with the messages that exercise its Parquet mapping. */
export interface ParquetFixture {
  /** What the case is about, for test names. */
  name: string;
  messageType: string;
  options?: ParquetMappingOptions;
  messages: DecodedMessage[];
}

const zeros = (negative: boolean) => (negative ? -0 : 0);

/** google.protobuf.Timestamp at the ends of its range (0001-01-01 and 9999-12-31T23:59:59.999999999Z). */
export const TIMESTAMP_MIN = { seconds: -62135596800n, nanos: 0 };
export const TIMESTAMP_MAX = { seconds: 253402300799n, nanos: 999999999 };

/** An Order in one of several shapes: each oneof branch and none, fields unset, timestamps at their limits, unknown Any and enum numbers. */
export function orderVariant(index: number): DecodedMessage {
  const { card, ...withoutCard } = sampleOrder(index);
  switch (index % 6) {
    case 0:
      return { ...withoutCard, card };
    case 1:
      return { ...withoutCard, voucher_code: `V-${index}`, tip: undefined, attributes: undefined, status: 'STATUS_SHIPPED', created_at: TIMESTAMP_MIN };
    case 2:
      return { ...withoutCard, cash: {}, customer: undefined, items: [], labels: new Map(), checkpoints: [TIMESTAMP_MAX, TIMESTAMP_MIN], extension: undefined };
    case 3:
      return {
        ...withoutCard,
        status: 'STATUS_UNSPECIFIED',
        created_at: TIMESTAMP_MAX,
        gift: undefined,
        extension: { type_url: 'type.googleapis.com/eventpath.fixtures.Money', value: new Uint8Array([10, 3, 73, 68, 82, 16, 5]) },
      };
    case 4:
      return {
        ...withoutCard,
        status: 42,
        status_history: [1, 99, 'STATUS_PAID'],
        extension: { type_url: 'type.googleapis.com/x.Unknown', value: new Uint8Array([1, 2, 3]) },
        tip: { value: -0 },
        loyalty_points: { value: 9223372036854775807n },
      };
    default:
      return { order_id: '' };
  }
}

/** Every fixture type, with values at their limits, unset, mixed ±0, and every shape of nesting. */
export function parquetFixtures(): ParquetFixture[] {
  const scalars = extremeScalars();
  return [
    {
      name: 'every scalar at its limits, defaults and mixed ±0',
      messageType: 'eventpath.fixtures.Scalars',
      messages: [
        scalars,
        maxScalars(),
        {},
        ...Array.from({ length: 12 }, (_, i) => ({ ...scalars, f_double: zeros(i % 3 === 1), f_float: zeros(i % 2 === 0), f_string: i % 4 === 0 ? '' : `s${i}` })),
        { ...scalars, f_double: Number.NaN, f_float: Number.POSITIVE_INFINITY },
        { ...scalars, f_double: Number.NEGATIVE_INFINITY, f_float: Number.NaN },
      ],
    },
    {
      name: 'optional scalars set (also to their defaults) and unset',
      messageType: 'eventpath.fixtures.OptionalScalars',
      messages: [
        scalars,
        {},
        { f_double: -0, f_float: 0, f_int32: 0, f_int64: 0n, f_uint64: 0n, f_bool: false, f_string: '', f_bytes: new Uint8Array(0) },
        { f_double: 0, f_float: -0, f_uint32: 4294967295, f_fixed64: 18446744073709551615n, f_sint64: -9223372036854775808n },
      ],
    },
    {
      name: 'repeated scalars, packed and unpacked, with extremes and ±0',
      messageType: 'eventpath.fixtures.RepeatedScalars',
      messages: [
        Object.fromEntries([...Object.entries(scalars).map(([key, value]) => [key, [value, value]]), ['f_int32_unpacked', [1, -1, 2147483647]]]),
        {},
        { f_double: [0, -0, 0, -0, 1.5], f_float: [-0, -0, 0], f_string: ['', 'ü', 'a'], f_bytes: [new Uint8Array(0), new Uint8Array([255])], f_bool: [true, false, true] },
        { f_int64: [-9223372036854775808n, 9223372036854775807n, 0n, -1n], f_uint64: [18446744073709551615n, 0n], f_sint64: [-1n, 1n], f_fixed64: [1n], f_sfixed64: [-9223372036854775808n] },
      ],
    },
    {
      name: 'every wrapper, set, set to its default and unset',
      messageType: 'eventpath.fixtures.Wrapped',
      messages: [
        {
          double_value: { value: -1.5 },
          float_value: { value: Math.fround(3.25) },
          int64_value: { value: -9223372036854775808n },
          uint64_value: { value: 18446744073709551615n },
          int32_value: { value: -2147483648 },
          uint32_value: { value: 4294967295 },
          bool_value: { value: true },
          string_value: { value: 'wrapped ü' },
          bytes_value: { value: new Uint8Array([0, 1, 2]) },
        },
        {
          double_value: { value: -0 },
          float_value: { value: 0 },
          int64_value: { value: 0n },
          uint64_value: { value: 0n },
          int32_value: { value: 0 },
          uint32_value: { value: 0 },
          bool_value: { value: false },
          string_value: { value: '' },
          bytes_value: { value: new Uint8Array(0) },
        },
        {},
      ],
    },
    {
      name: 'nested messages, lists of groups, maps of every kind, oneofs, enums, timestamps at the ends of their range, wrappers, Struct, Any, Duration, FieldMask, Empty',
      messageType: 'eventpath.fixtures.Order',
      messages: Array.from({ length: 24 }, (_, index) => orderVariant(index)),
    },
    {
      name: 'direct recursion, the rest stored as JSON',
      messageType: 'eventpath.fixtures.TreeNode',
      messages: [tree(6), tree(1), { label: 'maps', children: [], named: new Map([['a', tree(4)], ['b', tree(1)]]) }],
    },
    {
      name: 'direct recursion cut with recursionFallback "error" (no data below the cut)',
      messageType: 'eventpath.fixtures.TreeNode',
      options: { recursionDepth: 3, recursionFallback: 'error' },
      messages: [tree(3), tree(1), { label: 'maps', children: [], named: new Map([['a', tree(2)]]) }],
    },
    {
      name: 'mutual recursion',
      messageType: 'eventpath.fixtures.Folder',
      options: { recursionDepth: 2 },
      messages: [
        { name: 'root', files: [{ name: 'a', link: { name: 'sub', files: [{ name: 'b', link: { name: 'deep', files: [{ name: 'c' }] } }] } }, { name: 'plain' }] },
        { name: 'empty', files: [] },
      ],
    },
    {
      name: 'proto2: required, optional with a declared default, closed enums, packed and unpacked, recursion',
      messageType: 'eventpath.fixtures.legacy.LegacyEvent',
      messages: [
        { id: 'e1', count: 3, kind: 'KIND_B', packed_values: [1, -2, 3], plain_values: [4, 5], parent: { id: 'p', kind: 7, packed_values: [], plain_values: [] } },
        { id: 'e2', packed_values: [], plain_values: [] },
      ],
    },
    {
      name: 'a message without metadata columns',
      messageType: 'eventpath.fixtures.Money',
      options: { metadataColumns: false },
      messages: [{ currency_code: 'IDR', units: -5000n, nanos: -500000000 }, {}],
    },
  ];
}

function tree(depth: number): DecodedMessage {
  return {
    label: `level-${depth} ✓`,
    children: depth > 1 ? [tree(depth - 1), { label: 'leaf', children: [], named: new Map() }] : [],
    named: depth > 2 ? new Map([['n', tree(depth - 2)]]) : new Map(),
  };
}

/** Record metadata for the i-th record: every partition parity, offsets beyond 2^53, null event ids. */
export function fixtureMetadata(index: number): RecordMetadata {
  return {
    topic: 'fixtures',
    partition: index % 3,
    offset: index % 2 === 0 ? String(9_007_199_254_740_993n + BigInt(index)) : 1_000 + index,
    timestamp: index % 4 === 0 ? new Date(1714564800000 + index) : String(1714564800000 + index),
    eventId: index % 5 === 0 ? null : `event-${index}`,
  };
}
