import { Cluster } from 'ioredis';
import { EvictingMemoryPolicyError } from '../errors';
import type { RedisClient } from './run-script';

/**
 * Refuses to run against a Redis that may evict keys: with any policy but
 * `noeviction`, a full Redis would drop buffered events silently instead of
 * refusing new ones. Reads `INFO memory`, which works where CONFIG is
 * disabled (managed Redis); checks every master of a cluster.
 */
export async function assertRedisDoesNotEvict(redis: RedisClient): Promise<void> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    const info = await node.info('memory');
    const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
    if (policy === undefined) throw new Error('Redis INFO memory did not report maxmemory_policy');
    if (policy !== 'noeviction') throw new EvictingMemoryPolicyError(policy);
  }
}
