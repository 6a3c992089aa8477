import { backOff } from 'exponential-backoff';
import type { Admin, PartitionMetadata } from 'kafkajs';

interface CachedTopic {
  partitions: PartitionMetadata[];
  fetchedAt: number;
}

/**
 * Partition metadata (partition ids, leaders) of the topics a producer
 * writes, read through an admin client and kept for `maxAgeMs`. A producer
 * uses it to choose partitions itself and to send the messages of each
 * leader in their own request, so an unavailable broker fails only its own
 * partitions' messages. A refresh that fails keeps the last known metadata.
 *
 * A metadata request goes to one broker without retries in kafkajs's admin
 * client, and a node that just restarted may not know every topic yet: a
 * retriable failure is retried for about 2.5 s before it counts.
 */
export class TopicMetadataCache {
  private readonly topics = new Map<string, CachedTopic>();
  private readonly refreshing = new Map<string, Promise<PartitionMetadata[]>>();

  constructor(
    private readonly admin: Admin,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The partitions of `topic`, fetched when unknown or older than `maxAgeMs`. */
  async partitions(topic: string): Promise<PartitionMetadata[]> {
    const cached = this.topics.get(topic);
    if (cached && this.now() - cached.fetchedAt < this.maxAgeMs) return cached.partitions;
    try {
      return await this.refresh(topic);
    } catch (error) {
      if (cached) return cached.partitions;
      throw error;
    }
  }

  /** Makes the next `partitions(topic)` fetch again (after a failed send, say). */
  invalidate(topic: string): void {
    const cached = this.topics.get(topic);
    if (cached) cached.fetchedAt = Number.NEGATIVE_INFINITY;
  }

  private refresh(topic: string): Promise<PartitionMetadata[]> {
    let pending = this.refreshing.get(topic);
    if (!pending) {
      pending = backOff(() => this.admin.fetchTopicMetadata({ topics: [topic] }), {
        numOfAttempts: 6,
        startingDelay: 100,
        maxDelay: 1000,
        jitter: 'full',
        retry: (error: { retriable?: boolean }) => error?.retriable === true,
      })
        .then(({ topics }) => {
          const partitions = [...(topics[0]?.partitions ?? [])].sort((a, b) => a.partitionId - b.partitionId);
          this.topics.set(topic, { partitions, fetchedAt: this.now() });
          return partitions;
        })
        .finally(() => this.refreshing.delete(topic));
      this.refreshing.set(topic, pending);
    }
    return pending;
  }
}
