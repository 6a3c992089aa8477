import { seededRandom } from '@eventpath/dev-infra';
import type { ParquetField, ParquetSchema } from '../parquet-schema';

/**
 * A typical archived event, ~20 top-level fields with nested and repeated ones: what the
 * benchmark and the size-estimate tests write. Rows are pseudo-random but deterministic.
 */
export const TYPICAL_EVENT_SCHEMA: ParquetSchema = {
  fields: [
    { kind: 'primitive', name: 'event_id', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
    { kind: 'primitive', name: 'event_type', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'ENUM' } },
    { kind: 'primitive', name: 'event_time', repetition: 'REQUIRED', physicalType: 'INT64', logicalType: { type: 'TIMESTAMP', unit: 'MICROS', isAdjustedToUTC: true } },
    { kind: 'primitive', name: 'ingest_time', repetition: 'REQUIRED', physicalType: 'INT64', logicalType: { type: 'TIMESTAMP', unit: 'MILLIS', isAdjustedToUTC: true } },
    { kind: 'primitive', name: 'kafka_topic', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
    { kind: 'primitive', name: 'kafka_partition', repetition: 'REQUIRED', physicalType: 'INT32' },
    { kind: 'primitive', name: 'kafka_offset', repetition: 'REQUIRED', physicalType: 'INT64' },
    {
      kind: 'group',
      name: 'producer',
      repetition: 'REQUIRED',
      fields: [
        { kind: 'primitive', name: 'app', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
        { kind: 'primitive', name: 'version', repetition: 'OPTIONAL', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
        { kind: 'primitive', name: 'host', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
      ],
    },
    { kind: 'primitive', name: 'user_id', repetition: 'OPTIONAL', physicalType: 'INT64', logicalType: { type: 'INTEGER', bitWidth: 64, signed: false } },
    { kind: 'primitive', name: 'session_id', repetition: 'OPTIONAL', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
    { kind: 'primitive', name: 'country', repetition: 'OPTIONAL', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
    {
      kind: 'group',
      name: 'device',
      repetition: 'OPTIONAL',
      fields: [
        { kind: 'primitive', name: 'os', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'ENUM' } },
        { kind: 'primitive', name: 'model', repetition: 'OPTIONAL', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
        { kind: 'primitive', name: 'screen_width', repetition: 'OPTIONAL', physicalType: 'INT32', logicalType: { type: 'INTEGER', bitWidth: 16, signed: false } },
      ],
    },
    { kind: 'primitive', name: 'amount', repetition: 'OPTIONAL', physicalType: 'DOUBLE' },
    { kind: 'primitive', name: 'currency', repetition: 'OPTIONAL', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
    {
      kind: 'list',
      name: 'items',
      repetition: 'OPTIONAL',
      element: {
        kind: 'group',
        name: 'element',
        repetition: 'REQUIRED',
        fields: [
          { kind: 'primitive', name: 'sku', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
          { kind: 'primitive', name: 'quantity', repetition: 'REQUIRED', physicalType: 'INT32' },
          { kind: 'primitive', name: 'unit_price', repetition: 'OPTIONAL', physicalType: 'DOUBLE' },
        ],
      },
    },
    {
      kind: 'list',
      name: 'tags',
      repetition: 'OPTIONAL',
      element: { kind: 'primitive', name: 'element', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
    },
    {
      kind: 'map',
      name: 'attributes',
      repetition: 'OPTIONAL',
      key: { kind: 'primitive', name: 'key', repetition: 'REQUIRED', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
      value: { kind: 'primitive', name: 'value', repetition: 'OPTIONAL', physicalType: 'BYTE_ARRAY', logicalType: { type: 'STRING' } },
    },
    { kind: 'primitive', name: 'is_test', repetition: 'REQUIRED', physicalType: 'BOOLEAN' },
    { kind: 'primitive', name: 'schema_version', repetition: 'REQUIRED', physicalType: 'INT32' },
    { kind: 'primitive', name: 'raw_payload', repetition: 'OPTIONAL', physicalType: 'BYTE_ARRAY' },
  ] satisfies ParquetField[],
};

const EVENT_TYPES = ['ORDER_CREATED', 'ORDER_PAID', 'ORDER_SHIPPED', 'PAGE_VIEW', 'CLICK', 'SEARCH'];
const APPS = ['checkout', 'catalog', 'search', 'mobile-ios', 'mobile-android'];
const COUNTRIES = ['ID', 'SG', 'VN', 'TH', 'PH', 'MY', null];
const OS = ['IOS', 'ANDROID', 'WEB'];
const CURRENCIES = ['IDR', 'SGD', 'VND', 'THB'];
const TAGS = ['promo', 'new-user', 'returning', 'mobile', 'beta', 'vip'];


export function* typicalEvents(count: number, seed = 1): Generator<Record<string, unknown>> {
  const next = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
  const baseMicros = 1_700_000_000_000_000n;
  for (let i = 0; i < count; i++) {
    const itemCount = Math.floor(next() * 4);
    const hex = (n: number) => Math.floor(next() * 16 ** n).toString(16).padStart(n, '0');
    yield {
      event_id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(6)}${hex(6)}`,
      event_type: pick(EVENT_TYPES),
      event_time: baseMicros + BigInt(i) * 1000n + BigInt(Math.floor(next() * 1000)),
      ingest_time: new Date(1_700_000_000_000 + i + 5),
      kafka_topic: 'events.orders',
      kafka_partition: i % 12,
      kafka_offset: BigInt(1_000_000 + i),
      producer: { app: pick(APPS), version: next() < 0.9 ? `1.${Math.floor(next() * 20)}.0` : null, host: `pod-${Math.floor(next() * 50)}` },
      user_id: next() < 0.8 ? BigInt(Math.floor(next() * 10_000_000)) : null,
      session_id: next() < 0.7 ? hex(16) : null,
      country: pick(COUNTRIES),
      device: next() < 0.85 ? { os: pick(OS), model: next() < 0.5 ? `model-${Math.floor(next() * 200)}` : null, screen_width: 320 + Math.floor(next() * 1600) } : null,
      amount: next() < 0.5 ? Math.round(next() * 1_000_000) / 100 : null,
      currency: next() < 0.5 ? pick(CURRENCIES) : null,
      items:
        itemCount === 0
          ? null
          : Array.from({ length: itemCount }, () => ({
              sku: `SKU-${Math.floor(next() * 100_000)}`,
              quantity: 1 + Math.floor(next() * 5),
              unit_price: next() < 0.95 ? Math.round(next() * 100_000) / 100 : null,
            })),
      tags: next() < 0.6 ? Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(TAGS)) : null,
      attributes: next() < 0.7 ? [{ key: 'ab_group', value: pick(['a', 'b']) }, { key: 'referrer', value: next() < 0.5 ? `https://example.com/${hex(6)}` : null }] : null,
      is_test: next() < 0.01,
      schema_version: 3,
      raw_payload: next() < 0.3 ? Buffer.from(hex(16), 'hex') : null,
    };
  }
}
