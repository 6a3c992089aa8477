import Redis from 'ioredis';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '../apache-kafka/kafka-classpath';
import { startDevKafka, type DevKafka } from '../dev-kafka';
import { startAppProcess, type AppProcess } from '../dev-stack/app-process';
import { waitUntilReady } from '../dev-stack/app-readiness';
import { DEMO_TOPICS, demoTopicSpecs, writeDemoConfigs } from '../dev-stack/demo-configs';
import { findFreePort, startRedis, type DevRedis } from '../redis';
import type { LoadSummary } from './load-stats';
import { runLoad, type LoadOptions } from './run-load';
import { loadSampleEncoder } from './sample-schema';

/**
 * The load generator against a real rest-gateway (its main.ts as a process,
 * the dev broker, redis-server): its summary counts exactly the events the
 * gateway acknowledged, by durability level — checked against the gateway's
 * own counters, the Redis failover streams and the fronting Kafka's offsets
 * (which may hold more: a send that timed out fails over, and Kafka may still
 * have stored it).
 */
describe('the load generator against a gateway', () => {
  let kafka: DevKafka;
  let redis: DevRedis;
  let gateway: AppProcess;
  let dir: string;
  let url: string;
  let opsUrl: string;
  const log: string[] = [];
  const topics = DEMO_TOPICS.map((topic) => topic.name);
  const messageTypes = Object.fromEntries(DEMO_TOPICS.map((topic) => [topic.name, topic.messageType]));
  const encoder = loadSampleEncoder();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'load-spec-'));
    kafka = await startDevKafka({ brokers: 1, topics: demoTopicSpecs([]), controlPort: 0 });
    redis = await startRedis();
    const configs = await writeDemoConfigs(repositoryRoot(), dir, topics);
    const [httpPort, opsPort] = [await findFreePort(), await findFreePort()];
    url = `http://127.0.0.1:${httpPort}`;
    opsUrl = `http://127.0.0.1:${opsPort}`;
    gateway = startAppProcess(
      {
        name: 'rest-gateway',
        entry: 'apps/rest-gateway/src/main.ts',
        cwd: repositoryRoot(),
        env: {
          PATH: process.env['PATH'],
          LOG_LEVEL: 'warn',
          FRONTING_KAFKA_BROKERS: kafka.bootstrap,
          FRONTING_KAFKA_RETRIES: '1',
          // A send slower than this fails over although Kafka may still store it (a duplicate): keep that rare on a busy machine.
          FRONTING_SEND_TIMEOUT_MS: '5000',
          REDIS_URL: redis.url,
          GATEWAY_CONFIG: configs.gateway,
          HTTP_PORT: String(httpPort),
          HTTP_HOST: '127.0.0.1',
          OPS_PORT: String(opsPort),
        },
      },
      (line) => log.push(line),
    );
    const readiness = await waitUntilReady(opsUrl, 60_000);
    if (!readiness.ready) throw new Error(`the gateway is not ready: ${readiness.detail}\n${log.join('\n')}`);
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop(10_000);
    await Promise.allSettled([kafka?.stop(), redis?.stop()]);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const load = (overrides: Partial<LoadOptions>): Promise<LoadSummary> =>
    runLoad({
      url,
      rate: 400,
      count: 400,
      mix: { topics, batchRatio: 0.4, protobufRatio: 0.5, maxBatchSize: 20 },
      messageTypes,
      encoder,
      concurrency: 16,
      timeoutMs: 10_000,
      seed: 11,
      idPrefix: 'spec',
      ...overrides,
    });

  /** The gateway's eventpath_gateway_events_total by destination, over every topic. */
  const gatewayCounts = async (): Promise<Record<string, number>> => {
    const text = await (await fetch(`${opsUrl}/metrics`)).text();
    const counts: Record<string, number> = { kafka: 0, failover: 0, rejected: 0 };
    for (const match of text.matchAll(/^eventpath_gateway_events_total\{([^}]*)\} (\S+)$/gm)) {
      const destination = /destination="([^"]+)"/.exec(match[1])?.[1] ?? '?';
      counts[destination] = (counts[destination] ?? 0) + Number(match[2]);
    }
    return counts;
  };
  const kafkaRecords = async () => {
    let total = 0;
    for (const topic of DEMO_TOPICS) for (let partition = 0; partition < topic.partitions; partition++) total += (await kafka.watermarks(topic.name, partition)).high;
    return total;
  };
  const failoverEntries = async () => {
    const client = new Redis(redis.url);
    try {
      let total = 0;
      for (const topic of topics) total += await client.xlen(`eventpath:failover:{${topic}}`);
      return total;
    } finally {
      client.disconnect();
    }
  };

  it('counts every event the gateway acknowledged, by durability level, in every request shape', async () => {
    const progress: string[] = [];
    const summary = await load({ onProgress: (line) => progress.push(line), progressIntervalMs: 200 });
    expect(summary.sent).toBe(400);
    expect(summary.failures).toEqual({});
    expect(summary.kafka + summary.failover).toBe(400);
    const counts = await gatewayCounts();
    expect({ kafka: summary.kafka, failover: summary.failover }).toEqual({ kafka: counts.kafka, failover: counts.failover });
    expect(counts.rejected).toBe(0);
    expect(summary.kafka).toBeGreaterThan(0);
    // Kafka may also hold events of sends that timed out and failed over: at least the acknowledged ones.
    expect(await kafkaRecords()).toBeGreaterThanOrEqual(summary.kafka);
    expect(await failoverEntries()).toBe(summary.failover);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatch(/^\d+s sent \d+ acked \d+ \(kafka \d+, failover \d+\) errors 0 in flight \d+ \| \d+ acked\/s$/);
  }, 60_000);

  it('counts events acknowledged from the failover stream while the fronting Kafka is down', async () => {
    const before = await gatewayCounts();
    const recordsBefore = await kafkaRecords();
    const entriesBefore = await failoverEntries();
    await kafka.down(1);
    let summary: LoadSummary;
    try {
      summary = await load({ count: 200, rate: 200, seed: 12, idPrefix: 'outage' });
    } finally {
      await kafka.up(1);
    }
    expect(summary.sent).toBe(200);
    expect(summary.failover).toBeGreaterThan(0);
    expect(summary.kafka + summary.failover).toBe(200);
    const after = await gatewayCounts();
    expect({ kafka: summary.kafka, failover: summary.failover }).toEqual({ kafka: after.kafka - before.kafka, failover: after.failover - before.failover });
    expect((await kafkaRecords()) - recordsBefore).toBeGreaterThanOrEqual(summary.kafka);
    expect((await failoverEntries()) - entriesBefore).toBe(summary.failover);
  }, 60_000);

  it('counts refused requests as not acknowledged, by status', async () => {
    const summary = await load({ count: 30, mix: { topics: ['no-such-topic'], batchRatio: 0.5, protobufRatio: 0.5, maxBatchSize: 5 }, messageTypes: { 'no-such-topic': messageTypes.events } });
    expect(summary.kafka + summary.failover).toBe(0);
    expect(summary.failures).toEqual({ '404': 30 });
  }, 30_000);
});
