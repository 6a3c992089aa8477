import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from '../dead-letters/kafka-dead-letter-writer';
import { OffsetRuns } from '../offsets/offset-runs';

/**
 * The origin offsets of `topic`'s records in a Kafka dead-letter topic, per
 * partition: read from the dead-letter headers of every record up to the
 * dead-letter topic's high watermarks, with a throwaway consumer group that
 * commits nothing.
 */
export async function kafkaDeadLetterOffsets(kafka: Kafka, deadLetterTopic: string, topic: string, timeoutMs = 60_000): Promise<Map<number, OffsetRuns>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, number>();
  try {
    for (const w of await admin.fetchTopicOffsets(deadLetterTopic)) if (Number(w.high) > Number(w.low)) ends.set(w.partition, Number(w.high));
  } finally {
    await admin.disconnect();
  }
  const found = new Map<number, number[]>();
  if (ends.size === 0) return new Map();
  const consumer = kafka.consumer({ groupId: `eventpath-audit-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
    const remaining = new Set(ends.keys());
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading dead-letter topic ${deadLetterTopic} took longer than ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              const origin = message.headers?.[DEAD_LETTER_HEADERS.topic]?.toString();
              if (origin === topic) {
                const partition = Number(message.headers?.[DEAD_LETTER_HEADERS.partition]?.toString());
                const offset = Number(message.headers?.[DEAD_LETTER_HEADERS.offset]?.toString());
                if (Number.isInteger(partition) && Number.isInteger(offset)) (found.get(partition) ?? found.set(partition, []).get(partition)!).push(offset);
              }
            }
            if (Number(batch.lastOffset()) + 1 >= (ends.get(batch.partition) ?? 0)) remaining.delete(batch.partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  const result = new Map<number, OffsetRuns>();
  for (const [partition, offsets] of found) {
    const runs = new OffsetRuns();
    for (const offset of [...new Set(offsets)].sort((a, b) => a - b)) runs.add(offset);
    result.set(partition, runs);
  }
  return result;
}
