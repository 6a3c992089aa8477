import { hostname } from 'node:os';
import { CompressionTypes } from 'kafkajs';
import { kafkaClientSettings, kafkaConfigSchema, type KafkaClientSettings } from '@eventpath/queues';
import { PARTITIONINGS, TopicMapping, TopicSelector, isValidTopicName } from '@eventpath/relay';
import { ConfigError, ConfigProblems, configFields, loadConfig, type EnvSource } from '@eventpath/runtime';
import { z } from 'zod';

const COMPRESSIONS = { none: undefined, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };
const CLUSTERS = ['fronting', 'mainstream'] as const;
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(', ')}` });
const count = () => z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must be >= 0');
const topicName = () => z.string().refine(isValidTopicName, { message: 'must be a Kafka topic name (1-249 characters of a-z A-Z 0-9 . _ -)' });
/** A value parsed by `parse`, whose error message becomes the key's reason. */
const parsed = <T>(parse: (text: string) => T) =>
  z.string().transform((text, ctx) => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/**
 * Environment variables of the fronting-worker besides the two clusters'
 * `FRONTING_KAFKA_*` and `MAINSTREAM_KAFKA_*` keys (libs/queues'
 * `kafkaConfigSchema`); see README "Configuration".
 */
export const frontingWorkerEnvSchema = z
  .object({
    LOG_LEVEL: configFields.logLevel().default('info'),
    /** Port of the operations server: /healthz, /readyz, /metrics. */
    OPS_PORT: configFields.port().default(9402),
    /** Redis holding the gateway's failover streams. Required while the drain is on. */
    REDIS_URL: configFields.url().optional(),

    /** Fronting topics to relay (and whose failover streams to drain): `a,b`, `/regex/`, or every topic when unset. */
    WORKER_TOPICS: parsed((text) => TopicSelector.parse(text)).default(TopicSelector.all()),
    /** How often topics and failover streams are listed again, to pick up new ones. */
    WORKER_TOPIC_REFRESH_MS: configFields.positiveInt().default(30_000),
    /** Kafka consumer group of every worker instance. */
    WORKER_GROUP_ID: z.string().min(1).default('eventpath-fronting-worker'),
    /** This process's name in the Redis consumer groups; unique per running process. */
    WORKER_INSTANCE_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
    /** Mainstream topic names: `fronting:mainstream` pairs; unlisted topics keep their name. */
    WORKER_TOPIC_MAP: parsed((text) => TopicMapping.parse(text)).default(TopicMapping.identity()),
    /** `key` (Kafka's partitioner on the key) or `same-partition` (the fronting partition number). */
    WORKER_PARTITIONING: oneOf(PARTITIONINGS as ['key', 'same-partition']).default('key'),
    /** A topic the target cluster lacks: `dead-letter` its records, or `wait` until it exists. */
    WORKER_UNKNOWN_TOPIC: oneOf(['dead-letter', 'wait']).default('dead-letter'),
    WORKER_DEAD_LETTER_TOPIC: topicName().default('eventpath-dead-letter'),
    /** Which cluster holds the dead-letter topic. */
    WORKER_DEAD_LETTER_CLUSTER: oneOf(CLUSTERS).default('fronting'),
    WORKER_COMMIT_INTERVAL_MS: configFields.positiveInt().default(1000),
    /** Most bytes of one record batch sent to the mainstream cluster (keep <= its message.max.bytes). */
    WORKER_MAX_BATCH_BYTES: configFields.positiveInt().default(1024 * 1024),
    WORKER_COMPRESSION: oneOf(Object.keys(COMPRESSIONS) as [keyof typeof COMPRESSIONS]).default('none'),
    /** Fetching of a partition pauses while this many of its bytes wait for the mainstream cluster. */
    WORKER_BUFFER_BYTES_PER_PARTITION: configFields.positiveInt().default(4 * 1024 * 1024),
    WORKER_SESSION_TIMEOUT_MS: configFields.positiveInt().default(30_000),
    WORKER_HEARTBEAT_INTERVAL_MS: configFields.positiveInt().default(3000),
    /** First and largest delay between retries of a failed send (or connection). */
    WORKER_RETRY_INITIAL_MS: configFields.positiveInt().default(200),
    WORKER_RETRY_MAX_MS: configFields.positiveInt().default(10_000),
    /** How often consumer lag is read. */
    WORKER_LAG_INTERVAL_MS: configFields.positiveInt().default(5000),

    DRAIN_ENABLED: configFields.bool().default(true),
    /** Where drained failover events go. */
    DRAIN_TARGET: oneOf(CLUSTERS).default('fronting'),
    /** Most failover events per second this worker drains; 0 means no limit. */
    DRAIN_RATE_LIMIT: count().default(5000),
    DRAIN_GROUP: z.string().min(1).default('eventpath-failover'),
    DRAIN_BATCH_SIZE: configFields.positiveInt().default(500),
    DRAIN_BLOCK_MS: configFields.positiveInt().default(1000),
    /** Entries another worker left pending this long are taken over (it is presumed dead). */
    DRAIN_CLAIM_IDLE_MS: configFields.positiveInt().default(60_000),
    /** The Kafka header carrying the event id (the gateway's). */
    DRAIN_EVENT_ID_HEADER: z.string().min(1).default('eventpath-event-id'),
  })
  .superRefine((env, ctx) => {
    if (env.DRAIN_ENABLED && env.REDIS_URL === undefined) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'is required while DRAIN_ENABLED is true' });
    }
    if (env.WORKER_RETRY_INITIAL_MS > env.WORKER_RETRY_MAX_MS) {
      ctx.addIssue({ code: 'custom', path: ['WORKER_RETRY_INITIAL_MS'], message: 'must not exceed WORKER_RETRY_MAX_MS' });
    }
    if (env.WORKER_HEARTBEAT_INTERVAL_MS >= env.WORKER_SESSION_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['WORKER_HEARTBEAT_INTERVAL_MS'], message: 'must be below WORKER_SESSION_TIMEOUT_MS' });
    }
    const listed = env.WORKER_TOPICS.listed ?? [];
    if (env.WORKER_DEAD_LETTER_CLUSTER === 'fronting' && listed.includes(env.WORKER_DEAD_LETTER_TOPIC)) {
      ctx.addIssue({ code: 'custom', path: ['WORKER_TOPICS'], message: `lists the dead-letter topic ${env.WORKER_DEAD_LETTER_TOPIC}, which is never relayed` });
    }
    if (env.WORKER_DEAD_LETTER_CLUSTER === 'mainstream') {
      const into = env.WORKER_TOPIC_MAP.entries().find(([, to]) => to === env.WORKER_DEAD_LETTER_TOPIC);
      if (into) ctx.addIssue({ code: 'custom', path: ['WORKER_TOPIC_MAP'], message: `maps ${into[0]} onto the dead-letter topic ${into[1]}` });
    }
  });

export type FrontingWorkerEnv = z.infer<typeof frontingWorkerEnvSchema>;

/** The worker's whole validated configuration. */
export interface FrontingWorkerConfig {
  env: FrontingWorkerEnv;
  /** The cluster consumed (`FRONTING_KAFKA_*`). */
  fronting: KafkaClientSettings;
  /** The cluster relayed to (`MAINSTREAM_KAFKA_*`). */
  mainstream: KafkaClientSettings;
}

/** The kafkajs codec of `WORKER_COMPRESSION`. */
export function compressionOf(env: FrontingWorkerEnv): CompressionTypes | undefined {
  return COMPRESSIONS[env.WORKER_COMPRESSION];
}

/**
 * Reads and validates every key; a wrong value anywhere is one
 * `ConfigError` naming each wrong key (with its prefix) and why.
 */
export function loadFrontingWorkerConfig(env: EnvSource = process.env): FrontingWorkerConfig {
  const collected = new ConfigProblems();
  const { problems } = collected;
  const attempt = <T>(load: () => T): T | undefined => collected.attempt(load);
  const workerEnv = attempt(() => loadConfig(frontingWorkerEnvSchema, env));
  const fronting = attempt(() => kafkaClientSettings(loadConfig(kafkaConfigSchema('FRONTING_'), env), 'FRONTING_'));
  const mainstream = attempt(() => kafkaClientSettings(loadConfig(kafkaConfigSchema('MAINSTREAM_'), env), 'MAINSTREAM_'));
  if (problems.length > 0 || !workerEnv || !fronting || !mainstream) throw new ConfigError(problems);
  return { env: workerEnv, fronting, mainstream };
}
