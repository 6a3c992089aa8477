import type { Kafka } from 'kafkajs';
import { devKafkaConsumerConfig } from '../kafka-test-settings';

export interface ConsumedMessage {
  partition: number;
  offset: string;
  key: string | undefined;
  value: string | undefined;
  headers: Record<string, string>;
}

/** Reads `count` messages of `topic` from the beginning with a fresh consumer group, then disconnects. */
export async function consumeMessages(
  kafka: Kafka,
  topic: string,
  count: number,
  groupId: string,
  timeoutMs = 15_000,
): Promise<ConsumedMessage[]> {
  const consumer = kafka.consumer(devKafkaConsumerConfig(groupId));
  const received: ConsumedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`received ${received.length} of ${count} messages of ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.push({
            partition,
            offset: message.offset,
            key: message.key?.toString(),
            value: message.value?.toString(),
            headers: Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
            ),
          });
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}
