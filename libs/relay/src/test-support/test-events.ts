import { Kafka, type Admin, type Message } from 'kafkajs';

/** An event as the gateway writes it to the fronting Kafka (or the failover stream). */
export interface TestEvent {
  id: string;
  key: string | null;
  /** JSON with the id, the key and the event's position among its key's events. */
  value: string;
  headers: Record<string, string | string[]>;
  timestamp: number;
}

/**
 * Events are stamped an hour ago and later: recent enough that no broker's
 * time-based retention (7 days by default) deletes them, which it does at
 * once for records stamped long ago, e.g. when a restarted broker loads its log.
 */
const BASE_TIME = Date.now() - 60 * 60 * 1000;

/** The event id header, as the gateway sets it (libs/ingest's EVENT_ID_HEADER). */
export const ID_HEADER = 'eventpath-event-id';

/**
 * `count` events over `keys` keys (every 7th without a key), each with the
 * gateway's headers (event id, content type, ingest time) and a repeated
 * header, a distinct timestamp, and its rank among its key's events.
 */
export function testEvents(count: number, options: { prefix?: string; keys?: number; valueBytes?: number; from?: number } = {}): TestEvent[] {
  const { prefix = 'e', keys = 20, valueBytes = 120, from = 0 } = options;
  const ranks = new Map<string, number>();
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    const key = i % 7 === 6 ? null : `key-${i % keys}`;
    const rank = ranks.get(String(key)) ?? 0;
    ranks.set(String(key), rank + 1);
    const id = `${prefix}-${i}`;
    const timestamp = BASE_TIME + i;
    const body = JSON.stringify({ id, key, rank });
    return {
      id,
      key,
      value: body.padEnd(valueBytes, ' '),
      headers: { [ID_HEADER]: id, 'eventpath-content-type': 'application/json', 'eventpath-ingest-time': String(timestamp + 5), tag: ['first', 'second'] },
      timestamp,
    };
  });
}

export function toKafkaMessage(event: TestEvent): Message {
  return { key: event.key, value: event.value, headers: event.headers, timestamp: String(event.timestamp) };
}

/** The event as the gateway hands it to the failover stream, which keeps one value per header name (the last). */
export function toFailoverEvent(event: TestEvent): { id: string; key: string | null; value: string; headers: Record<string, string>; timestamp: number } {
  const headers = Object.fromEntries(Object.entries(event.headers).map(([name, value]) => [name, Array.isArray(value) ? value[value.length - 1] : value]));
  return { id: event.id, key: event.key, value: event.value, headers, timestamp: event.timestamp };
}

/** Writes the events to a topic with a plain kafkajs producer (acks=-1), as the gateway would. */
export async function produceEvents(kafka: Kafka, topic: string, events: TestEvent[], chunk = 500): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += chunk) {
      await producer.send({ topic, acks: -1, messages: events.slice(i, i + chunk).map(toKafkaMessage) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Records stored in a topic (sum of the partitions' high watermarks minus low watermarks). */
export async function topicSize(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** kafkajs settings that notice a dead broker in a second or two, as the tests need. */
export function quickKafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: 0,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}
