import { BatchingProducer, createKafkaClient, type KafkaClientSettings } from '@eventpath/queues';
import type { TopicMetadataSource } from '@eventpath/ingest';
import type { Logger } from '@eventpath/runtime';
import { CompressionTypes, ConfigResourceTypes, ConfigSource, Partitioners, type Admin, type Kafka } from 'kafkajs';
import type { RestGatewayEnv } from './config';

const COMPRESSION: Record<RestGatewayEnv['FRONTING_COMPRESSION'], CompressionTypes | undefined> = {
  none: undefined,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/** The gateway's clients of the fronting cluster: one BatchingProducer (acks=-1) and one admin client for the topic list. */
export interface FrontingKafka {
  producer: BatchingProducer;
  /** Topic list source for the catalogue; connects the admin client on first use and after a failed connect. */
  topicSource: TopicMetadataSource;
  /** Per-topic configuration overrides (`GET /topics/{topic}`). */
  topicConfigs(topic: string): Promise<Record<string, string>>;
  /** Whether the producer has connected (it keeps reconnecting by itself afterwards). */
  readonly producerConnected: boolean;
  close(): Promise<void>;
}

/**
 * Creates the clients and connects the producer in the background, retrying
 * until it succeeds: a gateway started while the fronting Kafka is down
 * serves at once, failing events over to Redis until Kafka answers.
 */
export function openFrontingKafka(settings: KafkaClientSettings, env: RestGatewayEnv, logger: Logger): FrontingKafka {
  const kafka: Kafka = createKafkaClient(settings, { logger });
  const producer = new BatchingProducer(kafka, {
    acks: -1,
    lingerMs: env.FRONTING_LINGER_MS,
    maxBatchBytes: env.FRONTING_MAX_BATCH_BYTES,
    compression: COMPRESSION[env.FRONTING_COMPRESSION],
    // Kafka's Java client's partitioner (murmur2): keyed events land where Java producers put them.
    producerConfig: { allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner },
  });
  const admin: Admin = kafka.admin();
  let closed = false;
  let producerConnected = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const connectProducer = () => {
    producer.connect().then(
      () => {
        producerConnected = true;
        logger.info('connected to the fronting Kafka');
      },
      (error: unknown) => {
        if (closed) return;
        logger.warn({ reason: (error as Error).message }, 'fronting Kafka unreachable; events fail over to Redis; connecting again');
        retryTimer = setTimeout(connectProducer, 2000);
        retryTimer.unref();
      },
    );
  };
  connectProducer();

  let adminConnected: Promise<void> | undefined;
  const connectedAdmin = async () => {
    adminConnected ??= admin.connect().catch((error: unknown) => {
      adminConnected = undefined;
      throw error;
    });
    await adminConnected;
    return admin;
  };

  return {
    producer,
    topicSource: { fetchTopicMetadata: async () => (await connectedAdmin()).fetchTopicMetadata() },
    topicConfigs: async (topic) => {
      const { resources } = await (await connectedAdmin()).describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
        includeSynonyms: false,
      });
      const entries = resources[0]?.configEntries ?? [];
      // Per-topic overrides only (config source DYNAMIC_TOPIC_CONFIG), as the REST Proxy's "configs" are.
      const overrides = entries.filter((entry) => entry.configSource === ConfigSource.TOPIC_CONFIG);
      return Object.fromEntries(overrides.map((entry) => [entry.configName, entry.configValue]));
    },
    get producerConnected() {
      return producerConnected;
    },
    close: async () => {
      closed = true;
      clearTimeout(retryTimer);
      // Flushes what waits for the linger window; every request in flight has its answer by then.
      await Promise.allSettled([producerConnected ? producer.disconnect() : Promise.resolve(), admin.disconnect()]);
    },
  };
}
