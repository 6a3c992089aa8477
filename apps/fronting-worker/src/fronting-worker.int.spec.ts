import { canStartApacheKafka, eventually, findFreePort } from '@eventpath/dev-infra';
import { Redis } from 'ioredis';
import { FailoverStreamWriter } from '@eventpath/queues';
import { DEAD_LETTER_HEADERS } from '@eventpath/relay';
import { loadFrontingWorkerConfig } from './config';
import { createFrontingWorker } from './fronting-worker';
import { workerMetric } from './test-support/prometheus-text';
import { ID_HEADER, completeness, header, produceEvents, quickKafka, readTopic, testEvents, toFailoverEvent } from './test-support/relay-test-support';
import { workerEnv } from './test-support/worker-env';
import { startWorkerTestStack, type WorkerTestStack } from './test-support/worker-test-stack';

const describeOnRealKafka = canStartApacheKafka() ? describe : describe.skip;

describeOnRealKafka('fronting-worker start-up and operations (two Apache Kafka clusters + redis-server)', () => {
  let stack: WorkerTestStack;

  beforeAll(async () => {
    stack = await startWorkerTestStack();
  }, 120_000);

  afterAll(() => stack?.release());

  it('relays and drains once started from configuration, dead-letters a poison record without blocking its partition, and serves its operations endpoints', async () => {
    const { fronting, mainstream } = stack;
    const topic = await fronting.createUniqueTopic('start-up', 2);
    // The poison: one record over the mainstream topic's max.message.bytes.
    await mainstream.createTopic(topic, 2, { 'max.message.bytes': '16384' });
    const deadLetterTopic = await fronting.createUniqueTopic('start-up-dlq', 1);
    const live = testEvents(50, { prefix: 'live', keys: 2 });
    const poison = live[20];
    poison.value = poison.value.padEnd(40_000, 'x');
    const buffered = testEvents(50, { prefix: 'buffered' });
    await produceEvents(quickKafka(fronting.brokers, 'start-up-producer'), topic, live);
    const redis = new Redis(stack.redis.url);
    await new FailoverStreamWriter(redis, { maxEntriesPerStream: 1000 }).append(topic, buffered.map(toFailoverEvent));
    redis.disconnect();

    const app = await stack.startWorker({
      groupId: `start-up-${Date.now()}`,
      instanceId: 'start-up-1',
      extra: { WORKER_TOPICS: topic, WORKER_DEAD_LETTER_TOPIC: deadLetterTopic },
    });
    expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(200);
    await eventually(async () => (await fetch(`${app.opsUrl}/readyz`)).status === 200, 60_000, 'ready');
    // Drained into the fronting topic, then relayed with the live events; the poison dead-lettered.
    await eventually(async () => (await workerMetric(app.opsUrl, 'eventpath_relay_records_total', { topic })) >= 99, 60_000, 'everything relayed');
    const healthy = [...live, ...buffered].filter((e) => e !== poison);
    const relayed = await readTopic(mainstream.bootstrap, topic);
    expect(completeness(healthy, relayed, ID_HEADER).missing).toEqual([]);
    expect(relayed.some((r) => header(r, ID_HEADER) === poison.id)).toBe(false);
    const letters = await readTopic(fronting.bootstrap, deadLetterTopic);
    expect(letters.map((l) => [header(l, ID_HEADER), header(l, DEAD_LETTER_HEADERS.reason), header(l, DEAD_LETTER_HEADERS.originTopic)])).toEqual([
      [poison.id, 'message-too-large', topic],
    ]);
    expect(await workerMetric(app.opsUrl, 'eventpath_relay_dead_lettered_total', { topic, reason: 'message-too-large' })).toBe(1);
    await eventually(async () => (await workerMetric(app.opsUrl, 'eventpath_relay_consumer_lag', { topic })) === 0, 30_000, 'lag 0');

    const metrics = await (await fetch(`${app.opsUrl}/metrics`)).text();
    expect(metrics).toContain('app="fronting-worker"');
    for (const name of ['eventpath_relay_consumer_lag', 'eventpath_drain_events_total', 'eventpath_failover_stream_depth', 'eventpath_relay_paused_partitions']) {
      expect(metrics).toContain(name);
    }
    await app.stop();
    await expect(app.done).resolves.toBeUndefined();
  });

  it('stays up and says what it waits for when the clusters and Redis are unreachable at start', async () => {
    const [nowhere, nobody, noRedis] = [await findFreePort(), await findFreePort(), await findFreePort()];
    const app = await createFrontingWorker(
      loadFrontingWorkerConfig(
        workerEnv({
          fronting: [`127.0.0.1:${nowhere}`],
          mainstream: [`127.0.0.1:${nobody}`],
          redisUrl: `redis://127.0.0.1:${noRedis}`,
          groupId: 'unreachable',
          instanceId: 'unreachable-1',
        }),
      ),
    );
    try {
      expect((await fetch(`${app.opsUrl}/healthz`)).status).toBe(200);
      const readiness = await fetch(`${app.opsUrl}/readyz`);
      expect(readiness.status).toBe(503);
      const { failures } = (await readiness.json()) as { failures: Record<string, string> };
      expect(failures['fronting-kafka']).toMatch(/not consuming yet/);
      expect(failures['mainstream-kafka']).toMatch(/not connected to the mainstream cluster/);
      expect(failures['redis']).toMatch(/redis connection is/);
      expect(failures['dead-letter-topic']).toBeDefined();
    } finally {
      const stopped = performance.now();
      await app.stop();
      expect(performance.now() - stopped).toBeLessThan(10_000);
    }
    await expect(app.done).resolves.toBeUndefined();
  });
});
