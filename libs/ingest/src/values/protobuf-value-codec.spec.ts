import type { MessageSchema } from '@eventpath/schemas';
import { shopOrderSchema } from '../test-support/shop-schema';
import { protobufValueCodec } from './protobuf-value-codec';
import { TopicValueCodecs } from './topic-value-codecs';
import { ValueError } from './value-codec';

describe('protobufValueCodec', () => {
  let order: MessageSchema;
  beforeAll(async () => {
    order = await shopOrderSchema();
  });

  it('converts protobuf-JSON to the binary form and checks binary values by decoding them', () => {
    const codec = protobufValueCodec(order);
    const { value: bytes, contentType } = codec.fromJson({ orderId: 'o-1', totalCents: '1250', items: [{ sku: 'a', price: 1.5 }] });
    expect(contentType).toBe('application/x-protobuf; messageType=shop.Order');
    expect(order.toJson(order.decode(bytes as Buffer))).toEqual({ orderId: 'o-1', totalCents: '1250', items: [{ sku: 'a', price: 1.5 }] });
    expect(codec.fromBytes(bytes as Buffer).value).toBe(bytes);
  });

  it('names the field path of a value that does not fit', () => {
    const codec = protobufValueCodec(order);
    const error = (() => {
      try {
        codec.fromJson({ items: [{ sku: 'a' }, { price: 'cheap' }] });
      } catch (e) {
        return e as ValueError;
      }
      throw new Error('expected a ValueError');
    })();
    expect(error).toBeInstanceOf(ValueError);
    expect(error.field).toBe('items[1].price');
    expect(error.message).toMatch(/^shop\.Order: /);
    expect(() => codec.fromJson({ orderID: 'typo' })).toThrow(ValueError);
    expect(() => codec.fromBytes(Buffer.from([0x0a, 0x05, 0x61]))).toThrow(ValueError);
  });
});

describe('TopicValueCodecs', () => {
  it('uses the topic’s current schema, and plain JSON for topics without one', async () => {
    const order = await shopOrderSchema();
    let lookups = 0;
    const codecs = new TopicValueCodecs(new Set(['orders']), { messageTypeForTopic: () => (lookups++, order) });
    expect(codecs.hasSchema('orders')).toBe(true);
    expect(codecs.codecFor('orders').messageType).toBe('shop.Order');
    expect(codecs.codecFor('orders')).toBe(codecs.codecFor('orders'));
    expect(lookups).toBe(3);
    expect(codecs.codecFor('clicks').fromJson({ a: 1 }).value).toBe('{"a":1}');
    expect(() => new TopicValueCodecs(new Set(['orders']))).toThrow(/need a schema registry/);
  });
});
