import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { eventually, findFreePort, startRedis, useTestKafka, type DevRedis, type TestKafka } from '@eventpath/dev-infra';
import { FailoverStreamWriter } from '@eventpath/queues';
import { loadSchemas } from '@eventpath/schemas';
import { bundleApps, REPO_ROOT, type AppBundles } from './app-bundles';
import { startAppProcess, type AppProcess } from './app-process';

const EXAMPLE_PROTO = join(REPO_ROOT, 'apps', 'archiver', 'example', 'proto');
const PAGE_VIEWED = 'eventpath.example.PageViewed';

export interface PipelineUnderTest {
  gateway: AppProcess;
  worker: AppProcess;
  archiver: AppProcess;
  apps: AppProcess[];
  /** The fronting topic the gateway takes events for; the worker relays it to `archivedTopic`, which the archiver archives. */
  frontingTopic: string;
  archivedTopic: string;
  /** POSTs one PageViewed to the gateway's native API; resolves to the answer's status. */
  postEvent(id: string): Promise<number>;
  /** Appends one PageViewed to the fronting topic's failover stream, as a gateway does when Kafka is down. */
  appendToFailover(id: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The three apps on one Kafka (as both the fronting and the mainstream
 * cluster, the worker renaming the topic on the way) and one redis-server:
 * gateway → fronting topic → worker → archived topic → archiver → a local
 * directory, and Redis failover stream → worker drain → fronting topic.
 */
export async function startPipelineUnderTest(): Promise<PipelineUnderTest> {
  const started: Array<{ stop(): Promise<void> }> = [];
  const running: AppProcess[] = [];
  const stopAll = async () => {
    await Promise.all(running.map((app) => app.stop()));
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
  };
  try {
    const directory = await mkdtemp(join(tmpdir(), 'ops-checks-'));
    started.push({ stop: () => rm(directory, { recursive: true, force: true }) });
    const [kafka, redis, bundles]: [TestKafka, DevRedis, AppBundles] = await Promise.all([
      useTestKafka().then((kafka) => (started.push({ stop: () => kafka.release() }), kafka)),
      startRedis().then((redis) => (started.push(redis), redis)),
      bundleApps(join(directory, 'bundles')),
    ]);
    const [frontingTopic, archivedTopic, deadLetterTopic] = await Promise.all([
      kafka.createUniqueTopic('ops-events', 2),
      kafka.createUniqueTopic('ops-archived', 2),
      kafka.createUniqueTopic('ops-dead-letters', 1),
    ]);
    const suffix = frontingTopic.slice(frontingTopic.lastIndexOf('-') + 1);

    const gatewayConfig = join(directory, 'gateway.json');
    await writeFile(
      gatewayConfig,
      JSON.stringify({ topics: { [frontingTopic]: { messageType: PAGE_VIEWED } }, schemas: { sources: [{ name: 'example', location: EXAMPLE_PROTO }], pollIntervalMs: 0 } }),
    );
    const archiverConfig = join(directory, 'archiver.json');
    await writeFile(
      archiverConfig,
      JSON.stringify({
        logLevel: 'warn',
        kafka: {
          brokers: kafka.brokers,
          clientId: 'ops-checks-archiver',
          consumer: { sessionTimeout: '6s', heartbeatInterval: '500ms', maxWaitTime: '100ms', commitInterval: '200ms', fromBeginning: true },
        },
        archive: { url: `file://${join(directory, 'archive')}`, workDirectory: join(directory, 'archiver-work'), uploadAttempts: 3 },
        schemas: { sources: [{ name: 'example', location: EXAMPLE_PROTO }], pollInterval: 0 },
        budgets: { memory: '64MiB' },
        defaults: { idleClose: '1s', groupId: `ops-checks-archiver-${suffix}` },
        topics: [{ names: [archivedTopic], messageType: PAGE_VIEWED, timestamp: { field: 'event_time' } }],
      }),
    );
    const kafkaClient = (prefix: string) => ({
      [`${prefix}KAFKA_BROKERS`]: kafka.bootstrap,
      [`${prefix}KAFKA_REQUEST_TIMEOUT_MS`]: '5000',
      [`${prefix}KAFKA_RETRIES`]: '3',
      [`${prefix}KAFKA_RETRY_INITIAL_MS`]: '100',
      [`${prefix}KAFKA_RETRY_MAX_MS`]: '1000',
    });
    const httpPort = await findFreePort();
    const [gateway, worker, archiver] = await Promise.all([
      startAppProcess('rest-gateway', bundles, {
        ...kafkaClient('FRONTING_'),
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(httpPort),
        REDIS_URL: redis.url,
        GATEWAY_CONFIG: gatewayConfig,
        TOPIC_REFRESH_MS: '2000',
      }),
      startAppProcess('fronting-worker', bundles, {
        ...kafkaClient('FRONTING_'),
        ...kafkaClient('MAINSTREAM_'),
        REDIS_URL: redis.url,
        WORKER_TOPICS: frontingTopic,
        WORKER_TOPIC_MAP: `${frontingTopic}:${archivedTopic}`,
        WORKER_DEAD_LETTER_TOPIC: deadLetterTopic,
        WORKER_GROUP_ID: `ops-checks-worker-${suffix}`,
        // Quick enough for one event: streams found within a second, commits and lag readings several times a second.
        WORKER_TOPIC_REFRESH_MS: '1000',
        WORKER_COMMIT_INTERVAL_MS: '200',
        WORKER_LAG_INTERVAL_MS: '500',
        DRAIN_BLOCK_MS: '200',
      }),
      startAppProcess('archiver', bundles, { ARCHIVER_CONFIG: archiverConfig }),
    ].map((start) => start.then((app) => (running.push(app), app))));
    const apps = [gateway, worker, archiver];
    await Promise.all(apps.map((app) => app.ready()));

    const schema = (await loadSchemas([{ kind: 'protoDirectory', name: 'example', directory: EXAMPLE_PROTO }])).messageType(PAGE_VIEWED);
    const failoverRedis = new Redis(redis.url);
    started.push({ stop: async () => failoverRedis.disconnect() });
    const failover = new FailoverStreamWriter(failoverRedis, { maxEntriesPerStream: 1000 });
    const gatewayUrl = `http://127.0.0.1:${httpPort}`;
    // The ops server (and /readyz) comes up before the ingest API listens.
    await eventually(async () => (await fetch(`${gatewayUrl}/v1/topics`).catch(() => undefined)) !== undefined, 30_000, 'the ingest API to listen');
    return {
      gateway,
      worker,
      archiver,
      apps,
      frontingTopic,
      archivedTopic,
      postEvent: async (id) => {
        const answer = await fetch(`${gatewayUrl}/v1/topics/${frontingTopic}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id, value: pageViewed(id) }),
        });
        return answer.status;
      },
      appendToFailover: async (id) => {
        const value = Buffer.from(schema.encode(schema.fromJson(pageViewed(id))));
        await failover.append(frontingTopic, [{ id, value }]);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A PageViewed in protobuf JSON, its event time two hours ago (a closed hour, so an idle file is stored at once). */
function pageViewed(id: string): Record<string, unknown> {
  return {
    event_id: id,
    event_time: new Date(Date.now() - 2 * 3600_000).toISOString(),
    url: `https://shop.example/p/${id}`,
    visitor: { user_id: 'u-1', session_id: `s-${id}`, country: 'ID' },
    tags: ['ops'],
    attributes: { check: 'metrics' },
    duration_seconds: 1.5,
    device: 'DEVICE_DESKTOP',
  };
}
