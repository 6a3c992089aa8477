import { JsonMappingError } from '../errors';
import type { SchemaSnapshot } from '../registry/schema-snapshot';
import { loadFixtureSchemas } from '../test-support/fixtures';
import { sampleOrder } from '../test-support/sample-values';

describe('protobuf JSON mapping', () => {
  let schemas: SchemaSnapshot;
  beforeAll(async () => {
    schemas = await loadFixtureSchemas();
  });
  const order = () => schemas.messageType('eventpath.fixtures.Order');

  it('prints 64-bit integers as strings, enums by name, well-known types in their JSON forms', () => {
    const json = order().toJson(sampleOrder()) as Record<string, unknown>;
    expect(json).toMatchObject({
      orderId: 'order-0',
      status: 'STATUS_PAID',
      totalMicroUnits: '39980000',
      createdAt: '2024-05-01T12:00:00.123456Z',
      preparation: '90.500s',
      updatedFields: 'customer.address,orderId',
      tip: 0,
      note: 'leave at the door',
      loyaltyPoints: '-9223372036854775808',
      gift: true,
      attributes: { color: 'red', size: 42.5, fragile: true, nothing: null, tags: ['a', 1], nested: { k: 'v' } },
      itemsByLine: { '9223372036854775807': { sku: 'SKU-MAX' }, '-9223372036854775808': { sku: 'SKU-MIN' } },
      flags: { true: 1, false: -1 },
      checkpoints: ['1970-01-01T00:00:00Z', '1969-12-31T23:59:59.999999999Z'],
      card: { last4: '4242', expiryYear: 4294967295 },
      statusHistory: ['STATUS_PLACED', 'STATUS_PAID'],
    });
    expect((json.items as object[])[0]).toEqual({
      sku: 'SKU-1',
      quantity: 2,
      price: 19.99,
      discounts: [{ currencyCode: 'IDR', units: '-5000', nanos: -500000000 }],
      stockByStore: { 'jkt-1': 12, 'sby-2': 0 },
    });
    // Implicit fields at their default are left out.
    expect((json.items as object[])[1]).toEqual({ sku: 'SKU-2', quantity: 1, price: 0.5 });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('reads back what it prints', () => {
    const original = sampleOrder(5);
    expect(order().fromJson(order().toJson(original))).toEqual(original);
    expect(order().fromJson(JSON.parse(JSON.stringify(order().toJson(original, { fieldNames: 'proto' }))))).toEqual(original);
  });

  it('prints proto field names when asked and accepts both names on input', () => {
    expect(order().toJson({ order_id: 'x', total_micros: 5n }, { fieldNames: 'proto' })).toEqual({ order_id: 'x', total_micros: '5' });
    expect(order().fromJson({ order_id: 'a', totalMicroUnits: 7 })).toMatchObject({ order_id: 'a', total_micros: 7n });
    expect(() => order().fromJson({ order_id: 'a', orderId: 'b' })).toThrow(/given twice, as order_id and orderId/);
  });

  it('takes integers as numbers or strings, and refuses 64-bit numbers JSON parsing has rounded', () => {
    const scalars = schemas.messageType('eventpath.fixtures.Scalars');
    expect(scalars.fromJson({ fInt32: '-7', fInt64: 12, fUint64: '18446744073709551615' })).toMatchObject({
      f_int32: -7,
      f_int64: 12n,
      f_uint64: 18446744073709551615n,
    });
    expect(() => scalars.fromJson(JSON.parse('{"fInt64": 9007199254740993}'))).toThrow(/beyond 2\^53 .* send int64 values as strings/);
    expect(() => scalars.fromJson({ fInt32: 1.5 })).toThrow(expect.objectContaining({ fieldPath: 'fInt32' }));
    expect(() => scalars.fromJson({ fUint32: -1 })).toThrow(/outside the uint32 range/);
  });

  it('handles floats: special values as strings, floats printed at float precision', () => {
    const scalars = schemas.messageType('eventpath.fixtures.Scalars');
    const decoded = scalars.fromJson({ fDouble: 'NaN', fFloat: '-Infinity' });
    expect(decoded.f_double).toBeNaN();
    expect(decoded.f_float).toBe(-Infinity);
    expect(scalars.toJson(decoded)).toEqual({ fDouble: 'NaN', fFloat: '-Infinity' });
    expect(scalars.toJson({ f_float: Math.fround(0.1) })).toEqual({ fFloat: 0.1 });
  });

  it('takes bytes as standard or URL-safe base64, padded or not', () => {
    const scalars = schemas.messageType('eventpath.fixtures.Scalars');
    const expected = new Uint8Array([251, 255, 191]);
    expect(scalars.fromJson({ fBytes: '+/+/' }).f_bytes).toEqual(expected);
    expect(scalars.fromJson({ fBytes: '-_-_' }).f_bytes).toEqual(expected);
    expect(scalars.fromJson({ fBytes: 'AQI' }).f_bytes).toEqual(new Uint8Array([1, 2]));
    expect(scalars.toJson({ f_bytes: expected })).toEqual({ fBytes: '+/+/' });
    expect(() => scalars.fromJson({ fBytes: 'not base64!' })).toThrow(/expected base64/);
  });

  it('reads RFC 3339 timestamps with offsets and fractions, refusing impossible dates', () => {
    const at = (text: string) => order().fromJson({ createdAt: text }).created_at;
    expect(at('2024-05-01T14:00:00+02:00')).toEqual({ seconds: 1714564800n, nanos: 0 });
    expect(at('2024-05-01t12:00:00.5z')).toEqual({ seconds: 1714564800n, nanos: 500000000 });
    expect(at('0001-01-01T00:00:00Z')).toEqual({ seconds: -62135596800n, nanos: 0 });
    expect(() => at('2023-02-29T00:00:00Z')).toThrow(/not a valid date/);
    expect(() => at('2024-05-01 12:00:00')).toThrow(expect.objectContaining({ fieldPath: 'createdAt' }));
    expect(() => order().toJson({ created_at: { seconds: 253402300800n, nanos: 0 } })).toThrow(/outside 0001-01-01\.\.9999-12-31/);
  });

  it('reads and prints durations and field masks', () => {
    expect(order().fromJson({ preparation: '-1.000000001s' }).preparation).toEqual({ seconds: -1n, nanos: -1 });
    expect(order().toJson({ preparation: { seconds: 0n, nanos: -500000000 } })).toEqual({ preparation: '-0.500s' });
    expect(order().fromJson({ updatedFields: 'a.fooBar,baz' }).updated_fields).toEqual({ paths: ['a.foo_bar', 'baz'] });
  });

  it('rejects unknown fields with their path, or ignores them when told to', () => {
    const input = { orderId: 'a', items: [{ sku: 'x', colour: 'red' }] };
    expect(() => order().fromJson(input)).toThrow(JsonMappingError);
    expect(() => order().fromJson(input)).toThrow(expect.objectContaining({ fieldPath: 'items[0].colour' }));
    expect(order().fromJson(input, { unknownFields: 'ignore' }).items).toEqual([
      { sku: 'x', quantity: 0, price: 0, discounts: [], stock_by_store: new Map() },
    ]);
  });

  it('names the field path of a value of the wrong type', () => {
    const items = [{}, {}, {}, { sku: 'x', price: 'cheap' }];
    expect(() => order().fromJson({ items })).toThrow(
      'eventpath.fixtures.Order: items[3].price: expected a number (double), got the string "cheap"',
    );
    expect(() => order().fromJson({ labels: { env: 5 } })).toThrow(expect.objectContaining({ fieldPath: 'labels["env"]' }));
    expect(() => order().fromJson({ itemsByLine: { abc: {} } })).toThrow(/map key "abc" is not an integer/);
    expect(() => order().fromJson({ customer: [] })).toThrow(expect.objectContaining({ fieldPath: 'customer' }));
    expect(() => order().fromJson('text')).toThrow(/expected a JSON object/);
  });

  it('takes enums by name or number and refuses unknown names', () => {
    expect(order().fromJson({ status: 3 }).status).toBe('STATUS_SHIPPED');
    expect(order().fromJson({ status: 77 }).status).toBe(77);
    expect(() => order().fromJson({ status: 'SHIPPED' })).toThrow(/"SHIPPED" is not a value of enum/);
  });

  it('treats null as not set, except where it is a google.protobuf.Value', () => {
    expect(order().fromJson({ orderId: null, customer: null, items: null })).toEqual(order().decode(new Uint8Array(0)));
    expect(order().fromJson({ attributes: { gone: null } }).attributes).toEqual({
      fields: new Map([['gone', { null_value: 'NULL_VALUE' }]]),
    });
  });

  it('refuses two members of one oneof', () => {
    expect(() => order().fromJson({ voucherCode: 'V', cash: {} })).toThrow(/voucherCode and cash are both set, but they are in oneof payment/);
  });

  it('packs and unpacks google.protobuf.Any through the registry', () => {
    const packed = {
      extension: { '@type': 'type.googleapis.com/eventpath.fixtures.Money', currencyCode: 'IDR', units: '5' },
    };
    const decoded = order().fromJson(packed);
    const extension = decoded.extension as { type_url: string; value: Uint8Array };
    expect(schemas.messageType('eventpath.fixtures.Money').decode(extension.value)).toEqual({
      currency_code: 'IDR',
      units: 5n,
      nanos: 0,
    });
    expect(order().toJson(order().decode(order().encode(decoded)))).toEqual(packed);

    const wellKnown = { extension: { '@type': 'type.googleapis.com/google.protobuf.Timestamp', value: '2024-01-01T00:00:00Z' } };
    expect(order().toJson(order().fromJson(wellKnown))).toEqual(wellKnown);

    expect(() => order().fromJson({ extension: { '@type': 'type.googleapis.com/nope.Missing' } })).toThrow(
      expect.objectContaining({ fieldPath: 'extension', reason: expect.stringMatching(/registry does not know/) }),
    );
    expect(() =>
      order().fromJson({ extension: { '@type': 'type.googleapis.com/eventpath.fixtures.Money', units: 'many' } }),
    ).toThrow(expect.objectContaining({ fieldPath: 'extension.units' }));
  });
});
