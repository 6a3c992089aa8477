import { canStartApacheKafka, eventually, startApacheKafka, type ApacheKafka } from '@eventpath/dev-infra';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { CommitAudit, DoneLedger } from './test-support/commit-audit';
import { startConsumerProcess, type ConsumerProcess, type ConsumerProcessOptions } from './test-support/consumer-processes';

const PARTITIONS = 6;

// Leadership moves and node kills need an Apache Kafka cluster of the test's own.
const describeOnRealKafka = canStartApacheKafka() ? describe : describe.skip;

describeOnRealKafka('AtLeastOnceConsumer while partition leaders move and the consumer is killed (3-node Apache Kafka; skipped on the dev broker, which never moves leaders)', () => {
  let cluster: ApacheKafka;
  let admin: Admin;
  let producer: Producer;
  const children: ConsumerProcess[] = [];

  beforeAll(async () => {
    cluster = await startApacheKafka({
      brokers: 3,
      // Preferred leaders come back within a second or two after a restart
      // or a reassignment: more leader moves.
      config: { 'leader.imbalance.check.interval.seconds': 1 },
      topics: [{ name: 'moves', partitions: PARTITIONS, replicationFactor: 3, config: { 'min.insync.replicas': '2' } }],
    });
    const kafka = new Kafka({ clientId: 'leader-moves-test', brokers: cluster.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1000 });
    admin = kafka.admin();
    await admin.connect();
    // Every node knows the topic before a client asks one of them about it.
    for (const broker of cluster.brokers) {
      await eventually(async () => {
        const one = new Kafka({ clientId: 'metadata-check', brokers: [broker], logLevel: logLevel.NOTHING }).admin();
        try {
          await one.connect();
          const { topics } = await one.fetchTopicMetadata({ topics: ['moves'] });
          return topics[0]?.partitions.length === PARTITIONS;
        } finally {
          await one.disconnect();
        }
      }, 30_000, `topic metadata on ${broker}`);
    }
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await cluster?.stop();
  });

  it('never commits past an offset that is not done, and every offset is done at the end', async () => {
    const groupId = `leader-moves-${Date.now()}`;
    const ledger = new DoneLedger();
    const audit = new CommitAudit(admin, groupId, 'moves', ledger, { intervalMs: 100 });
    const consumer = (name: string, seed: number): ConsumerProcess => {
      const options: ConsumerProcessOptions = {
        name,
        clientConfig: { clientId: name, brokers: cluster.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1000 },
        // Fetches that wait for data to accumulate (fetch.min.bytes, for
        // throughput) are in flight most of the time, as under a light load.
        consumerConfig: { sessionTimeout: 6000, heartbeatInterval: 500, minBytes: 1 << 20, maxWaitTimeInMs: 500, allowAutoTopicCreation: false },
        groupId,
        topic: 'moves',
        // Some work stays undone for seconds, so the commit point lags well
        // behind the fetch position, as it does in the archiver.
        hold: { fraction: 0.1, ms: 4000, seed },
        onEvent: (event) => {
          if (event.event === 'done') ledger.markDone(event.partition, event.offset);
        },
      };
      const child = startConsumerProcess(options);
      children.push(child);
      return child;
    };

    // A steady load over every partition while the cluster is shaken.
    let producing = true;
    let sent = 0;
    const load = (async () => {
      while (producing) {
        const messages = Array.from({ length: 30 }, (_, i) => ({ partition: (sent + i) % PARTITIONS, value: `m${sent + i}` }));
        try {
          await producer.send({ topic: 'moves', acks: -1, messages });
          sent += messages.length;
        } catch {
          // A node just died: the next send goes to the new leaders.
        }
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();

    let ends = new Map<number, bigint>();
    audit.start();
    try {
      let current = consumer('consumer-a', 1);
      await eventually(() => current.delivered.length >= 300, 60_000, 'the first consumer to get going');

      const partitions = async () => (await cluster.describeTopic('moves')).partitions;
      const busiestLeader = async () => {
        const counts = new Map<number, number>();
        for (const p of await partitions()) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
        return [...counts].filter(([node]) => node > 0).sort((x, y) => y[1] - x[1])[0][0];
      };
      const allInSync = () =>
        eventually(async () => (await partitions()).every((p) => p.leader > 0 && p.replicas.length === 3 && p.isr.length === 3), 60_000, 'every replica in sync');
      for (let round = 0; round < 6; round++) {
        const node = await busiestLeader();
        if (round === 3) {
          // A crash of a node: its leaderships move to the others.
          await cluster.kill(node);
          await eventually(async () => (await partitions()).every((p) => p.leader !== node && p.leader > 0), 30_000, `leaders moved off node ${node}`);
          await cluster.restart(node);
          await allInSync();
          continue;
        }
        // A reassignment moves node's replicas of the partitions it leads
        // elsewhere (as kafka-reassign-partitions or a balancer does): their
        // leaders move, and fetches still sent to node get NOT_LEADER_OR_FOLLOWER.
        const moving = (await partitions()).filter((p) => p.leader === node);
        await admin.alterPartitionReassignments({
          topics: [{ topic: 'moves', partitionAssignment: moving.map((p) => ({ partition: p.partition, replicas: p.replicas.filter((r) => r !== node) })) }],
        });
        await eventually(
          async () => {
            const now = await partitions();
            return moving.every(({ partition }) => now[partition].leader !== node && now[partition].leader > 0 && now[partition].replicas.length === 2);
          },
          30_000,
          `leaders moved off node ${node}`,
        );
        if (round === 2) {
          // kill -9 of the consumer with work in flight; the next one resumes from the commits.
          await current.kill();
          current = consumer('consumer-b', 2);
        }
        await admin.alterPartitionReassignments({
          topics: [{ topic: 'moves', partitionAssignment: moving.map((p) => ({ partition: p.partition, replicas: p.replicas })) }],
        });
        await allInSync();
      }
      producing = false;
      await load;
      // The ends, read again while a leadership election answers in their place.
      await eventually(
        async () => {
          ends = new Map((await admin.fetchTopicOffsets('moves')).map((p) => [p.partition, BigInt(p.high)]));
          return ends.size === PARTITIONS;
        },
        30_000,
        "the topic's ends",
      );
      const expected = ends;
      await eventually(
        async () => {
          const committed = await audit.pollOnce();
          // At or past the end read: a high watermark read from a leader elected a moment before may lag.
          return committed !== undefined && [...expected].every(([partition, end]) => (committed.get(partition) ?? -1n) >= end);
        },
        60_000,
        'every partition committed to its end',
      );
    } finally {
      producing = false;
      await load;
      await audit.stop();
    }

    // What the producer had acknowledged against what the log holds: the load's own
    // bookkeeping, not this consumer's guarantee (a leader elected a moment before can
    // report a high watermark behind acks=all writes), so it is printed, not asserted.
    const total = [...ends.values()].reduce((sum, end) => sum + end, 0n);
    console.log(`leader moves: ${sent} messages acknowledged to the producer, ${total} in the topic's ends, ${audit.polls} commit audits`);
    expect(total).toBeGreaterThan(0n);

    expect({ violations: audit.violations.length, first: audit.violations.slice(0, 3) }).toEqual({ violations: 0, first: [] });
    const notDone: string[] = [];
    for (const [partition, end] of ends) {
      for (let offset = 0n; offset < end; offset++) if (!ledger.isDone(partition, offset)) notDone.push(`${partition}/${offset}`);
    }
    expect({ notDone: notDone.length, first: notDone.slice(0, 10) }).toEqual({ notDone: 0, first: [] });
    expect(audit.polls).toBeGreaterThan(100);
    // The leader moves made kafkajs rejoin (beyond each process's first join).
    expect(children.reduce((joins, child) => joins + child.assignments.length, 0)).toBeGreaterThanOrEqual(children.length + 1);
  }, 240_000);
});
