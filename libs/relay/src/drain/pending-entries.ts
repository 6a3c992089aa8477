import type { Redis } from 'ioredis';

/**
 * How often each entry was delivered to a consumer of the group (Redis
 * counts every delivery: the first read, each reclaim). Entries no longer
 * pending are missing from the map.
 */
export async function deliveryCounts(redis: Redis, stream: string, group: string, streamIds: string[]): Promise<Map<string, number>> {
  const pipeline = redis.pipeline();
  for (const id of streamIds) pipeline.call('XPENDING', stream, group, id, id, 1);
  const replies = (await pipeline.exec()) ?? [];
  const counts = new Map<string, number>();
  replies.forEach(([error, reply]) => {
    if (error) return;
    for (const [id, , , deliveries] of reply as Array<[string, string, number, number]>) counts.set(id, Number(deliveries));
  });
  return counts;
}

/**
 * Resets the idle time of entries this consumer is still working on
 * (XCLAIM ... JUSTID, which does not count as a delivery), so that no other
 * worker takes them over as if this one were dead while it waits for Kafka.
 */
export async function keepPending(redis: Redis, stream: string, group: string, consumer: string, streamIds: string[]): Promise<void> {
  if (streamIds.length === 0) return;
  await redis.call('XCLAIM', stream, group, consumer, 0, ...streamIds, 'JUSTID');
}
