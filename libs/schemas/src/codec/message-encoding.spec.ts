import { EncodeError } from '../errors';
import type { SchemaSnapshot } from '../registry/schema-snapshot';
import { loadFixtureSchemas } from '../test-support/fixtures';
import { sampleOrder } from '../test-support/sample-values';

describe('MessageSchema.encode', () => {
  let schemas: SchemaSnapshot;
  beforeAll(async () => {
    schemas = await loadFixtureSchemas();
  });
  const encodeOrder = (order: Record<string, unknown>) => () => schemas.messageType('eventpath.fixtures.Order').encode(order);

  it('names the field path of a value of the wrong type', () => {
    const order = sampleOrder();
    const items = [...(order.items as object[]), {}, {}, { sku: 'x', price: '9.99' }];
    expect(encodeOrder({ ...order, items })).toThrow(EncodeError);
    expect(encodeOrder({ ...order, items })).toThrow(
      'eventpath.fixtures.Order: items[4].price: expected a number (double), got the string "9.99"',
    );
    expect(encodeOrder({ labels: new Map([['k', 5]]) })).toThrow(expect.objectContaining({ fieldPath: 'labels["k"]' }));
    expect(encodeOrder({ customer: { address: { city: 7 } } })).toThrow(expect.objectContaining({ fieldPath: 'customer.address.city' }));
  });

  it('checks integer ranges and accepts 64-bit values as bigint, safe number or decimal string', () => {
    const schema = schemas.messageType('eventpath.fixtures.Scalars');
    expect(() => schema.encode({ f_int32: 2147483648 })).toThrow(/outside the int32 range/);
    expect(() => schema.encode({ f_uint32: -1 })).toThrow(/outside the uint32 range/);
    expect(() => schema.encode({ f_uint64: -1n })).toThrow(/outside the uint64 range/);
    expect(() => schema.encode({ f_int64: 2 ** 60 })).toThrow(/bigint, safe integer or decimal string/);
    expect(() => schema.encode({ f_float: 1e39 })).toThrow(/outside the float range/);
    for (const value of [-42n, -42, '-42']) {
      expect(schema.decode(schema.encode({ f_int64: value })).f_int64).toBe(-42n);
    }
  });

  it('rejects unknown properties by default and leaves them out when told to', () => {
    const schema = schemas.messageType('eventpath.fixtures.Money');
    expect(() => schema.encode({ units: 1n, cents: 5 })).toThrow(expect.objectContaining({ fieldPath: 'cents', reason: 'unknown field' }));
    expect(schema.decode(schema.encode({ units: 1n, cents: 5 }, { unknownFields: 'ignore' }))).toEqual({
      currency_code: '',
      units: 1n,
      nanos: 0,
    });
  });

  it('refuses two members of one oneof', () => {
    expect(encodeOrder({ voucher_code: 'V', card: { last4: '1' } })).toThrow(/only one of card, voucher_code may be set/);
  });

  it('refuses a missing proto2 required field', () => {
    expect(() => schemas.messageType('eventpath.fixtures.legacy.LegacyEvent').encode({ count: 1 })).toThrow(
      expect.objectContaining({ fieldPath: 'id', reason: 'required field is missing' }),
    );
  });

  it('leaves implicit fields at their default out, and writes presence fields even at their default', () => {
    const scalars = schemas.messageType('eventpath.fixtures.Scalars');
    expect(scalars.encode(scalars.decode(new Uint8Array(0)))).toHaveLength(0);
    const optional = schemas.messageType('eventpath.fixtures.OptionalScalars');
    const zeros = { f_int32: 0, f_string: '', f_bool: false, f_int64: 0n };
    expect(optional.encode(zeros).length).toBeGreaterThan(0);
    expect(optional.decode(optional.encode(zeros))).toEqual(zeros);
  });

  it('takes maps as Map or as an object keyed by the keys\u2019 string forms', () => {
    const schema = schemas.messageType('eventpath.fixtures.Order');
    const fromObject = schema.decode(schema.encode({ flags: { true: 1, false: 2 }, items_by_line: { '-5': { sku: 'a' } } }));
    expect(fromObject.flags).toEqual(new Map([[true, 1], [false, 2]]));
    expect((fromObject.items_by_line as Map<bigint, { sku: string }>).get(-5n)?.sku).toBe('a');
    expect(() => schema.encode({ flags: { yes: 1 } })).toThrow(/map key "yes" is not true or false/);
  });

  it('takes enum values by name or number', () => {
    const schema = schemas.messageType('eventpath.fixtures.Order');
    expect(schema.decode(schema.encode({ status: 2 })).status).toBe('STATUS_PAID');
    expect(() => schema.encode({ status: 'PAID' })).toThrow('"PAID" is not a value of enum eventpath.fixtures.Order.Status');
  });
});
