import { startRedis } from '@eventpath/dev-infra';
import Redis from 'ioredis';
import { EvictingMemoryPolicyError } from '../errors';
import { assertRedisDoesNotEvict } from './eviction-policy-check';

describe('the start-up check of Redis eviction', () => {
  it('refuses a Redis that evicts keys and says how to fix it', async () => {
    const server = await startRedis({ maxmemoryPolicy: 'allkeys-lru', maxmemory: '64mb' });
    const redis = new Redis(server.url);
    try {
      const check = assertRedisDoesNotEvict(redis);
      await expect(check).rejects.toBeInstanceOf(EvictingMemoryPolicyError);
      await expect(check).rejects.toThrow(/"allkeys-lru".*maxmemory-policy noeviction/s);
      await redis.config('SET', 'maxmemory-policy', 'volatile-ttl');
      await expect(assertRedisDoesNotEvict(redis)).rejects.toMatchObject({ policy: 'volatile-ttl' });
      await redis.config('SET', 'maxmemory-policy', 'noeviction');
      await expect(assertRedisDoesNotEvict(redis)).resolves.toBeUndefined();
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});
