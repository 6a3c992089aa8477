import { mkdir } from 'node:fs/promises';
import { startGcsEmulator, type GcsEmulator } from '../gcs-emulator';
import { startRedis, type DevRedis } from '../redis';
import { startStackKafka, type StackKafka, type StackKafkaKind } from './stack-kafka';

export interface DevStackOptions {
  /** Topics created in both Kafka clusters, as `name:partitions`. */
  topics: string[];
  /** Where Redis's AOF and the emulated bucket live. */
  dataDir: string;
  /** Bucket created in the GCS emulator. */
  bucket: string;
  /** Fixed GCS emulator port; a free one if 0. */
  gcsPort: number;
  /** The dev broker (default, no Java needed) or Apache Kafka for both clusters. */
  kafka?: StackKafkaKind;
}

export interface DevStack {
  fronting: StackKafka;
  mainstream: StackKafka;
  redis: DevRedis;
  gcs: GcsEmulator;
  /** Environment variables pointing each app at this stack. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The local stand-ins for everything the pipeline talks to in production: a
 * fronting and a mainstream Kafka cluster (two independent dev brokers, each
 * with a control port for outage drills, or two Apache Kafka nodes), Redis
 * with AOF and noeviction, and the GCS emulator with one bucket.
 */
export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  await mkdir(options.dataDir, { recursive: true });
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const kind = options.kafka ?? 'dev';
    const fronting = await startStackKafka(kind, options.topics, `${options.dataDir}/kafka-fronting`);
    started.push(fronting);
    const mainstream = await startStackKafka(kind, options.topics, `${options.dataDir}/kafka-mainstream`);
    started.push(mainstream);
    const redis = await startRedis({ dir: `${options.dataDir}/redis` });
    started.push(redis);
    const gcs = await startGcsEmulator({ port: options.gcsPort, dataDir: `${options.dataDir}/gcs`, buckets: [options.bucket] });
    started.push(gcs);
    const env = {
      FRONTING_KAFKA_BROKERS: fronting.bootstrap,
      MAINSTREAM_KAFKA_BROKERS: mainstream.bootstrap,
      REDIS_URL: redis.url,
      GCS_API_ENDPOINT: gcs.url,
      ARCHIVE_URL: `gs://${options.bucket}/archive`,
    };
    return { fronting, mainstream, redis, gcs, env, stop: () => stopAll(started) };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

async function stopAll(parts: Array<{ stop(): Promise<void> }>): Promise<void> {
  await Promise.allSettled([...parts].reverse().map((part) => part.stop()));
}
