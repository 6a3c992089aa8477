import { EvictingMemoryPolicyError } from '../errors';
import { redisMasters } from './redis-masters';
import type { RedisClient } from './run-script';

export interface RedisCheckOptions {
  /** How long to wait for a Redis Cluster client to become ready before failing; 10000 by default. */
  readyTimeoutMs?: number;
}

/**
 * Refuses to run against a Redis that may evict keys: with any policy but
 * `noeviction`, a full Redis would drop buffered events silently instead of
 * refusing new ones. Reads `INFO memory`, which works where CONFIG is
 * disabled (managed Redis); checks every master of a cluster, waiting for a
 * Cluster client to be ready (and failing if it is not in time).
 */
export async function assertRedisDoesNotEvict(redis: RedisClient, options: RedisCheckOptions = {}): Promise<void> {
  for (const node of await redisMasters(redis, options.readyTimeoutMs)) {
    const info = await node.info('memory');
    const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
    if (policy === undefined) throw new Error('Redis INFO memory did not report maxmemory_policy');
    if (policy !== 'noeviction') throw new EvictingMemoryPolicyError(policy);
  }
}
