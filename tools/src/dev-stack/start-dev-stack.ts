import { Storage } from '@google-cloud/storage';
import { mkdir } from 'node:fs/promises';
import { startGcsEmulator, type GcsEmulator } from '../gcs-emulator';
import { startRedis, type DevRedis } from '../redis';
import { startParentDeathGuard } from './parent-death-guard';
import { startStackKafka, useExternalKafka, type StackKafka, type StackKafkaKind } from './stack-kafka';

/** Components someone else runs; the stack starts only the ones not given here. */
export interface ExternalInfrastructure {
  /** `host:port,...` of the fronting cluster (`FRONTING_KAFKA_BROKERS`). */
  frontingBrokers?: string;
  /** `host:port,...` of the mainstream cluster (`MAINSTREAM_KAFKA_BROKERS`). */
  mainstreamBrokers?: string;
  /** `redis://...` (`REDIS_URL`). */
  redisUrl?: string;
  /** GCS JSON API endpoint (`GCS_API_ENDPOINT`). */
  gcsApiEndpoint?: string;
}

export interface DevStackOptions {
  /** Topics created in both Kafka clusters, as `name:partitions`. */
  topics: string[];
  /** Where Redis's AOF and the emulated bucket live. */
  dataDir: string;
  /** Bucket created in the GCS emulator (or in the external GCS, when missing). */
  bucket: string;
  /** Fixed GCS emulator port; a free one if 0. */
  gcsPort: number;
  /** The dev broker (default, no Java needed) or Apache Kafka for both clusters. */
  kafka?: StackKafkaKind;
  /** Components not to start; their topics and bucket are created when missing. */
  external?: ExternalInfrastructure;
}

export interface DevStack {
  fronting: StackKafka;
  mainstream: StackKafka;
  /** Undefined when Redis is external. */
  redis?: DevRedis;
  /** Undefined when GCS is external. */
  gcs?: GcsEmulator;
  /** Environment variables pointing each app at this stack. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The external components named by the environment (`FRONTING_KAFKA_BROKERS`, ...); empty values count as unset. */
export function externalInfrastructureFromEnv(env: NodeJS.ProcessEnv = process.env): ExternalInfrastructure {
  const value = (key: string) => env[key] || undefined;
  return {
    frontingBrokers: value('FRONTING_KAFKA_BROKERS'),
    mainstreamBrokers: value('MAINSTREAM_KAFKA_BROKERS'),
    redisUrl: value('REDIS_URL'),
    gcsApiEndpoint: value('GCS_API_ENDPOINT'),
  };
}

/**
 * The local stand-ins for everything the pipeline talks to in production: a
 * fronting and a mainstream Kafka cluster (two independent dev brokers, each
 * with a control port for outage drills, or two Apache Kafka nodes), Redis
 * with AOF and noeviction, and the GCS emulator with one bucket. A component
 * given in `external` is used instead of started.
 */
export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  await mkdir(options.dataDir, { recursive: true });
  const external = options.external ?? {};
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const kind = options.kafka ?? 'dev';
    const cluster = async (brokers: string | undefined, name: string) => {
      const kafka = brokers ? await useExternalKafka(brokers, options.topics) : await startStackKafka(kind, options.topics, `${options.dataDir}/kafka-${name}`);
      started.push(kafka);
      return kafka;
    };
    const fronting = await cluster(external.frontingBrokers, 'fronting');
    const mainstream = await cluster(external.mainstreamBrokers, 'mainstream');
    const redis = external.redisUrl ? undefined : await startRedis({ dir: `${options.dataDir}/redis` });
    if (redis) {
      // redis-server has no parent-death guard of its own: shut it down should this process die without stopping it.
      const guard = startParentDeathGuard('redis-cli -p "$1" shutdown >/dev/null 2>&1', [String(redis.port)]);
      started.push(redis, { stop: async () => guard.disarm() });
    }
    const gcs = external.gcsApiEndpoint ? undefined : await startGcsEmulator({ port: options.gcsPort, dataDir: `${options.dataDir}/gcs`, buckets: [options.bucket] });
    if (gcs) started.push(gcs);
    else await createBucketIfMissing(external.gcsApiEndpoint as string, options.bucket);
    const env = {
      FRONTING_KAFKA_BROKERS: fronting.bootstrap,
      MAINSTREAM_KAFKA_BROKERS: mainstream.bootstrap,
      REDIS_URL: redis?.url ?? (external.redisUrl as string),
      GCS_API_ENDPOINT: gcs?.url ?? (external.gcsApiEndpoint as string),
      ARCHIVE_URL: `gs://${options.bucket}/archive`,
    };
    return { fronting, mainstream, redis, gcs, env, stop: () => stopAll(started) };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

async function createBucketIfMissing(apiEndpoint: string, bucket: string): Promise<void> {
  const storage = new Storage({ apiEndpoint, projectId: 'eventpath-dev' });
  const [exists] = await storage.bucket(bucket).exists();
  if (!exists) await storage.createBucket(bucket);
}

async function stopAll(parts: Array<{ stop(): Promise<void> }>): Promise<void> {
  await Promise.allSettled([...parts].reverse().map((part) => part.stop()));
}
