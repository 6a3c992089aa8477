import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { failoverStreamKeys } from '@eventpath/queues';

/** Records a consumer group has not committed yet, over every partition of the topics. */
export async function groupBacklog(bootstrap: string, groupId: string, topics: readonly string[]): Promise<number> {
  const admin = new Kafka({ brokers: bootstrap.split(','), clientId: 'e2e-drain-check', logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
  await admin.connect();
  try {
    let backlog = 0;
    for (const topic of topics) {
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const done = new Map(committed[0].partitions.map((p) => [p.partition, Number(p.offset)]));
      for (const end of ends) {
        const at = Math.max(done.get(end.partition) ?? -1, Number(end.low));
        backlog += Number(end.high) - at;
      }
    }
    return backlog;
  } finally {
    await admin.disconnect();
  }
}

/** Entries in the gateway's failover streams of the topics (libs/queues' keys). */
export async function failoverDepth(redisUrl: string, topics: readonly string[]): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const lengths = await Promise.all(topics.map((topic) => redis.xlen(failoverStreamKeys(topic).stream)));
    return lengths.reduce((a, b) => a + b, 0);
  } finally {
    redis.disconnect();
  }
}
