import { ORDER_PLACED, PAGE_VIEWED } from './sample-schema';

/** One event to post: its id and key, and its value in the protobuf JSON form of `messageType`. */
export interface SampleEvent {
  id: string;
  key: string;
  messageType: string;
  value: Record<string, unknown>;
}

const PATHS = ['/', '/search?q=shoes', '/p/4211', '/p/981', '/cart', '/checkout', '/account/orders', '/help/returns'];
const COUNTRIES = ['ID', 'SG', 'MY', 'TH', 'VN', 'PH', 'IN', 'DE', 'US'];
const TAGS = ['promo', 'returning', 'new', 'mobile-web', 'campaign-42', 'ab-test'];
const DEVICES = ['DEVICE_DESKTOP', 'DEVICE_MOBILE', 'DEVICE_UNSPECIFIED'];
const SKUS = ['SKU-1001', 'SKU-1002', 'SKU-2040', 'SKU-3300', 'SKU-4711', 'SKU-5000'];
const CURRENCIES = ['IDR', 'SGD', 'EUR', 'USD'];

const pick = <T>(random: () => number, values: readonly T[]): T => values[Math.floor(random() * values.length)];
const between = (random: () => number, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

/**
 * A realistic event of the sample schema: a page view (nested visitor,
 * repeated tags, a map, an enum, a Timestamp) or an order (line items,
 * epoch milliseconds). Values follow `random`, so a seed repeats a run.
 */
export function sampleEvent(messageType: string, id: string, nowMs: number, random: () => number): SampleEvent {
  if (messageType === ORDER_PLACED) return sampleOrder(id, nowMs, random);
  if (messageType !== PAGE_VIEWED) throw new Error(`no sample events for ${messageType}: use ${PAGE_VIEWED} or ${ORDER_PLACED}`);
  const userId = `u-${between(random, 1, 5000)}`;
  const tags = TAGS.filter(() => random() < 0.25);
  return {
    id,
    key: userId,
    messageType,
    value: {
      eventId: id,
      eventTime: new Date(nowMs - between(random, 0, 2000)).toISOString(),
      url: `https://shop.example${pick(random, PATHS)}`,
      visitor: { userId, sessionId: `s-${between(random, 1, 50_000)}`, country: pick(random, COUNTRIES) },
      tags,
      attributes: { ab: random() < 0.5 ? 'a' : 'b', referrer: pick(random, ['direct', 'search', 'email', 'social']) },
      durationSeconds: Math.round(-Math.log(1 - random()) * 8000) / 1000,
      device: pick(random, DEVICES),
    },
  };
}

function sampleOrder(id: string, nowMs: number, random: () => number): SampleEvent {
  const customerId = `c-${between(random, 1, 2000)}`;
  const items = Array.from({ length: between(random, 1, 4) }, () => ({
    sku: pick(random, SKUS),
    quantity: between(random, 1, 3),
    unitPriceCents: between(random, 99, 25_000),
  }));
  return {
    id,
    key: customerId,
    messageType: ORDER_PLACED,
    value: {
      orderId: id,
      placedAtMs: String(nowMs),
      customerId,
      items,
      totalCents: String(items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0)),
      currency: pick(random, CURRENCIES),
    },
  };
}
