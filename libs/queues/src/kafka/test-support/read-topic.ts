import { randomUUID } from 'node:crypto';
import type { ConsumerConfig, Kafka } from 'kafkajs';
import { eventually } from '@eventpath/dev-infra';

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** Reads `count` messages of `topic` from the beginning with a plain kafkajs consumer of a fresh group. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  consumerConfig: (groupId: string) => ConsumerConfig,
  timeoutMs = 30_000,
): Promise<ReadMessage[]> {
  const consumer = kafka.consumer(consumerConfig(`read-${randomUUID()}`));
  const read: ReadMessage[] = [];
  const failures: unknown[] = [];
  // A crash kafkajs restarts from (e.g. the group coordinator still loading) is not a failure.
  consumer.on(consumer.events.CRASH, ({ payload }) => void (payload.restart ? undefined : failures.push(payload.error)));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        read.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
        });
      },
    });
    await eventually(
      () => {
        if (failures.length > 0) throw failures[0];
        return read.length >= count;
      },
      timeoutMs,
      `${count} messages of ${topic}`,
    );
  } finally {
    await consumer.disconnect();
  }
  return read;
}
