import { eventually, startRedis } from '@eventpath/dev-infra';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { EvictingMemoryPolicyError, NonDurableRedisError } from '../errors';
import { assertRedisIsDurable } from './durability-check';
import { FailoverStreamWriter } from './failover-stream-writer';
import { redisSuite } from './test-support/redis-suite';

const CHECK_INTERVAL_MS = 300;

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

describe('the failover writer re-checks the Redis configuration', () => {
  const suite = redisSuite();

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

describe('the failover writer and Redis persistence', () => {
  describe('without the append-only file', () => {
    const suite = redisSuite({ appendonly: false });

    it('refuses appends unless durability is unchecked, and fails readiness', async () => {
      const { redis } = suite;
      const registry = new Registry();
      for (const durability of [undefined, 'fsync-always', 'aof'] as const) {
        const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100, durability, registry });
        const refused = writer.append('volatile', event('lost-on-restart'));
        await expect(refused).rejects.toBeInstanceOf(NonDurableRedisError);
        await expect(refused).rejects.toMatchObject({ setting: 'appendonly', value: 'no' });
        await expect(refused).rejects.toThrow(/lost whenever Redis restarts.*appendonly yes/);
        await expect(writer.checkReady()).rejects.toBeInstanceOf(NonDurableRedisError);
      }
      expect(await redis.exists('eventpath:failover:{volatile}')).toBe(0);
      const refusedMetric = await registry.getSingleMetric('eventpath_failover_append_refused_total')?.get();
      expect(refusedMetric?.values).toEqual([{ labels: { topic: 'volatile', reason: 'not-durable' }, value: 3 }]);

      await new FailoverStreamWriter(redis, { maxEntriesPerStream: 100, durability: 'unchecked' }).append('volatile', event('accepted'));
      await expect(assertRedisIsDurable(redis, 'aof')).rejects.toMatchObject({ setting: 'appendonly' });
    });
  });

  describe('with appendfsync everysec', () => {
    const suite = redisSuite({ appendfsync: 'everysec' });

    it('refuses appends unless durability is aof, also once switched to everysec at run time', async () => {
      const { redis } = suite;
      const strict = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100_000, redisCheckIntervalMs: CHECK_INTERVAL_MS });
      await expect(strict.append('fsync', event('a'))).rejects.toMatchObject({ name: 'NonDurableRedisError', setting: 'appendfsync', value: 'everysec' });
      await new FailoverStreamWriter(redis, { maxEntriesPerStream: 100_000, durability: 'aof' }).append('fsync', event('b'));

      await redis.config('SET', 'appendfsync', 'always');
      await eventually(() => strict.append('fsync', event('c')).then(() => true, () => false), 5000, 'an accepted append');
      await redis.config('SET', 'appendfsync', 'everysec');
      const switchedAt = performance.now();
      const refusal = await firstRefusal(strict, 'fsync');
      expect(refusal.started - switchedAt).toBeLessThanOrEqual(CHECK_INTERVAL_MS + refusal.longest);
      expect(refusal.error).toMatchObject({ setting: 'appendfsync', value: 'everysec' });
    });

    it('cannot verify fsync-always where CONFIG is disabled, and says to choose aof or unchecked', async () => {
      const { redis, server } = suite;
      await redis.acl('SETUSER', 'no-config', 'on', '>secret', '~*', '&*', '+@all', '-config');
      const limited = new Redis(server.url, { username: 'no-config', password: 'secret' });
      try {
        const refused = new FailoverStreamWriter(limited, { maxEntriesPerStream: 100 }).append('managed', event('a'));
        await expect(refused).rejects.toMatchObject({ name: 'NonDurableRedisError', setting: 'appendfsync', value: 'unknown' });
        await expect(refused).rejects.toThrow(/CONFIG GET failed \(NOPERM.*durability 'aof'/);
        await new FailoverStreamWriter(limited, { maxEntriesPerStream: 100, durability: 'aof' }).append('managed', event('b'));
      } finally {
        limited.disconnect();
      }
    });
  });
});
