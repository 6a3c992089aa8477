import {
  ApiKeyAuthenticator,
  createIngestApp,
  DurableSink,
  IngestMetrics,
  PrincipalRateLimiter,
  RedisTopicListStore,
  TopicCatalogue,
  TopicValueCodecs,
  type IngestServices,
} from '@eventpath/ingest';
import { startAppShell, type AppShell, type Logger } from '@eventpath/runtime';
import type { RestGatewayConfig } from './config';
import { openFailoverRedis } from './failover-redis';
import { openFrontingKafka } from './fronting-kafka';
import { ingestLimits } from './gateway-config-file';
import { listen } from './http-server';
import { schemaTopics, startGatewaySchemas } from './schema-registry';

export interface RunningRestGateway extends AppShell {
  /** Base URL of the ingest API. */
  httpUrl: string;
  httpPort: number;
}

/**
 * Wires the rest-gateway from its configuration and starts it: the
 * operations server, Redis (refusing an evicting one), the schema registry
 * when topics have schemas, the fronting Kafka clients, the topic catalogue,
 * the durable sink and the ingest API. Resolves once it serves; rejects (and
 * releases what it opened) when it cannot start.
 */
export async function createRestGateway(config: RestGatewayConfig, logger?: Logger): Promise<RunningRestGateway> {
  const { env } = config;
  const shell = await startAppShell({ name: 'rest-gateway', opsPort: env.OPS_PORT, logLevel: env.LOG_LEVEL, logger });
  try {
    return await wire(shell, config);
  } catch (error) {
    await shell.stop();
    throw error;
  }
}

async function wire(shell: AppShell, { env, kafka: kafkaSettings, file }: RestGatewayConfig): Promise<RunningRestGateway> {
  const { logger, registry } = shell;
  const limits = ingestLimits(file);
  const metrics = new IngestMetrics(registry);

  const failover = await openFailoverRedis(env, limits, registry, logger);
  shell.onStop(() => failover.close());

  const schemas = await startGatewaySchemas(file, env.GATEWAY_CONFIG, env.REDIS_URL, logger, registry);
  if (schemas) shell.onStop(() => schemas.close());

  const fronting = openFrontingKafka(kafkaSettings, env, logger);
  shell.onStop(() => fronting.close());

  const allowed = file.topics ? new Set(Object.keys(file.topics)) : undefined;
  const catalogue = new TopicCatalogue({
    source: fronting.topicSource,
    refreshIntervalMs: env.TOPIC_REFRESH_MS,
    store: new RedisTopicListStore(failover.redis),
    include: allowed ? (topic) => allowed.has(topic) : undefined,
    metrics,
    logger,
  });
  await catalogue.start();
  shell.onStop(async () => catalogue.stop());
  metrics.readFailoverDepthWith(() => failover.depths(catalogue.names()));

  const sink = new DurableSink(fronting.producer, failover.writer, {
    breaker: {
      sendTimeoutMs: env.FRONTING_SEND_TIMEOUT_MS,
      consecutiveFailures: env.BREAKER_CONSECUTIVE_FAILURES,
      errorThresholdPercentage: env.BREAKER_ERROR_PERCENTAGE,
      volumeThreshold: env.BREAKER_VOLUME_THRESHOLD,
      resetTimeoutMs: env.BREAKER_RESET_MS,
    },
    maxInFlightBytes: env.MAX_IN_FLIGHT_BYTES,
    metrics,
    logger,
  });
  shell.onStop(async () => sink.close());

  const authenticator = new ApiKeyAuthenticator(file.apiKeys);
  if (authenticator.open) logger.warn('no API keys configured (GATEWAY_CONFIG apiKeys): the gateway is open, every request may produce to every topic');
  const services: IngestServices = {
    sink,
    topics: catalogue,
    authenticator,
    rateLimiter: new PrincipalRateLimiter(),
    codecs: new TopicValueCodecs(new Set(Object.keys(schemaTopics(file))), schemas),
    limits,
    maxBodyBytes: limits.maxBodyBytes,
    retryAfterSeconds: env.RETRY_AFTER_SECONDS,
    topicConfigs: fronting.topicConfigs,
    metrics,
    logger,
  };

  shell.readiness['topics'] = async () => {
    if (!catalogue.known) throw new Error(`the fronting topic list is not known yet: ${catalogue.lastRefreshError ?? 'not read yet'}`);
  };
  shell.readiness['durable-sink'] = async () => {
    if (fronting.producerConnected && catalogue.kafkaReachable && sink.circuitState === 'closed') return;
    try {
      await failover.writer.checkReady();
    } catch (error) {
      throw new Error(
        `neither the fronting Kafka (${catalogue.lastRefreshError ?? `circuit ${sink.circuitState}`}) nor the failover Redis (${(error as Error).message}) can take events`,
      );
    }
  };

  const server = await listen(createIngestApp(services), {
    port: env.HTTP_PORT,
    host: env.HTTP_HOST,
    tls: env.TLS_CERT_FILE && env.TLS_KEY_FILE ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE } : undefined,
  });
  // Runs first on stop: no new requests, those in flight answered, then the producer flushes and Redis closes.
  shell.onStop(() => server.close(env.SHUTDOWN_GRACE_MS));
  logger.info(
    { httpPort: server.port, tls: Boolean(env.TLS_CERT_FILE), topics: catalogue.names().length, auth: authenticator.open ? 'open' : 'api-keys' },
    'rest-gateway listening',
  );
  return Object.assign(shell, { httpUrl: server.url, httpPort: server.port });
}
