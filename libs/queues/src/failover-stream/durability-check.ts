import type { Redis } from 'ioredis';
import { NonDurableRedisError } from '../errors';
import type { RedisCheckOptions } from './eviction-policy-check';
import { redisMasters } from './redis-masters';
import type { RedisClient } from './run-script';

/**
 * What the failover writer requires of Redis's persistence before it
 * accepts an append (an acknowledged append is what lets the gateway answer
 * 2xx):
 * - `fsync-always`: `appendonly yes` and `appendfsync always`: an append is
 *   acknowledged only once it is on disk, so it survives a crash of Redis
 *   and of its machine;
 * - `aof`: `appendonly yes`, any fsync policy: with `everysec` an
 *   acknowledged append survives a crash of redis-server, but a machine
 *   crash or power loss can take the last second or more;
 * - `unchecked`: no check (persistence is ensured otherwise, e.g. by the
 *   provider, or not needed).
 */
export type FailoverDurability = 'fsync-always' | 'aof' | 'unchecked';

const HOW_TO_FIX =
  'set "appendonly yes" and "appendfsync always" (redis.conf, or at run time CONFIG SET followed by CONFIG REWRITE; ' +
  "on a managed Redis, in the instance's persistence settings)";

/**
 * Refuses a Redis (any master of a cluster) whose persistence falls short of
 * `durability`, with {@link NonDurableRedisError}. `appendonly` is read from
 * `INFO persistence`; `appendfsync` needs `CONFIG GET`, and where CONFIG is
 * disabled (as on many managed Redis) `fsync-always` cannot be verified and
 * is refused too.
 */
export async function assertRedisIsDurable(
  redis: RedisClient,
  durability: FailoverDurability,
  options: RedisCheckOptions = {},
): Promise<void> {
  if (durability === 'unchecked') return;
  for (const node of await redisMasters(redis, options.readyTimeoutMs)) {
    const aof = /^aof_enabled:(\d)/m.exec(await node.info('persistence'))?.[1];
    if (aof === undefined) throw new Error('Redis INFO persistence did not report aof_enabled');
    if (aof !== '1') {
      throw new NonDurableRedisError('appendonly', 'no', `buffered events would be lost whenever Redis restarts; ${HOW_TO_FIX}`);
    }
    if (durability === 'fsync-always') await assertFsyncAlways(node);
  }
}

async function assertFsyncAlways(node: Redis): Promise<void> {
  let fsync: string | undefined;
  try {
    fsync = ((await node.config('GET', 'appendfsync')) as string[])[1];
  } catch (error) {
    throw new NonDurableRedisError(
      'appendfsync',
      'unknown',
      `CONFIG GET failed (${error instanceof Error ? error.message : String(error)}), so "appendfsync always" cannot be verified; ` +
        "make sure of the provider's fsync policy, then choose durability 'aof' (appendonly is checked through INFO) or 'unchecked'",
    );
  }
  if (fsync !== 'always') {
    throw new NonDurableRedisError(
      'appendfsync',
      fsync ?? 'unknown',
      'appends are acknowledged before they are on disk, so a crash of the machine loses acknowledged events; ' +
        `${HOW_TO_FIX}, or accept that risk with durability 'aof'`,
    );
  }
}
