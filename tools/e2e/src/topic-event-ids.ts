import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

const EVENT_ID_HEADER = 'eventpath-event-id';

/** Event id → how many records of the topics carry it, read from the log start to the high watermarks of the moment. */
export async function topicEventIds(bootstrap: string, topics: readonly string[]): Promise<Map<string, number>> {
  const kafka = new Kafka({ brokers: bootstrap.split(','), clientId: 'e2e-reader', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, number>();
  try {
    for (const topic of topics) {
      for (const end of await admin.fetchTopicOffsets(topic)) {
        const count = Number(end.high) - Number(end.low);
        if (count > 0) remaining.set(`${topic}/${end.partition}`, Number(end.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const ids = new Map<string, number>();
  if (remaining.size === 0) return ids;
  const consumer = kafka.consumer({ groupId: `e2e-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            const id = message.headers?.[EVENT_ID_HEADER]?.toString() ?? '(no id)';
            ids.set(id, (ids.get(id) ?? 0) + 1);
            const key = `${topic}/${partition}`;
            if (Number(message.offset) + 1 >= (remaining.get(key) ?? Infinity)) remaining.delete(key);
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return ids;
}
