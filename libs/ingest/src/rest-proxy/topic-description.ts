import type { TopicInfo, TopicPartitionInfo } from '../topics/topic-info';

/** A partition as `GET /topics/{topic}` and `GET /topics/{topic}/partitions` describe it. */
export interface PartitionDescription {
  partition: number;
  leader: number;
  replicas: Array<{ broker: number; leader: boolean; in_sync: boolean }>;
}

export function describePartition(partition: TopicPartitionInfo): PartitionDescription {
  return {
    partition: partition.partition,
    leader: partition.leader,
    replicas: partition.replicas.map((broker) => ({ broker, leader: broker === partition.leader, in_sync: partition.isr.includes(broker) })),
  };
}

/** The REST Proxy's topic metadata: `{ name, configs, partitions: [{ partition, leader, replicas: [{ broker, leader, in_sync }] }] }`. */
export function describeTopic(topic: TopicInfo, configs: Record<string, string>): { name: string; configs: Record<string, string>; partitions: PartitionDescription[] } {
  return { name: topic.name, configs, partitions: topic.partitions.map(describePartition) };
}
