/** One partition of a fronting topic, as the cluster's metadata gives it. */
export interface TopicPartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** A topic of the fronting cluster. */
export interface TopicInfo {
  name: string;
  /** Sorted by partition id. */
  partitions: TopicPartitionInfo[];
}

/** Where the topic list comes from: kafkajs's `Admin` fits. */
export interface TopicMetadataSource {
  fetchTopicMetadata(): Promise<{
    topics: Array<{ name: string; partitions: Array<{ partitionId: number; leader: number; replicas: number[]; isr: number[] }> }>;
  }>;
}

/** Keeps the last known list where another gateway starting during a Kafka outage can read it. */
export interface TopicListStore {
  load(): Promise<TopicInfo[] | undefined>;
  save(topics: TopicInfo[]): Promise<void>;
}
