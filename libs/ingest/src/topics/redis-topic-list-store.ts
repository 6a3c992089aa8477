import type { TopicInfo, TopicListStore } from './topic-info';

/** The Redis commands the store uses (an ioredis client or cluster fits). */
export interface RedisStringClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
}

export const TOPIC_LIST_KEY = 'eventpath:gateway:topics';

/**
 * The last topic list any gateway read from the fronting cluster, kept in
 * Redis as JSON: a gateway that starts while the fronting Kafka is down still
 * knows which topics exist and can fail their events over.
 */
export class RedisTopicListStore implements TopicListStore {
  constructor(
    private readonly redis: RedisStringClient,
    private readonly key: string = TOPIC_LIST_KEY,
  ) {}

  async load(): Promise<TopicInfo[] | undefined> {
    const text = await this.redis.get(this.key);
    if (text === null) return undefined;
    const parsed = JSON.parse(text) as { topics?: TopicInfo[] };
    return Array.isArray(parsed.topics) ? parsed.topics : undefined;
  }

  async save(topics: TopicInfo[]): Promise<void> {
    await this.redis.set(this.key, JSON.stringify({ savedAt: new Date().toISOString(), topics }));
  }
}
