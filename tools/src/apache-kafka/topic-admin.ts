import type { Admin, ITopicConfig } from 'kafkajs';
import { ApacheKafkaNodeError } from './errors';

export interface PartitionDescription {
  partition: number;
  /** Node id of the leader, -1 when none. */
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicDescription {
  name: string;
  partitions: PartitionDescription[];
}

const POLL_MS = 100;
const TOPIC_READY_TIMEOUT_MS = 30_000;

/**
 * Creates a topic and waits until every partition has a leader in the
 * metadata. (kafkajs's own `waitForLeaders` gives up when a node's metadata
 * does not know the new topic yet, which is normal for a moment.)
 */
export async function createTopic(
  admin: Admin,
  name: string,
  partitions: number,
  replicationFactor?: number,
  config: Record<string, string> = {},
): Promise<void> {
  const topic: ITopicConfig = {
    topic: name,
    numPartitions: partitions,
    ...(replicationFactor === undefined ? {} : { replicationFactor }),
    configEntries: Object.entries(config).map(([configName, value]) => ({ name: configName, value })),
  };
  const created = await admin.createTopics({ topics: [topic], waitForLeaders: false, timeout: 30_000 });
  if (!created) throw new ApacheKafkaNodeError(`topic ${name} exists already`);
  await waitForLeaders(admin, name, partitions);
}

async function waitForLeaders(admin: Admin, name: string, partitions: number): Promise<void> {
  const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
  let last = 'no metadata yet';
  while (Date.now() < deadline) {
    try {
      const { partitions: described } = await describeTopic(admin, name);
      if (described.length === partitions && described.every((p) => p.leader >= 0)) return;
      last = `leaders ${JSON.stringify(described.map((p) => p.leader))}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new ApacheKafkaNodeError(`topic ${name} has no leader for every partition after ${TOPIC_READY_TIMEOUT_MS} ms (${last})`);
}

export async function describeTopic(admin: Admin, name: string): Promise<TopicDescription> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
  const [topic] = topics;
  return {
    name,
    partitions: topic.partitions
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] }))
      .sort((a, b) => a.partition - b.partition),
  };
}
