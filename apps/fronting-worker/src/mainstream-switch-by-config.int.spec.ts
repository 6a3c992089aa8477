import { setTimeout as pause } from 'node:timers/promises';
import { canStartApacheKafka, eventually, startApacheKafka, type ApacheKafka } from '@eventpath/dev-infra';
import type { Admin, Producer } from 'kafkajs';
import { workerMetric } from './test-support/prometheus-text';
import { ID_HEADER, countIds, quickKafka, readTopic, testEvents, toKafkaMessage, topicSize, type TestEvent } from './test-support/relay-test-support';
import { startWorkerTestStack, type WorkerTestStack } from './test-support/worker-test-stack';

// The old mainstream cluster is the run's shared one; the new one is this file's own.
const describeOnRealKafka = canStartApacheKafka() ? describe : describe.skip;

describeOnRealKafka('switching the mainstream cluster by configuration and a rolling restart (three Apache Kafka clusters)', () => {
  let stack: WorkerTestStack;
  let newMainstream: ApacheKafka;

  beforeAll(async () => {
    [stack, newMainstream] = await Promise.all([startWorkerTestStack(), startApacheKafka({ brokers: 1 })]);
  }, 120_000);

  afterAll(async () => {
    await stack?.release();
    await newMainstream?.stop();
  });

  it('moves everything after the switch to the new cluster, and nothing is missing across the two', async () => {
    const { fronting, mainstream: oldMainstream } = stack;
    const topic = await fronting.createUniqueTopic('switch', 4);
    // Step 1 of the procedure: the topics exist on the new cluster before any worker points at it.
    await Promise.all([oldMainstream.createTopic(topic, 4), newMainstream.createTopic(topic, 4)]);
    const deadLetterTopic = await fronting.createUniqueTopic('switch-dlq', 1);
    const groupId = `switch-${Date.now()}`;
    const start = async (mainstream: string[], instanceId: string) => {
      const worker = await stack.startWorker({ groupId, instanceId, mainstream, extra: { WORKER_TOPICS: topic, WORKER_DEAD_LETTER_TOPIC: deadLetterTopic } });
      await eventually(async () => (await fetch(`${worker.opsUrl}/readyz`)).status === 200, 60_000, `${instanceId} ready`);
      return worker;
    };
    const [oldAdmin, newAdmin]: Admin[] = [quickKafka(oldMainstream.brokers, 'switch-old').admin(), quickKafka(newMainstream.brokers, 'switch-new').admin()];
    await Promise.all([oldAdmin.connect(), newAdmin.connect()]);

    const load: Producer = quickKafka(fronting.brokers, 'switch-load').producer({ allowAutoTopicCreation: false });
    await load.connect();
    const beforeSwitch: TestEvent[] = [];
    const afterSwitch: TestEvent[] = [];
    let switched = false;
    let producing = true;
    const loading = (async () => {
      for (let tick = 0; producing; tick++) {
        const events = testEvents(40, { from: tick * 40, keys: 16 });
        // Sent once the last old worker is gone: these must all be on the new cluster.
        const after = switched;
        await load.send({ topic, acks: -1, messages: events.map(toKafkaMessage) });
        (after ? afterSwitch : beforeSwitch).push(...events);
        await pause(50);
      }
    })();
    try {
      const old = await start(oldMainstream.brokers, 'old-1');
      await eventually(async () => (await topicSize(oldAdmin, topic)) >= 500 && true, 60_000, 'relaying to the old cluster');

      // Rolling restart with the new MAINSTREAM_KAFKA_BROKERS: the new pod starts (and becomes ready), then the old one stops.
      const replacement = await start(newMainstream.brokers, 'new-1');
      await eventually(async () => (await topicSize(newAdmin, topic)) > 0 || (await workerMetric(replacement.opsUrl, 'eventpath_relay_assigned_partitions')) > 0, 60_000, 'the new worker in the group');
      await old.stop();
      switched = true;
      await eventually(async () => afterSwitch.length >= 1000, 60_000, 'traffic after the switch');
      producing = false;
      await loading;

      await eventually(
        async () =>
          (await workerMetric(replacement.opsUrl, 'eventpath_relay_assigned_partitions')) === 4 &&
          (await workerMetric(replacement.opsUrl, 'eventpath_relay_consumer_lag')) === 0,
        90_000,
        'the new worker caught up to lag 0',
      );
      const [onOld, onNew] = await Promise.all([readTopic(oldMainstream.bootstrap, topic), readTopic(newMainstream.bootstrap, topic)]);
      const [oldIds, newIds] = [countIds(onOld, ID_HEADER), countIds(onNew, ID_HEADER)];
      const missing = [...beforeSwitch, ...afterSwitch].filter((e) => !oldIds.has(e.id) && !newIds.has(e.id)).map((e) => e.id);
      const afterOnOld = afterSwitch.filter((e) => oldIds.has(e.id)).map((e) => e.id);
      const afterMissingOnNew = afterSwitch.filter((e) => !newIds.has(e.id)).map((e) => e.id);
      console.log(
        `mainstream switch: ${beforeSwitch.length} sent before, ${afterSwitch.length} after; old cluster ${onOld.length} records, new ${onNew.length}; ${missing.length} missing`,
      );
      expect(missing).toEqual([]);
      expect(afterMissingOnNew).toEqual([]);
      expect(afterOnOld).toEqual([]);
      expect(onNew.length).toBeGreaterThan(afterSwitch.length - 1);
    } finally {
      producing = false;
      await loading;
      await load.disconnect();
      await Promise.all([oldAdmin.disconnect(), newAdmin.disconnect()]);
    }
  }, 300_000);
});
