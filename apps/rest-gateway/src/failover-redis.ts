import { assertRedisDoesNotEvict, assertRedisIsDurable, FailoverStreamWriter, failoverStreamKeys } from '@eventpath/queues';
import type { IngestLimits } from '@eventpath/ingest';
import type { Logger, Registry } from '@eventpath/runtime';
import Redis from 'ioredis';
import type { RestGatewayEnv } from './config';

/** The gateway's side of the failover store. */
export interface FailoverRedis {
  redis: Redis;
  writer: FailoverStreamWriter;
  /** Entries in the failover stream of each of `topics`. */
  depths(topics: readonly string[]): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const CONNECT_WAIT_MS = 5000;

/**
 * Connects to Redis and refuses to start when it evicts keys
 * (`EvictingMemoryPolicyError`): an evicting Redis would drop buffered events;
 * or when it does not persist appends as `FAILOVER_REDIS_DURABILITY` requires
 * (`NonDurableRedisError`): a Redis restart would lose acknowledged events.
 * A Redis that does not answer at start does not stop the gateway (Kafka may
 * be fine); the writer checks the policy before its first append anyway.
 * Commands fail fast while Redis is away (no offline queue, a command
 * timeout), so a request never waits long for a dead Redis.
 */
export async function openFailoverRedis(env: RestGatewayEnv, limits: IngestLimits, registry: Registry, logger: Logger): Promise<FailoverRedis> {
  const redis = new Redis(env.REDIS_URL, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message !== lastError) logger.warn({ reason: error.message }, 'Redis connection error');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError) logger.info('Redis connection ready again');
    lastError = '';
  });
  let timer: NodeJS.Timeout | undefined;
  const connected = await Promise.race([
    redis.connect().then(
      () => true,
      () => false,
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CONNECT_WAIT_MS))),
  ]);
  clearTimeout(timer);
  if (connected) {
    try {
      await assertRedisDoesNotEvict(redis);
      await assertRedisIsDurable(redis, env.FAILOVER_REDIS_DURABILITY);
    } catch (error) {
      redis.disconnect();
      throw error;
    }
  } else {
    logger.error({ url: redactedUrl(env.REDIS_URL) }, 'Redis unreachable at start: events cannot fail over until it answers');
  }
  const writer = new FailoverStreamWriter(redis, {
    maxEntriesPerStream: env.FAILOVER_MAX_ENTRIES_PER_STREAM,
    maxBytesPerStream: env.FAILOVER_MAX_BYTES_PER_STREAM,
    maxEventBytes: limits.maxEventBytes,
    // The gateway adds three headers of its own to the producer's.
    maxHeadersPerEvent: limits.maxHeadersPerEvent + 3,
    maxHeaderBytes: limits.maxHeaderBytes,
    durability: env.FAILOVER_REDIS_DURABILITY,
    registry,
  });
  return {
    redis,
    writer,
    depths: async (topics) => {
      const depths = await Promise.all(topics.map((topic) => redis.xlen(failoverStreamKeys(topic).stream)));
      return Object.fromEntries(topics.map((topic, i) => [topic, depths[i]]));
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable)';
  }
}
