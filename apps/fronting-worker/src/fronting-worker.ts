import { Redis } from 'ioredis';
import type { Admin, Kafka } from 'kafkajs';
import { createKafkaClient } from '@eventpath/queues';
import {
  ConnectOnDemand,
  ConsumerLagMonitor,
  DeadLetterWriter,
  FailoverDrain,
  FrontingRelay,
  KafkaTarget,
  TopicExistsCheck,
  TopicMapping,
  TopicWatcher,
  discoverKafkaTopics,
  keepTrying,
  type BackoffOptions,
} from '@eventpath/relay';
import { startAppShell, type AppShell, type Logger } from '@eventpath/runtime';
import { compressionOf, type FrontingWorkerConfig } from './config';

export interface RunningFrontingWorker extends AppShell {
  relay: FrontingRelay;
  /** The failover drain; absent with DRAIN_ENABLED=false. */
  drain?: FailoverDrain;
}

/**
 * Wires the fronting-worker from its configuration and starts it: the
 * relay (fronting Kafka → mainstream Kafka) and the failover drain (Redis
 * → the drain target), both at least once, with dead-lettering.
 *
 * Resolves once the operations server listens; clusters and Redis are
 * connected in the background and retried until they answer, so a worker
 * that starts while one is down waits (not ready) instead of exiting.
 * `done` rejects when the fronting consumer stopped for good: the process
 * exits 1 and restarts from the committed offsets.
 */
export async function createFrontingWorker(config: FrontingWorkerConfig, logger?: Logger): Promise<RunningFrontingWorker> {
  const { env } = config;
  const shell = await startAppShell({ name: 'fronting-worker', opsPort: env.OPS_PORT, logLevel: env.LOG_LEVEL, logger });
  const log = shell.logger;
  const stopping = new AbortController();
  const backoff: BackoffOptions = { initialMs: env.WORKER_RETRY_INITIAL_MS, maxMs: env.WORKER_RETRY_MAX_MS };
  const producer = { maxBatchBytes: env.WORKER_MAX_BATCH_BYTES, compression: compressionOf(env) };
  const unknownTopic = env.WORKER_UNKNOWN_TOPIC === 'wait' ? 'wait' : 'refuse';

  const frontingKafka = createKafkaClient(config.fronting, { logger: log.child({ cluster: 'fronting' }) });
  const mainstreamKafka = createKafkaClient(config.mainstream, { logger: log.child({ cluster: 'mainstream' }) });
  const clusters: Record<'fronting' | 'mainstream', { kafka: Kafka; admin: Admin; connection: ConnectOnDemand }> = {
    fronting: admin(frontingKafka),
    mainstream: admin(mainstreamKafka),
  };
  const mainstream = new KafkaTarget(mainstreamKafka, { name: 'mainstream', unknownTopic, backoff, producer });
  const deadLetterCluster = clusters[env.WORKER_DEAD_LETTER_CLUSTER];
  const deadLetters = new DeadLetterWriter(deadLetterCluster.kafka, { topic: env.WORKER_DEAD_LETTER_TOPIC, backoff, registry: shell.registry, logger: log });
  const deadLetterTopic = new TopicExistsCheck(
    async () => (await deadLetterCluster.connection.ensure(), deadLetterCluster.admin.listTopics()),
    env.WORKER_DEAD_LETTER_TOPIC,
    env.WORKER_DEAD_LETTER_CLUSTER,
  );

  // Relay: the fronting topics the selector chooses, found again every WORKER_TOPIC_REFRESH_MS.
  const relay = new FrontingRelay({
    kafka: frontingKafka,
    groupId: env.WORKER_GROUP_ID,
    target: mainstream,
    deadLetters,
    mapping: env.WORKER_TOPIC_MAP,
    partitioning: env.WORKER_PARTITIONING,
    // Half the producer's batch bound, which leaves room for compression overhead.
    maxSendBytes: Math.floor(env.WORKER_MAX_BATCH_BYTES / 2),
    maxBufferedBytesPerPartition: env.WORKER_BUFFER_BYTES_PER_PARTITION,
    commitIntervalMs: env.WORKER_COMMIT_INTERVAL_MS,
    consumerConfig: {
      sessionTimeout: env.WORKER_SESSION_TIMEOUT_MS,
      heartbeatInterval: env.WORKER_HEARTBEAT_INTERVAL_MS,
      allowAutoTopicCreation: false,
    },
    registry: shell.registry,
    logger: log,
  });
  const excluded = env.WORKER_DEAD_LETTER_CLUSTER === 'fronting' ? [env.WORKER_DEAD_LETTER_TOPIC] : [];
  const retrying = (what: string) => ({ signal: stopping.signal, backoff, logger: log.child({ during: what }) });
  const topics = new TopicWatcher(
    () =>
      keepTrying(
        'listing the fronting topics',
        async () => (await clusters.fronting.connection.ensure(), discoverKafkaTopics(clusters.fronting.admin, env.WORKER_TOPICS, excluded)),
        retrying('topic discovery'),
      ),
    {
      intervalMs: env.WORKER_TOPIC_REFRESH_MS,
      onChange: async (list) => {
        if (list.length === 0) log.warn({ selector: String(env.WORKER_TOPICS) }, 'no fronting topic matches WORKER_TOPICS yet');
        await keepTrying('joining the fronting consumer group', () => relay.subscribe(list), retrying('subscribe'));
      },
      onError: (error) => {
        if (!stopping.signal.aborted) log.warn({ err: error }, 'topic discovery failed; retrying at the next interval');
      },
    },
  );
  const lag = new ConsumerLagMonitor({
    admin: clusters.fronting.admin,
    groupId: env.WORKER_GROUP_ID,
    partitions: () => (clusters.fronting.connection.isConnected ? relay.assignment : []),
    registry: shell.registry,
    intervalMs: env.WORKER_LAG_INTERVAL_MS,
    logger: log,
  });

  shell.readiness['fronting-kafka'] = async () => {
    if (!relay.running) throw new Error(`not consuming yet (topics: ${String(env.WORKER_TOPICS)})`);
  };
  shell.readiness['mainstream-kafka'] = async () => {
    if (!mainstream.isConnected) throw new Error(`not connected to the mainstream cluster (${config.mainstream.brokers.join(',')}) yet`);
    const waiting = relay.waitingPartitions;
    if (waiting > 0) throw new Error(`${waiting} partition(s) waiting for the mainstream cluster to take their records`);
  };
  shell.readiness['dead-letter-topic'] = () => deadLetterTopic.check();

  // Drain: the failover streams of the same topics, into the drain target.
  let drain: FailoverDrain | undefined;
  let redis: Redis | undefined;
  let drainTarget: KafkaTarget | undefined;
  if (env.DRAIN_ENABLED) {
    // ioredis connects and reconnects by itself, forever; the drain starts once it is first ready.
    redis = new Redis(env.REDIS_URL as string);
    redis.on('error', (error) => log.debug({ err: error }, 'redis connection error'));
    drainTarget = env.DRAIN_TARGET === 'mainstream' ? mainstream : new KafkaTarget(frontingKafka, { name: 'fronting', unknownTopic, backoff });
    drain = new FailoverDrain({
      redis,
      selector: env.WORKER_TOPICS,
      target: drainTarget,
      deadLetters,
      mapping: env.DRAIN_TARGET === 'mainstream' ? env.WORKER_TOPIC_MAP : TopicMapping.identity(),
      consumer: env.WORKER_INSTANCE_ID,
      group: env.DRAIN_GROUP,
      batchSize: env.DRAIN_BATCH_SIZE,
      blockMs: env.DRAIN_BLOCK_MS,
      claimIdleMs: env.DRAIN_CLAIM_IDLE_MS,
      idHeader: env.DRAIN_EVENT_ID_HEADER,
      eventsPerSecond: env.DRAIN_RATE_LIMIT || undefined,
      discoveryIntervalMs: env.WORKER_TOPIC_REFRESH_MS,
      backoff,
      registry: shell.registry,
      logger: log.child({ component: 'drain' }),
    });
    const redisClient = redis;
    shell.readiness['redis'] = async () => {
      if (redisClient.status !== 'ready') throw new Error(`redis connection is ${redisClient.status}`);
      await redisClient.ping();
    };
  }

  // Start: nothing here waits for a cluster; each part retries until it works.
  void topics.start();
  lag.start();
  // Connected ahead of the first record, so a worker pointed at a cluster it cannot reach is not ready (a rollout stops there).
  void keepTrying('connecting to the mainstream cluster', () => mainstream.connect(), retrying('mainstream connect')).catch(() => undefined);
  void deadLetterTopic.check().catch((error: unknown) => log.error({ err: error }, 'dead-letter topic check failed'));
  if (drain && redis) {
    const drainer = drain;
    redis.once('ready', () => {
      if (!stopping.signal.aborted) void drainer.start();
    });
  }
  log.info(
    {
      topics: String(env.WORKER_TOPICS),
      groupId: env.WORKER_GROUP_ID,
      mainstream: config.mainstream.brokers,
      deadLetters: `${env.WORKER_DEAD_LETTER_CLUSTER}/${env.WORKER_DEAD_LETTER_TOPIC}`,
      drain: env.DRAIN_ENABLED ? `${env.DRAIN_TARGET}, ${env.DRAIN_RATE_LIMIT || 'unlimited'} events/s` : 'off',
    },
    'fronting-worker started',
  );

  // Stop, in reverse: the drain and the relay deliver what they hold and commit; then connections close.
  shell.onStop(async () => {
    await Promise.all([mainstream.disconnect(), drainTarget === mainstream ? undefined : drainTarget?.disconnect(), deadLetters.disconnect()]);
    await Promise.all(Object.values(clusters).map(({ admin: client, connection }) => (connection.isConnected ? client.disconnect() : undefined)));
    redis?.disconnect();
  });
  shell.onStop(async () => {
    stopping.abort(new Error('stopping'));
    lag.stop();
    await topics.stop();
    await Promise.all([relay.stop(), drain?.stop()]);
  });

  const failed = relay.closed.then(() => new Promise<never>(() => undefined));
  return { ...shell, relay, drain, done: Promise.race([shell.done, failed]) };
}

function admin(kafka: Kafka): { kafka: Kafka; admin: Admin; connection: ConnectOnDemand } {
  const client = kafka.admin();
  return { kafka, admin: client, connection: new ConnectOnDemand(() => client.connect()) };
}
