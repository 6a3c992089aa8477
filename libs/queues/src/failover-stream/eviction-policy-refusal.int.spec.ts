import { startRedis } from '@eventpath/dev-infra';
import Redis, { Cluster } from 'ioredis';
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

  it('waits for a Cluster client that is not ready yet, then checks its masters', async () => {
    const server = await startRedis({ cluster: true, maxmemoryPolicy: 'allkeys-lru', maxmemory: '64mb' });
    const clients = [new Cluster([{ host: '127.0.0.1', port: server.port }]), new Cluster([{ host: '127.0.0.1', port: server.port }], { lazyConnect: true })];
    try {
      for (const cluster of clients) {
        expect(cluster.status).not.toBe('ready');
        await expect(assertRedisDoesNotEvict(cluster)).rejects.toMatchObject({ name: 'EvictingMemoryPolicyError', policy: 'allkeys-lru' });
      }
      await clients[0].config('SET', 'maxmemory-policy', 'noeviction');
      await expect(assertRedisDoesNotEvict(clients[1])).resolves.toBeUndefined();
    } finally {
      for (const cluster of clients) cluster.disconnect();
      await server.stop();
    }
  });

  it('fails, instead of checking nothing, when a Cluster client does not become ready in time', async () => {
    // A standalone Redis: a Cluster client pointed at it never learns any slot or node.
    const server = await startRedis();
    const cluster = new Cluster([{ host: '127.0.0.1', port: server.port }]);
    cluster.on('error', () => undefined);
    try {
      const started = Date.now();
      await expect(assertRedisDoesNotEvict(cluster, { readyTimeoutMs: 500 })).rejects.toThrow(
        /Redis Cluster client was not ready within 500 ms.*cannot check its configuration/s,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      cluster.disconnect();
      await expect(assertRedisDoesNotEvict(cluster)).rejects.toThrow(/closed/);
    } finally {
      cluster.disconnect();
      await server.stop();
    }
  });
});
