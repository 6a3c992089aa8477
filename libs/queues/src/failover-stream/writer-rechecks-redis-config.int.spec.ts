import { eventually, startRedis } from '@eventpath/dev-infra';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { EvictingMemoryPolicyError } from '../errors';
import { FailoverStreamWriter } from './failover-stream-writer';
import { redisSuite } from './test-support/redis-suite';

const CHECK_INTERVAL_MS = 300;

describe('the failover writer re-checks the Redis configuration', () => {
  const suite = redisSuite();

  const event = (id: string) => [{ id, value: 'v' }];

  /**
   * Appends back to back until one is refused (for at most 10 s); resolves to
   * the refusal, when the refused append started, and the longest append before it.
   */
  async function firstRefusal(writer: FailoverStreamWriter, topic: string) {
    let longest = 0;
    for (let n = 0, deadline = performance.now() + 10_000; performance.now() < deadline; n++) {
      const started = performance.now();
      try {
        await writer.append(topic, event(`e-${n}`));
      } catch (error) {
        return { error, started, longest };
      }
      longest = Math.max(longest, performance.now() - started);
    }
    throw new Error('no append was refused within 10 s');
  }

  it('refuses appends within the check interval once Redis is switched to an evicting policy at run time, and takes them again once it is not', async () => {
    const { redis } = suite;
    const registry = new Registry();
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100_000, redisCheckIntervalMs: CHECK_INTERVAL_MS, registry });
    await writer.append('policy', event('before'));
    await expect(writer.checkReady()).resolves.toBeUndefined();

    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const switchedAt = performance.now();
    try {
      const refusal = await firstRefusal(writer, 'policy');
      // The first append started more than an interval after the last passing check is refused.
      expect(refusal.started - switchedAt).toBeLessThanOrEqual(CHECK_INTERVAL_MS + refusal.longest);
      expect(refusal.error).toBeInstanceOf(EvictingMemoryPolicyError);
      expect(refusal.error).toMatchObject({ policy: 'allkeys-lru' });
      // Until Redis is fixed every append is refused, and readiness fails with the same error.
      await expect(writer.append('policy', event('while-evicting'))).rejects.toBeInstanceOf(EvictingMemoryPolicyError);
      await expect(writer.checkReady()).rejects.toMatchObject({ policy: 'allkeys-lru' });
      const refused = await registry.getSingleMetric('eventpath_failover_append_refused_total')?.get();
      expect(refused?.values).toEqual([{ labels: { topic: 'policy', reason: 'evicting-policy' }, value: 2 }]);
    } finally {
      await redis.config('SET', 'maxmemory-policy', 'noeviction');
    }
    await eventually(() => writer.append('policy', event('after')).then(() => true, () => false), 5000, 'an accepted append');
    await expect(writer.checkReady()).resolves.toBeUndefined();
  });

  it('checks before its first append, keeps a refusal for the interval, and checks again after a check that could not run', async () => {
    const { redis } = suite;
    await redis.config('SET', 'maxmemory-policy', 'volatile-lru');
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100, redisCheckIntervalMs: 60_000 });
    try {
      await expect(writer.append('first', event('a'))).rejects.toMatchObject({ policy: 'volatile-lru' });
    } finally {
      await redis.config('SET', 'maxmemory-policy', 'noeviction');
    }
    // Redis is not asked again for every append while the refusal is recent...
    await expect(writer.append('first', event('b'))).rejects.toBeInstanceOf(EvictingMemoryPolicyError);
    // ...but a readiness check asks now, and appends follow its outcome.
    await expect(writer.checkReady()).resolves.toBeUndefined();
    await writer.append('first', event('c'));
    expect(await redis.xlen('eventpath:failover:{first}')).toBe(1);

    const own = await startRedis();
    const client = new Redis(own.url, { maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    client.on('error', () => undefined);
    try {
      await own.kill();
      const unchecked = new FailoverStreamWriter(client, { maxEntriesPerStream: 100, redisCheckIntervalMs: 60_000 });
      const failed = unchecked.append('down', event('x'));
      await expect(failed).rejects.toThrow();
      await expect(failed).rejects.not.toBeInstanceOf(EvictingMemoryPolicyError);
      await own.restart();
      await eventually(() => client.ping().then(() => true, () => false), 10_000, 'the client to reconnect');
      await unchecked.append('down', event('y'));
      expect(await client.xlen('eventpath:failover:{down}')).toBe(1);
    } finally {
      client.disconnect();
      await own.stop();
    }
  });
});
