import { EvictingMemoryPolicyError, NonDurableRedisError } from '../errors';
import { assertRedisIsDurable, type FailoverDurability } from './durability-check';
import { assertRedisDoesNotEvict } from './eviction-policy-check';
import type { RedisClient } from './run-script';

/**
 * Re-checks, at most once per `intervalMs` however many callers ask, that a
 * Redis (every master of a cluster) is still safe to buffer events in: it
 * does not evict (a policy switched to an evicting one at run time would drop
 * stored events while appends kept succeeding) and it persists appends as
 * `durability` requires. A check that found Redis unsafe is kept for
 * the interval, so callers are refused without a round trip; one that could
 * not run (connection lost) is forgotten, so the next caller checks again.
 */
export class RedisConfigWatch {
  private last?: { at: number; result: Promise<void> };

  constructor(
    private readonly redis: RedisClient,
    private readonly intervalMs: number,
    private readonly durability: FailoverDurability,
  ) {}

  /** The outcome of a check started less than `intervalMs` ago, or of a new one. */
  current(): Promise<void> {
    if (this.last && performance.now() - this.last.at < this.intervalMs) return this.last.result;
    return this.checkNow();
  }

  /** A new check, whose outcome later callers of `current` share. */
  checkNow(): Promise<void> {
    const entry = { at: performance.now(), result: this.check() };
    this.last = entry;
    entry.result.catch((error: unknown) => {
      if (!unsafeRedisConfigReason(error) && this.last === entry) this.last = undefined;
    });
    return entry.result;
  }

  private async check(): Promise<void> {
    await assertRedisDoesNotEvict(this.redis);
    await assertRedisIsDurable(this.redis, this.durability);
  }
}

/** The `reason` label of an append refused because Redis is configured so that it may lose events. */
export function unsafeRedisConfigReason(error: unknown): 'evicting-policy' | 'not-durable' | undefined {
  if (error instanceof EvictingMemoryPolicyError) return 'evicting-policy';
  if (error instanceof NonDurableRedisError) return 'not-durable';
  return undefined;
}
