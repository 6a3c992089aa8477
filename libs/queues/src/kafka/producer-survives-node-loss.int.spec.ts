import { canStartApacheKafka, eventually, kcatReadAll, startApacheKafka, type ApacheKafka } from '@eventpath/dev-infra';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { PartialDeliveryError, type KafkaOperationError } from '../errors';
import { BatchingProducer, type DeliveryReport } from './batching-producer';

// Leadership moves, ISR shrinks and quorum loss: only a real multi-node
// cluster does these.
const describeOnApacheKafka = canStartApacheKafka() ? describe : describe.skip;

describeOnApacheKafka('BatchingProducer on a 3-node Apache Kafka losing nodes', () => {
  let cluster: ApacheKafka;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    cluster = await startApacheKafka({
      brokers: 3,
      topics: [{ name: 'durable', partitions: 6, replicationFactor: 3, config: { 'min.insync.replicas': '2' } }],
    });
    kafka = new Kafka({ clientId: 'node-loss', brokers: cluster.brokers, logLevel: logLevel.NOTHING, requestTimeout: 5000 });
    admin = kafka.admin();
    await admin.connect();
  }, 180_000);
  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.stop();
  });

  const leaderOf = async (topic: string, partition: number) =>
    (await cluster.describeTopic(topic)).partitions.find((p) => p.partition === partition)?.leader;

  /** Sends one message at a time from `writers` concurrent loops until `stop()`; records every outcome. */
  function steadyLoad(producer: BatchingProducer, topic: string, writers: number) {
    const acknowledged: Array<{ value: string; report: DeliveryReport }> = [];
    const failures: KafkaOperationError[] = [];
    let running = true;
    let sequence = 0;
    const loops = Array.from({ length: writers }, async () => {
      while (running) {
        const value = `m${sequence++}`;
        await producer.send(topic, [{ key: value, value }]).then(
          ([report]) => void acknowledged.push({ value, report }),
          (error: KafkaOperationError) => void failures.push(error),
        );
      }
    });
    return {
      acknowledged,
      failures,
      stop: async () => {
        running = false;
        await Promise.all(loops);
      },
    };
  }

  it('keeps acks=all sends succeeding while one node is killed and restarted; nothing acknowledged is missing', async () => {
    const producer = new BatchingProducer(kafka, { producerConfig: { retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 2000 } } });
    await producer.connect();
    const load = steadyLoad(producer, 'durable', 8);
    try {
      await eventually(() => load.acknowledged.length >= 300, 30_000, 'a steady load');
      const victim = (await leaderOf('durable', 0)) as number;
      await cluster.kill(victim);
      const atKill = load.acknowledged.length;
      // Leadership moves to the survivors and sends go on.
      await eventually(async () => (await leaderOf('durable', 0)) !== victim, 30_000, 'a new leader for partition 0');
      await eventually(() => load.acknowledged.length >= atKill + 500, 60_000, '500 more sends acknowledged with a node down');
      await cluster.restart(victim);
      await eventually(() => load.acknowledged.length >= atKill + 1000, 60_000, 'sends after the restart');
    } finally {
      await load.stop();
      await producer.disconnect();
    }
    expect(load.failures.map((f) => f.message)).toEqual([]);

    // Read back by kcat, an independent client: every acknowledged message at the place reported.
    const stored = new Map((await kcatReadAll(cluster.bootstrap, 'durable')).map((r) => [`${r.partition}/${r.offset}`, r.payload]));
    const missing = load.acknowledged.filter(({ value, report }) => stored.get(`${report.partition}/${report.offset}`) !== value);
    expect(missing).toEqual([]);
  }, 240_000);

  it('fails only the sends on the partitions whose leader just died, and sends there again once leadership moved', async () => {
    // Partition 2 is led by node 3; node 1 holds its other replica.
    await admin.createTopics({
      // Leaders are awaited below: kafkajs's own wait gives up while a node's metadata lags.
      waitForLeaders: false,
      topics: [
        {
          topic: 'split-leaders',
          replicaAssignment: [
            { partition: 0, replicas: [1, 2] },
            { partition: 1, replicas: [2, 1] },
            { partition: 2, replicas: [3, 1] },
          ],
        },
      ],
    });
    await eventually(async () => (await cluster.describeTopic('split-leaders')).partitions.map((p) => p.leader).join() === '1,2,3', 30_000, 'leaders 1, 2, 3');
    const impatient = new Kafka({ clientId: 'impatient', brokers: cluster.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const producer = new BatchingProducer(impatient, { lingerMs: 20, producerConfig: { retry: { retries: 0 } } });
    await producer.connect();
    try {
      // This producer does not retry; new topic metadata takes a moment to reach every node.
      const warmUp = () => producer.send('split-leaders', [0, 1, 2].map((partition) => ({ partition, value: 'warm-up' })));
      await eventually(() => warmUp().then(() => true, () => false), 30_000, 'a first send to every partition');
      // Until the controller fences node 3 (3 s without heartbeats), the
      // metadata still names it leader of partition 2: sends there fail.
      await cluster.kill(3);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) => producer.send('split-leaders', [{ partition: i % 3, value: `s${i}` }])),
      );
      const statusOf = (p: number) => [...new Set(outcomes.filter((_, i) => i % 3 === p).map((o) => o.status))];
      expect([statusOf(0), statusOf(1), statusOf(2)]).toEqual([['fulfilled'], ['fulfilled'], ['rejected']]);
      expect(((outcomes[2] as PromiseRejectedResult).reason as KafkaOperationError).kind).toBe('broker-unavailable');

      // A send spanning a healthy and the dead leader's partition says which message was written.
      const mixed = await producer.send('split-leaders', [{ partition: 0, value: 'ok' }, { partition: 2, value: 'refused' }]).catch((e: unknown) => e);
      expect(mixed).toBeInstanceOf(PartialDeliveryError);
      const reports = (mixed as PartialDeliveryError).reports;
      expect(reports[0]).toMatchObject({ partition: 0 });
      expect(reports[1]).toBeUndefined();

      // Node 1 takes partition 2 over; the same producer writes there again.
      await eventually(() => producer.send('split-leaders', [{ partition: 2, value: 'moved' }]).then(() => true, () => false), 60_000, 'a send to partition 2 after the leader moved');
      const stored = await kcatReadAll(cluster.bootstrap, 'split-leaders');
      const values = stored.map((r) => `${r.partition}:${r.payload}`);
      expect(values).toContain(`0:ok`);
      expect(values).toContain(`2:moved`);
      // What was reported failed on partition 2 is not there.
      expect(values.filter((v) => v.startsWith('2:s') || v === '2:refused')).toEqual([]);
    } finally {
      await cluster.restart(3);
      await producer.disconnect();
    }
  }, 180_000);

  it('classifies NOT_ENOUGH_REPLICAS as broker-unavailable when the ISR shrank below min.insync.replicas, and recovers by itself', async () => {
    // Replicas on nodes 2 and 3 only, both required: node 1 keeps the quorum going while node 3 is away.
    await admin.createTopics({
      // Leaders are awaited below: kafkajs's own wait gives up while a node's metadata lags.
      waitForLeaders: false,
      topics: [
        {
          topic: 'pair',
          replicaAssignment: [{ partition: 0, replicas: [2, 3] }],
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
    });
    await eventually(async () => (await cluster.describeTopic('pair')).partitions[0]?.isr.length === 2, 30_000, 'both replicas in sync');
    const producer = new BatchingProducer(kafka, { producerConfig: { retry: { retries: 1, initialRetryTime: 100 } } });
    await producer.connect();
    try {
      // A new partition's leader may answer "does not host" for a moment after the ISR is listed.
      await eventually(() => producer.send('pair', [{ value: 'before' }]).then(() => true, () => false), 30_000, 'a first send to the new topic');
      await cluster.kill(3);
      await eventually(async () => (await cluster.describeTopic('pair')).partitions[0]?.isr.join() === '2', 30_000, 'the ISR shrunk to node 2');
      const failure = (await producer.send('pair', [{ value: 'refused' }]).catch((e: unknown) => e)) as KafkaOperationError;
      expect(failure.kind).toBe('broker-unavailable');
      expect(String((failure.cause as Error)?.message ?? failure.message)).toMatch(/replicas|NOT_ENOUGH_REPLICAS/i);
      await cluster.restart(3);
      // The same producer object succeeds again once the ISR is whole.
      await eventually(() => producer.send('pair', [{ value: 'after' }]).then(() => true, () => false), 60_000, 'a send after node 3 is back');
    } finally {
      await producer.disconnect();
    }
  }, 180_000);

  it('fails with broker-unavailable while two of three nodes are down (no quorum), and recovers when they return', async () => {
    const producer = new BatchingProducer(kafka, {
      timeoutMs: 3000,
      metadataMaxAgeMs: 500,
      producerConfig: { retry: { retries: 1, initialRetryTime: 100 } },
    });
    await producer.connect();
    try {
      await producer.send('durable', [{ key: 'k', value: 'before' }]);
      await cluster.kill(1);
      await cluster.kill(2);
      const failure = (await producer.send('durable', [{ key: 'k', value: 'during' }]).catch((e: unknown) => e)) as KafkaOperationError;
      expect(failure.kind).toBe('broker-unavailable');
      await Promise.all([cluster.restart(1), cluster.restart(2)]);
      await eventually(() => producer.send('durable', [{ key: 'k', value: 'after' }]).then(() => true, () => false), 90_000, 'a send after both nodes are back');
    } finally {
      await producer.disconnect();
    }
  }, 240_000);
});
