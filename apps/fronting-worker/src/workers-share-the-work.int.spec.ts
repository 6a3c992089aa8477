import { setTimeout as pause } from 'node:timers/promises';
import { canStartApacheKafka, eventually } from '@eventpath/dev-infra';
import { Redis } from 'ioredis';
import { FailoverStreamWriter, failoverStreamKeys } from '@eventpath/queues';
import type { RunningFrontingWorker } from './fronting-worker';
import { workerMetric } from './test-support/prometheus-text';
import { ID_HEADER, completeness, produceEvents, quickKafka, readTopic, testEvents, toFailoverEvent, topicSize } from './test-support/relay-test-support';
import { startWorkerTestStack, type WorkerTestStack } from './test-support/worker-test-stack';

const describeOnRealKafka = canStartApacheKafka() ? describe : describe.skip;

describeOnRealKafka('two worker instances in one group (two Apache Kafka clusters + redis-server)', () => {
  let stack: WorkerTestStack;

  beforeAll(async () => {
    stack = await startWorkerTestStack();
  }, 120_000);

  afterAll(() => stack?.release());

  it('share the partitions and the failover stream, with no other coordination, and move everything once', async () => {
    const { fronting, mainstream } = stack;
    const topic = await fronting.createUniqueTopic('shared', 6);
    await mainstream.createTopic(topic, 6);
    const deadLetterTopic = await fronting.createUniqueTopic('shared-dlq', 1);
    const groupId = `shared-${Date.now()}`;
    const start = (instanceId: string) =>
      // A slow drain, so both instances take part in it.
      stack.startWorker({ groupId, instanceId, extra: { WORKER_TOPICS: topic, WORKER_DEAD_LETTER_TOPIC: deadLetterTopic, DRAIN_RATE_LIMIT: '400', DRAIN_BATCH_SIZE: '50' } });
    const [a, b] = [await start('instance-a'), await start('instance-b')];
    const assigned = async (w: RunningFrontingWorker) => workerMetric(w.opsUrl, 'eventpath_relay_assigned_partitions');
    await eventually(async () => (await assigned(a)) + (await assigned(b)) === 6 && (await assigned(a)) > 0 && (await assigned(b)) > 0, 60_000, 'both instances holding partitions');
    const partitions = (w: RunningFrontingWorker) => w.relay.assignment.flatMap((t) => t.partitions);
    expect([...partitions(a), ...partitions(b)].sort()).toEqual([0, 1, 2, 3, 4, 5]);

    const live = testEvents(3000, { prefix: 'live', keys: 30 });
    const buffered = testEvents(2000, { prefix: 'buffered' });
    const redis = new Redis(stack.redis.url);
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 100_000 });
    for (let i = 0; i < buffered.length; i += 500) await writer.append(topic, buffered.slice(i, i + 500).map(toFailoverEvent));
    const producer = quickKafka(fronting.brokers, 'shared-producer');
    for (let i = 0; i < live.length; i += 300) {
      await produceEvents(producer, topic, live.slice(i, i + 300));
      await pause(100);
    }

    const mainstreamAdmin = quickKafka(mainstream.brokers, 'shared-admin').admin();
    await mainstreamAdmin.connect();
    await eventually(async () => (await redis.xlen(failoverStreamKeys(topic).stream)) === 0, 90_000, 'the failover stream drained');
    // Drained into the fronting topic, then relayed with the live events.
    await eventually(async () => (await topicSize(mainstreamAdmin, topic)) >= live.length + buffered.length && true, 90_000, 'everything relayed');
    await mainstreamAdmin.disconnect();
    redis.disconnect();

    for (const w of [a, b]) {
      expect(await workerMetric(w.opsUrl, 'eventpath_relay_records_total', { topic })).toBeGreaterThan(0);
      expect(await workerMetric(w.opsUrl, 'eventpath_drain_events_total', { topic })).toBeGreaterThan(0);
    }
    const { missing, duplicates } = completeness([...live, ...buffered], await readTopic(mainstream.bootstrap, topic), ID_HEADER);
    expect(missing).toEqual([]);
    expect(duplicates).toBe(0);
  }, 300_000);
});
