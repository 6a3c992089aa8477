import * as protobuf from 'protobufjs';
import { DecodeError } from '../errors';
import type { SchemaSnapshot } from '../registry/schema-snapshot';
import { loadFixtureSchemas, protobufjsFixtureRoot } from '../test-support/fixtures';
import { extremeScalars, maxScalars, sampleOrder } from '../test-support/sample-values';

describe('MessageSchema.decode', () => {
  let schemas: SchemaSnapshot;
  let reference: protobuf.Root;
  beforeAll(async () => {
    schemas = await loadFixtureSchemas();
    reference = protobufjsFixtureRoot();
  });

  const asReferenceObject = (typeName: string, bytes: Uint8Array) => {
    const type = reference.lookupType(typeName);
    return type.toObject(type.decode(bytes), { longs: String, enums: String, bytes: Array, defaults: false });
  };

  it.each([
    ['minimum values', extremeScalars()],
    ['maximum values', maxScalars()],
  ])('reads every scalar type at its %s exactly as protobufjs wrote it', (_, values) => {
    const type = reference.lookupType('eventpath.fixtures.Scalars');
    const written = type
      .encode(
        type.fromObject(
          Object.fromEntries(
            Object.entries(values).map(([key, value]) => [key, typeof value === 'bigint' ? value.toString() : value]),
          ),
        ),
      )
      .finish();
    expect(schemas.messageType('eventpath.fixtures.Scalars').decode(written)).toEqual(values);
  });

  it('writes bytes protobufjs reads back to the same values', () => {
    const schema = schemas.messageType('eventpath.fixtures.Scalars');
    const values = extremeScalars();
    const read = asReferenceObject('eventpath.fixtures.Scalars', schema.encode(values));
    for (const [key, value] of Object.entries(values)) {
      const expected = value instanceof Uint8Array ? [...value] : typeof value === 'bigint' ? value.toString() : value;
      expect([key, read[key]]).toEqual([key, expected]);
    }
  });

  it('round-trips a message with nested, repeated, map, oneof and well-known fields', () => {
    const schema = schemas.messageType('eventpath.fixtures.Order');
    const order = sampleOrder(3);
    expect(schema.decode(schema.encode(order))).toEqual(order);
    const read = asReferenceObject('eventpath.fixtures.Order', schema.encode(order));
    expect(read.items[0].discounts[0].units).toBe('-5000');
    expect(read.card.expiry_year).toBe(4294967295);
    expect(read.status_history).toEqual(['STATUS_PLACED', 'STATUS_PAID']);
  });

  it('gives absent fields their defaults, and leaves presence fields out', () => {
    const decoded = schemas.messageType('eventpath.fixtures.Order').decode(new Uint8Array(0));
    expect(decoded).toEqual({
      order_id: '',
      items: [],
      labels: new Map(),
      items_by_line: new Map(),
      status: 'STATUS_UNSPECIFIED',
      status_history: [],
      flags: new Map(),
      checkpoints: [],
      total_micros: 0n,
    });
    expect('customer' in decoded).toBe(false);
    expect(schemas.messageType('eventpath.fixtures.OptionalScalars').decode(new Uint8Array(0))).toEqual({});
  });

  it('reads packed and unpacked repeated scalars alike', () => {
    const schema = schemas.messageType('eventpath.fixtures.RepeatedScalars');
    const packed = protobuf.Writer.create().uint32((3 << 3) | 2).fork().int32(1).int32(-2).ldelim().finish();
    const unpacked = protobuf.Writer.create().uint32((3 << 3) | 0).int32(1).uint32((3 << 3) | 0).int32(-2).finish();
    expect(schema.decode(packed).f_int32).toEqual([1, -2]);
    expect(schema.decode(unpacked).f_int32).toEqual([1, -2]);
  });

  it('skips unknown fields, including groups', () => {
    const schema = schemas.messageType('eventpath.fixtures.Money');
    const bytes = protobuf.Writer.create()
      .uint32((99 << 3) | 2)
      .string('from a newer schema')
      .uint32((98 << 3) | 3)
      .uint32((1 << 3) | 0)
      .int32(5)
      .uint32((98 << 3) | 4)
      .uint32((1 << 3) | 2)
      .string('IDR')
      .finish();
    expect(schema.decode(bytes)).toEqual({ currency_code: 'IDR', units: 0n, nanos: 0 });
  });

  it('keeps the last oneof member and the last value of a repeated singular field', () => {
    const schema = schemas.messageType('eventpath.fixtures.Order');
    const bytes = protobuf.Writer.create()
      .uint32((8 << 3) | 2)
      .string('VOUCHER')
      .uint32((7 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string('1111')
      .ldelim()
      .uint32((1 << 3) | 2)
      .string('first')
      .uint32((1 << 3) | 2)
      .string('second')
      .finish();
    const decoded = schema.decode(bytes);
    expect(decoded.voucher_code).toBeUndefined();
    expect(decoded.card).toMatchObject({ last4: '1111' });
    expect(decoded.order_id).toBe('second');
  });

  it('merges a singular message field that occurs twice, as protobuf does', () => {
    const schema = schemas.messageType('eventpath.fixtures.Order');
    const part = (field: number, value: string) =>
      protobuf.Writer.create().uint32((2 << 3) | 2).fork().uint32((field << 3) | 2).string(value).ldelim().finish();
    const bytes = Buffer.concat([part(1, 'c-1'), part(2, 'Ana')]);
    expect(schema.decode(bytes).customer).toMatchObject({ customer_id: 'c-1', name: 'Ana' });
  });

  it('represents an enum value the schema does not know by its number', () => {
    const schema = schemas.messageType('eventpath.fixtures.Order');
    const bytes = protobuf.Writer.create().uint32((6 << 3) | 0).int32(42).finish();
    expect(schema.decode(bytes).status).toBe(42);
  });

  describe('on bad input, names the message type and the field path', () => {
    const decodeOrder = (bytes: Uint8Array) => () => schemas.messageType('eventpath.fixtures.Order').decode(bytes);

    it('truncated bytes', () => {
      const bytes = schemas.messageType('eventpath.fixtures.Order').encode(sampleOrder());
      let failures = 0;
      for (let length = 1; length < bytes.length; length++) {
        try {
          schemas.messageType('eventpath.fixtures.Order').decode(bytes.subarray(0, length));
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
          expect((err as DecodeError).messageType).toBe('eventpath.fixtures.Order');
          failures++;
        }
      }
      // A cut at a field boundary is a valid shorter message; every other cut must fail.
      expect(failures).toBeGreaterThan(bytes.length / 2);
      const cut = protobuf.Writer.create()
        .uint32((3 << 3) | 2)
        .fork()
        .uint32((3 << 3) | 1)
        .double(1)
        .ldelim()
        .uint32((3 << 3) | 2)
        .fork()
        .uint32((1 << 3) | 2)
        .string('x')
        .uint32((3 << 3) | 1)
        .double(2.5)
        .ldelim()
        .finish();
      expect(decodeOrder(cut.subarray(0, cut.length - 3))).toThrow(
        expect.objectContaining({ fieldPath: 'items[1]', message: expect.stringMatching(/^eventpath\.fixtures\.Order: items\[1\]: truncated/) }),
      );
    });

    it('a field running past its message', () => {
      // items[0] says 3 bytes long but its price field needs 9.
      const bytes = Buffer.from([(3 << 3) | 2, 3, (3 << 3) | 1, 0, 0, 0, 0, 0, 0, 0, 0]);
      expect(decodeOrder(bytes)).toThrow(expect.objectContaining({ fieldPath: 'items[0].price' }));
    });

    it('wrong wire type', () => {
      const bytes = protobuf.Writer.create()
        .uint32((3 << 3) | 2)
        .fork()
        .ldelim()
        .uint32((3 << 3) | 2)
        .fork()
        .uint32((3 << 3) | 2)
        .string('not a double')
        .ldelim()
        .finish();
      expect(decodeOrder(bytes)).toThrow(
        expect.objectContaining({
          fieldPath: 'items[1].price',
          reason: 'wrong wire type 2 (length-delimited), expected 1 (64-bit)',
        }),
      );
    });

    it('wrong wire type inside a map entry and in a nested map value', () => {
      const entry = protobuf.Writer.create()
        .uint32((5 << 3) | 2)
        .fork()
        .uint32((1 << 3) | 0)
        .int64(7)
        .uint32((2 << 3) | 2)
        .fork()
        .uint32((2 << 3) | 5)
        .fixed32(1)
        .ldelim()
        .ldelim()
        .finish();
      expect(decodeOrder(entry)).toThrow(expect.objectContaining({ fieldPath: 'items_by_line[0].quantity' }));
    });

    it('invalid wire types and field number 0', () => {
      expect(decodeOrder(protobuf.Writer.create().uint32((50 << 3) | 7).uint32(0).finish())).toThrow(
        expect.objectContaining({ fieldPath: '<unknown field 50>', reason: expect.stringMatching(/invalid wire type 7/) }),
      );
      expect(decodeOrder(protobuf.Writer.create().uint32((2 << 3) | 6).finish())).toThrow(
        expect.objectContaining({ fieldPath: 'customer', reason: expect.stringMatching(/wrong wire type 6/) }),
      );
      expect(decodeOrder(Buffer.from([0, 0]))).toThrow(/invalid field number 0/);
    });

    it('nesting deeper than 100 levels', () => {
      let bytes: Uint8Array = new Uint8Array(0);
      for (let level = 0; level < 120; level++) {
        bytes = protobuf.Writer.create().uint32((2 << 3) | 2).bytes(bytes).finish();
      }
      expect(() => schemas.messageType('eventpath.fixtures.TreeNode').decode(bytes)).toThrow(/nested more than 100 deep/);
    });

    it('a missing proto2 required field', () => {
      const bytes = protobuf.Writer.create().uint32((2 << 3) | 0).int32(1).finish();
      expect(() => schemas.messageType('eventpath.fixtures.legacy.LegacyEvent').decode(bytes)).toThrow(
        expect.objectContaining({ fieldPath: 'id', reason: 'required field is missing' }),
      );
    });

    it('not bytes at all', () => {
      expect(() => schemas.messageType('eventpath.fixtures.Order').decode('text' as unknown as Uint8Array)).toThrow(DecodeError);
    });
  });

  it('names an unknown message type', () => {
    expect(() => schemas.messageType('eventpath.fixtures.Nope')).toThrow('unknown message type eventpath.fixtures.Nope');
  });
});
