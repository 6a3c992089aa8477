import type { DecodedMessage } from '../codec/decoder-compiler';

/** Every scalar at or near its limits, in the decoded representation (eventpath.fixtures.Scalars). */
export function extremeScalars(): DecodedMessage {
  return {
    f_double: -1.7976931348623157e308,
    f_float: Math.fround(-3.4028234663852886e38),
    f_int32: -2147483648,
    f_int64: -9223372036854775808n,
    f_uint32: 4294967295,
    f_uint64: 18446744073709551615n,
    f_sint32: -2147483648,
    f_sint64: -9223372036854775808n,
    f_fixed32: 4294967295,
    f_fixed64: 18446744073709551615n,
    f_sfixed32: -2147483648,
    f_sfixed64: -9223372036854775808n,
    f_bool: true,
    f_string: 'héllo ✓ 😀 — a string long enough to leave the short-string path',
    f_bytes: new Uint8Array([0, 255, 1, 128]),
  };
}

export function maxScalars(): DecodedMessage {
  return {
    ...extremeScalars(),
    f_double: Number.MIN_VALUE,
    f_float: Math.fround(1.1),
    f_int32: 2147483647,
    f_int64: 9223372036854775807n,
    f_sint32: 2147483647,
    f_sint64: 9223372036854775807n,
    f_sfixed32: 2147483647,
    f_sfixed64: 9223372036854775807n,
    f_string: 'ascii',
  };
}

/** A full eventpath.fixtures.Order: every field set, oneof on `card`. */
export function sampleOrder(index = 0): DecodedMessage {
  return {
    order_id: `order-${index}`,
    customer: {
      customer_id: `c-${index % 7}`,
      name: 'Ana Lima',
      address: { street: 'Jl. Sudirman 1', city: 'Jakarta', country_code: 'ID' },
      phone_numbers: ['+62 21 555 0100', '+62 811 000'],
    },
    items: [
      {
        sku: 'SKU-1',
        quantity: 2,
        price: 19.99,
        discounts: [{ currency_code: 'IDR', units: -5000n, nanos: -500000000 }],
        stock_by_store: new Map([
          ['jkt-1', { value: 12 }],
          ['sby-2', { value: 0 }],
        ]),
      },
      { sku: 'SKU-2', quantity: 1, price: 0.5, discounts: [], stock_by_store: new Map() },
    ],
    labels: new Map([
      ['channel', 'app'],
      ['ünïcode', 'värde'],
    ]),
    items_by_line: new Map([
      [9223372036854775807n, { sku: 'SKU-MAX', quantity: 1, price: 1, discounts: [], stock_by_store: new Map() }],
      [-9223372036854775808n, { sku: 'SKU-MIN', quantity: 3, price: 2, discounts: [], stock_by_store: new Map() }],
    ]),
    status: 'STATUS_PAID',
    card: { last4: '4242', network: 'visa', expiry_month: 12, expiry_year: 4294967295 },
    created_at: { seconds: 1714564800n + BigInt(index), nanos: 123456000 },
    tip: { value: 0 },
    note: { value: 'leave at the door' },
    loyalty_points: { value: -9223372036854775808n },
    gift: { value: true },
    attributes: {
      fields: new Map<string, DecodedMessage>([
        ['color', { string_value: 'red' }],
        ['size', { number_value: 42.5 }],
        ['fragile', { bool_value: true }],
        ['nothing', { null_value: 'NULL_VALUE' }],
        ['tags', { list_value: { values: [{ string_value: 'a' }, { number_value: 1 }] } }],
        ['nested', { struct_value: { fields: new Map([['k', { string_value: 'v' }]]) } }],
      ]),
    },
    preparation: { seconds: 90n, nanos: 500000000 },
    updated_fields: { paths: ['customer.address', 'order_id'] },
    status_history: ['STATUS_PLACED', 'STATUS_PAID'],
    flags: new Map([
      [true, 1],
      [false, -1],
    ]),
    checkpoints: [
      { seconds: 0n, nanos: 0 },
      { seconds: -1n, nanos: 999999999 },
    ],
    total_micros: 39980000n,
    total: { currency_code: 'IDR', units: 39n, nanos: 980000000 },
  };
}
