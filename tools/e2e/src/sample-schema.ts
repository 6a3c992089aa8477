import { join } from 'node:path';
import { loadSchemas, type MessageSchema } from '@eventpath/schemas';

/** The sample schema shipped with the archiver (apps/archiver/example/proto), the one the dev stack uses. */
export const SAMPLE_PROTO_DIRECTORY = join(__dirname, '..', '..', '..', 'apps', 'archiver', 'example', 'proto');

/** The topics the chaos run sends to, each with its message type and the field its event time is in. */
export const SAMPLE_TOPICS = [
  { topic: 'page-views', messageType: 'eventpath.example.PageViewed', timestamp: { field: 'event_time' } },
  { topic: 'orders', messageType: 'eventpath.example.OrderPlaced', timestamp: { field: 'placed_at_ms', unit: 'millis' } },
] as const;

export type SampleTopic = (typeof SAMPLE_TOPICS)[number]['topic'];

/** The protobuf JSON mapping of a sample event with this id, at event time `ms`. */
export function sampleEventJson(topic: SampleTopic, id: string, ms: number): Record<string, unknown> {
  if (topic === 'page-views') {
    return {
      eventId: id,
      eventTime: new Date(ms).toISOString(),
      url: `https://shop.example/p/${id}`,
      visitor: { userId: `u-${ms % 97}`, sessionId: `s-${id}`, country: 'ID' },
      tags: ['home', id.slice(-1)],
      attributes: { campaign: 'chaos', id },
      durationSeconds: 1.5,
      device: 'DEVICE_MOBILE',
    };
  }
  return {
    orderId: id,
    placedAtMs: String(ms),
    customerId: `c-${ms % 89}`,
    items: [
      { sku: 'sku-1', quantity: 2, unitPriceCents: '1250' },
      { sku: 'sku-2', quantity: 1, unitPriceCents: '500' },
    ],
    totalCents: '3000',
    currency: 'IDR',
  };
}

/** Encodes sample events in the schema's binary form, as a producer with the schema would. */
export class SampleEncoder {
  private constructor(private readonly types: Map<SampleTopic, MessageSchema>) {}

  static async load(): Promise<SampleEncoder> {
    const snapshot = await loadSchemas([{ kind: 'protoDirectory', name: 'sample', directory: SAMPLE_PROTO_DIRECTORY }]);
    return new SampleEncoder(new Map(SAMPLE_TOPICS.map((t) => [t.topic, snapshot.messageType(t.messageType)])));
  }

  encode(topic: SampleTopic, json: Record<string, unknown>): Uint8Array {
    const type = this.types.get(topic) as MessageSchema;
    return type.encode(type.fromJson(json));
  }
}
