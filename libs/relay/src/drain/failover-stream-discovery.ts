import type { Redis } from 'ioredis';
import { FAILOVER_KEY_PREFIX, failoverStreamKeys } from '@eventpath/queues';
import type { TopicSelector } from '../topics/topic-selector';

/**
 * The topics whose failover streams exist in Redis and the selector
 * chooses, sorted: one SCAN over the failover keys (a standalone Redis; the
 * failover Redis holds little else).
 */
export async function discoverFailoverStreams(redis: Redis, selector: TopicSelector): Promise<string[]> {
  const topics = new Set<string>();
  const opening = `${FAILOVER_KEY_PREFIX}{`;
  const stream = redis.scanStream({ match: `${opening}*}`, type: 'stream', count: 1000 });
  for await (const keys of stream as AsyncIterable<string[]>) {
    for (const key of keys) {
      const topic = key.slice(opening.length, -1);
      try {
        if (failoverStreamKeys(topic).stream === key && selector.matches(topic)) topics.add(topic);
      } catch {
        // Not a failover stream of a valid topic name: not ours.
      }
    }
  }
  return [...topics].sort();
}
