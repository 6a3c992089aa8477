import { setTimeout as pause } from 'node:timers/promises';
import { canStartApacheKafka, eventually } from '@eventpath/dev-infra';
import { Redis } from 'ioredis';
import type { Producer } from 'kafkajs';
import { FailoverStreamWriter, failoverStreamKeys } from '@eventpath/queues';
import { ID_HEADER, completeness, quickKafka, readTopic, testEvents, toFailoverEvent, toKafkaMessage, topicSize, type TestEvent } from './test-support/relay-test-support';
import { startWorkerProcess, type WorkerProcess } from './test-support/worker-process';
import { startWorkerTestStack, type WorkerTestStack } from './test-support/worker-test-stack';

// Workers run as processes of their own (main.ts under tsx) so they can be SIGKILLed.
// EVENTPATH_WORKER_LONG=1: more load and more kills.
const describeOnRealKafka = canStartApacheKafka() ? describe : describe.skip;
const LONG = process.env['EVENTPATH_WORKER_LONG'] === '1';

describeOnRealKafka('kill -9 of the fronting-worker (two Apache Kafka clusters + redis-server)', () => {
  let stack: WorkerTestStack;
  let redis: Redis;
  const workers: WorkerProcess[] = [];
  let n = 0;

  beforeAll(async () => {
    stack = await startWorkerTestStack();
    redis = new Redis(stack.redis.url);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    redis?.disconnect();
    await stack?.release();
  });

  const worker = (groupId: string, topic: string, deadLetterTopic: string, extra: Record<string, string> = {}) => {
    const process = startWorkerProcess(
      stack.env({ groupId, instanceId: `killed-worker-${n++}`, extra: { WORKER_TOPICS: topic, WORKER_DEAD_LETTER_TOPIC: deadLetterTopic, ...extra } }),
    );
    workers.push(process);
    return process;
  };

  it('relays everything after a kill -9 mid-stream and a restart; duplicates are counted and reported', async () => {
    const { fronting, mainstream } = stack;
    const topic = await fronting.createUniqueTopic('kill-relay', 4);
    await mainstream.createTopic(topic, 4);
    const deadLetterTopic = await fronting.createUniqueTopic('kill-relay-dlq', 1);
    const groupId = `kill-relay-${Date.now()}`;
    const mainstreamAdmin = quickKafka(mainstream.brokers, 'kill-relay-admin').admin();
    await mainstreamAdmin.connect();
    const load: Producer = quickKafka(fronting.brokers, 'kill-relay-load').producer({ allowAutoTopicCreation: false });
    await load.connect();
    const sent: TestEvent[] = [];
    let producing = true;
    const loading = (async () => {
      for (let tick = 0; producing; tick++) {
        const events = testEvents(50, { from: tick * 50, keys: 16 });
        await load.send({ topic, acks: -1, messages: events.map(toKafkaMessage) });
        sent.push(...events);
        await pause(50);
      }
    })();
    try {
      const kills = LONG ? 5 : 2;
      for (let kill = 0; kill < kills; kill++) {
        const victim = worker(groupId, topic, deadLetterTopic);
        // Killed while it relays the live load, past the burst of what its predecessor left.
        await eventually(async () => (await victim.metric('eventpath_relay_records_total')) >= 2000, 90_000, `worker ${kill} relaying`);
        await victim.kill();
      }
      const survivor = worker(groupId, topic, deadLetterTopic);
      await eventually(async () => (await survivor.metric('eventpath_relay_records_total')) > 0, 90_000, 'the restarted worker relaying');
      producing = false;
      await loading;
      await eventually(
        async () =>
          (await topicSize(mainstreamAdmin, topic)) >= sent.length &&
          (await survivor.metric('eventpath_relay_assigned_partitions')) === 4 &&
          (await survivor.metric('eventpath_relay_consumer_lag')) === 0,
        120_000,
        'the restarted worker caught up to lag 0',
      );
      const { missing, duplicates } = completeness(sent, await readTopic(mainstream.bootstrap, topic), ID_HEADER);
      console.log(`relay, kill -9 ×${kills}: ${sent.length} sent, ${missing.length} missing, ${duplicates} duplicates (allowed, redelivered after each kill)`);
      expect(missing).toEqual([]);
    } finally {
      producing = false;
      await loading;
      await load.disconnect();
      await mainstreamAdmin.disconnect();
    }
  }, 400_000);

  it('drains everything when a worker is killed mid-drain: another instance reclaims its pending entries', async () => {
    const { fronting, mainstream } = stack;
    const topic = await fronting.createUniqueTopic('kill-drain', 2);
    await mainstream.createTopic(topic, 2);
    const deadLetterTopic = await fronting.createUniqueTopic('kill-drain-dlq', 1);
    const groupId = `kill-drain-${Date.now()}`;
    const events = testEvents(LONG ? 20_000 : 3000, { prefix: 'buffered' });
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 1_000_000 });
    for (let i = 0; i < events.length; i += 500) await writer.append(topic, events.slice(i, i + 500).map(toFailoverEvent));
    const stream = failoverStreamKeys(topic).stream;
    // Slow enough that a batch is always in hand (read, waiting for the rate limit or Kafka).
    const drainSettings = { DRAIN_RATE_LIMIT: '600', DRAIN_BATCH_SIZE: '200', DRAIN_CLAIM_IDLE_MS: '3000' };

    const victim = worker(groupId, topic, deadLetterTopic, drainSettings);
    const victimName = `killed-worker-${n - 1}`;
    const pendingOf = async (consumer: string) => {
      const consumers = (await redis.xinfo('CONSUMERS', stream, 'eventpath-failover')) as unknown[][];
      const entry = consumers.map((c) => Object.fromEntries(toPairs(c))).find((c) => c['name'] === consumer);
      return Number(entry?.['pending'] ?? 0);
    };
    await eventually(async () => (await redis.xlen(stream)) <= events.length - 600 && (await pendingOf(victimName)) > 0, 90_000, 'the first worker draining');
    await victim.kill();
    const orphaned = await pendingOf(victimName);
    expect(orphaned).toBeGreaterThan(0);

    const rescuer = worker(groupId, topic, deadLetterTopic, drainSettings);
    await eventually(async () => (await redis.xlen(stream)) === 0, 120_000, 'the stream drained by the second worker');
    expect(await rescuer.metric('eventpath_failover_reclaimed_total', { topic })).toBeGreaterThanOrEqual(orphaned);
    expect(await pendingOf(victimName)).toBe(0);

    const frontingAdmin = quickKafka(fronting.brokers, 'kill-drain-admin').admin();
    await frontingAdmin.connect();
    await eventually(async () => (await topicSize(frontingAdmin, topic)) >= events.length && true, 60_000, 'every event in the fronting topic');
    await frontingAdmin.disconnect();
    const { missing, duplicates } = completeness(events, await readTopic(fronting.bootstrap, topic), ID_HEADER);
    console.log(`drain, kill -9 mid-drain: ${events.length} buffered, ${orphaned} reclaimed from the killed worker, ${missing.length} missing, ${duplicates} duplicates (allowed)`);
    expect(missing).toEqual([]);
  }, 300_000);
});

function toPairs(flat: unknown[]): Array<[string, unknown]> {
  const pairs: Array<[string, unknown]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([String(flat[i]), flat[i + 1]]);
  return pairs;
}
