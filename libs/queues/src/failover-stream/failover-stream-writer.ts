import type { Registry } from 'prom-client';
import { FailoverBufferFullError, InvalidFailoverEventError, type BufferFullReason } from '../errors';
import { APPEND_SCRIPT } from './append-script';
import type { FailoverDurability } from './durability-check';
import { DEFAULT_EVENT_LIMITS, encodeEvent, MAX_HEADERS_PER_EVENT, type FailoverEvent, type FailoverEventLimits } from './failover-event';
import { failoverMetrics, type FailoverMetrics } from './failover-metrics';
import { RedisConfigWatch, unsafeRedisConfigReason } from './redis-config-watch';
import { runScript, type RedisClient } from './run-script';
import { failoverStreamKeys } from './stream-keys';

export interface FailoverStreamWriterOptions {
  /** Most entries one topic's stream may hold; an append that would exceed it is refused. */
  maxEntriesPerStream: number;
  /** Most event bytes (id, key, value, headers) one topic's stream may hold; no byte cap when unset. */
  maxBytesPerStream?: number;
  /** Most bytes of one event (id, key, value, header names and values); 1 MiB by default. */
  maxEventBytes?: number;
  /** Most headers of one event; 1000 by default, at most {@link MAX_HEADERS_PER_EVENT} (2000). */
  maxHeadersPerEvent?: number;
  /** Most bytes of one header (name and value); 64 KiB by default. */
  maxHeaderBytes?: number;
  /**
   * What Redis's persistence must be for appends to be accepted (see
   * {@link FailoverDurability}); `fsync-always` (appendonly yes, appendfsync
   * always) by default.
   */
  durability?: FailoverDurability;
  /**
   * How old the last check of Redis's configuration (eviction policy,
   * durability) may be when an append is made; an older one is repeated
   * first. 1000 by default.
   */
  redisCheckIntervalMs?: number;
  /** Where `eventpath_failover_appended_total` and `..._append_refused_total` are registered. */
  registry?: Registry;
  /** Clock for events without a timestamp; `Date.now` by default. */
  now?: () => number;
}

/**
 * The gateway's side of the failover stream: appends events to the topic's
 * Redis Stream, all of a call or none of it, and refuses with
 * {@link FailoverBufferFullError} instead of evicting when full.
 *
 * It does not trust a check made once at start-up: an append is made only
 * if a check of Redis's eviction policy and persistence (every master of a
 * cluster) passed less than `redisCheckIntervalMs` ago, and is refused with
 * `EvictingMemoryPolicyError` while Redis may evict, with
 * `NonDurableRedisError` while it does not persist appends as `durability`
 * requires. `checkReady` runs that check for a readiness probe.
 *
 * An append that resolved is in Redis (and, with the default durability,
 * on disk). An append that rejected for any other reason than a refusal (the
 * connection dropped, a timeout) may or may not have been applied; a retry
 * may then store the events twice, which their ids let downstream remove.
 */
export class FailoverStreamWriter {
  private readonly metrics?: FailoverMetrics;
  private readonly now: () => number;
  private readonly limits: FailoverEventLimits;
  private readonly redisConfig: RedisConfigWatch;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: FailoverStreamWriterOptions,
  ) {
    positiveInteger('maxEntriesPerStream', options.maxEntriesPerStream);
    if (options.maxBytesPerStream !== undefined) positiveInteger('maxBytesPerStream', options.maxBytesPerStream);
    this.limits = {
      maxEventBytes: positiveInteger('maxEventBytes', options.maxEventBytes ?? DEFAULT_EVENT_LIMITS.maxEventBytes),
      maxHeadersPerEvent: positiveInteger('maxHeadersPerEvent', options.maxHeadersPerEvent ?? DEFAULT_EVENT_LIMITS.maxHeadersPerEvent),
      maxHeaderBytes: positiveInteger('maxHeaderBytes', options.maxHeaderBytes ?? DEFAULT_EVENT_LIMITS.maxHeaderBytes),
    };
    if (this.limits.maxHeadersPerEvent > MAX_HEADERS_PER_EVENT) {
      throw new RangeError(`maxHeadersPerEvent must be at most ${MAX_HEADERS_PER_EVENT}, got ${this.limits.maxHeadersPerEvent}`);
    }
    this.metrics = options.registry ? failoverMetrics(options.registry) : undefined;
    this.now = options.now ?? Date.now;
    const durability = options.durability ?? 'fsync-always';
    if (!DURABILITIES.includes(durability)) throw new RangeError(`durability must be one of ${DURABILITIES.join(', ')}, got ${durability}`);
    this.redisConfig = new RedisConfigWatch(
      redis,
      positiveInteger('redisCheckIntervalMs', options.redisCheckIntervalMs ?? 1000),
      durability,
    );
  }

  /**
   * A readiness check: checks Redis's configuration now and rejects, like
   * `append` would, with `EvictingMemoryPolicyError` or
   * `NonDurableRedisError` when it is unsafe (or with the error that kept
   * the check from running).
   */
  checkReady(): Promise<void> {
    return this.redisConfig.checkNow();
  }

  /** Appends the events in order; resolves to their stream entry ids. */
  async append(topic: string, events: FailoverEvent[]): Promise<string[]> {
    const keys = failoverStreamKeys(topic);
    if (events.length === 0) return [];
    const now = this.now();
    const args: Array<string | Buffer | number> = [];
    let callBytes = 0;
    for (const [index, event] of events.entries()) {
      const { fields, bytes } = encodeEvent(event, index, now, this.limits);
      args.push(fields.length / 2, ...fields);
      callBytes += bytes;
    }
    const header = [this.options.maxEntriesPerStream, this.options.maxBytesPerStream ?? 0, events.length, callBytes];
    try {
      await this.redisConfig.current();
    } catch (error) {
      const reason = unsafeRedisConfigReason(error);
      if (reason) this.metrics?.refused.inc({ topic, reason }, events.length);
      throw error;
    }
    try {
      const ids = (await runScript(this.redis, APPEND_SCRIPT, [keys.stream, keys.bytes], [...header, ...args])) as string[];
      this.metrics?.appended.inc({ topic }, events.length);
      return ids;
    } catch (error) {
      const refusal = toRefusal(topic, error);
      if (refusal instanceof FailoverBufferFullError) this.metrics?.refused.inc({ topic, reason: refusal.reason }, events.length);
      throw refusal ?? error;
    }
  }
}

const DURABILITIES: FailoverDurability[] = ['fsync-always', 'aof', 'unchecked'];

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  return value;
}

function toRefusal(topic: string, error: unknown): FailoverBufferFullError | InvalidFailoverEventError | undefined {
  const message = error instanceof Error ? error.message : '';
  const full = /^EVENTPATH_BUFFER_FULL (entries|bytes) (.*)$/.exec(message);
  if (full) return new FailoverBufferFullError(topic, full[1] as BufferFullReason, full[2]);
  if (message.startsWith('OOM')) return new FailoverBufferFullError(topic, 'redis-memory', message);
  if (message.startsWith('EVENTPATH_BAD_APPEND')) return new InvalidFailoverEventError(message);
  return undefined;
}
