import { join } from 'node:path';
import { loadSchemas, type MessageSchema } from '@eventpath/schemas';

/** The sample schema the example config and the dev stack use. */
export const EXAMPLE_PROTO_DIRECTORY = join(__dirname, '..', '..', 'example', 'proto');
export const PAGE_VIEWED = 'eventpath.example.PageViewed';
export const ORDER_PLACED = 'eventpath.example.OrderPlaced';

export async function exampleTypes(): Promise<{ pageViewed: MessageSchema; orderPlaced: MessageSchema }> {
  const snapshot = await loadSchemas([{ kind: 'protoDirectory', name: 'example', directory: EXAMPLE_PROTO_DIRECTORY }]);
  return { pageViewed: snapshot.messageType(PAGE_VIEWED), orderPlaced: snapshot.messageType(ORDER_PLACED) };
}

/** A PageViewed at event time `ms`. */
export function pageViewed(id: string, ms: number): Record<string, unknown> {
  return {
    event_id: id,
    event_time: { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 },
    url: `https://shop.example/p/${id}`,
    visitor: { user_id: `u-${id.length % 7}`, session_id: `s-${id}`, country: 'ID' },
    tags: ['home', id.slice(-1)],
    attributes: new Map([
      ['campaign', 'spring'],
      ['id', id],
    ]),
    duration_seconds: 2.5,
    device: 'DEVICE_MOBILE',
  };
}

/** An OrderPlaced placed at `ms` (int64 epoch milliseconds). */
export function orderPlaced(id: string, ms: number): Record<string, unknown> {
  return {
    order_id: id,
    placed_at_ms: BigInt(ms),
    customer_id: `c-${id}`,
    items: [
      { sku: 'sku-1', quantity: 2, unit_price_cents: 1250n },
      { sku: 'sku-2', quantity: 1, unit_price_cents: 500n },
    ],
    total_cents: 3000n,
    currency: 'IDR',
  };
}
