import { Kafka, logLevel } from 'kafkajs';
import { parseTopicSpec } from '../dev-kafka/topic-spec';

/**
 * Creates, on a cluster the dev stack did not start, the topics
 * (`name:partitions`) it does not have yet; existing topics are left as they
 * are, whatever their partition count.
 */
export async function createTopicsIfMissing(bootstrap: string, topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'eventpath-dev-stack', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.map((spec) => parseTopicSpec(spec)).filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions })) });
    }
  } finally {
    await admin.disconnect();
  }
}
