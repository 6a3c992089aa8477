import { eventually } from '@eventpath/dev-infra';
import { Kafka, KafkaJSError, type ConsumerConfig } from 'kafkajs';
import { AtLeastOnceConsumer } from './at-least-once-consumer';
import { startConsumerTestBed, type ConsumerTestBed } from './test-support/consumer-test-bed';

const FAILING_COMMIT_MS = 300;

/**
 * `kafka`, except that while `failing()` its consumers' commits of done work
 * (anchors of new partitions, offset 0, pass) take 300 ms and fail, as they
 * do while the group coordinator is away and kafkajs retries. Counts them.
 */
function slowlyFailingCommits(kafka: Kafka, failing: () => boolean): { kafka: Kafka; calls: () => number } {
  const consumer = kafka.consumer.bind(kafka);
  let calls = 0;
  kafka.consumer = (config: ConsumerConfig) => {
    const created = consumer(config);
    const commitOffsets = created.commitOffsets.bind(created);
    created.commitOffsets = async (offsets) => {
      if (!failing() || offsets.every((o) => o.offset === '0')) return commitOffsets(offsets);
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, FAILING_COMMIT_MS));
      throw new KafkaJSError('injected: the coordinator is not available', { retriable: true });
    };
    return created;
  };
  return { kafka, calls: () => calls };
}

describe('AtLeastOnceConsumer commits while the coordinator is away', () => {
  let bed: ConsumerTestBed;

  beforeAll(async () => {
    bed = await startConsumerTestBed('commit-backlog-test');
  });
  afterAll(() => bed?.release());

  it('runs one commit at a time with at most one waiting, so stop() returns promptly', async () => {
    const topic = await bed.topic('commit-backlog', 1);
    await bed.produce(topic, Array.from({ length: 5 }, (_, i) => ({ value: `m${i}` })));
    const groupId = `commit-backlog-${Date.now()}`;
    let failing = true;
    const commits = slowlyFailingCommits(new Kafka(bed.testKafka.clientConfig('commit-backlog-consumer')), () => failing);
    let delivered = 0;
    const consumer = new AtLeastOnceConsumer(
      commits.kafka,
      {
        groupId,
        topics: [topic],
        fromBeginning: true,
        // Far more often than a failing commit takes.
        commitIntervalMs: 20,
        consumerConfig: bed.testKafka.consumerConfig(groupId),
      },
      async (batch) => {
        delivered += batch.messages.length;
        for (const message of batch.messages) batch.markDone(message.offset);
      },
    );
    await consumer.start();
    let stopped = false;
    try {
      await eventually(() => delivered === 5 && commits.calls() >= 3, 30_000, 'commits failing');
      // Fifty commits asked for while one is in flight share a single one after it.
      const before = commits.calls();
      await Promise.all(Array.from({ length: 50 }, () => consumer.commit()));
      expect(commits.calls() - before).toBeLessThanOrEqual(3);

      // A second of the interval firing every 20 ms leaves no backlog for stop() to work through.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const stopping = Date.now();
      await consumer.stop();
      stopped = true;
      expect(Date.now() - stopping).toBeLessThan(3 * FAILING_COMMIT_MS + 3000);
    } finally {
      failing = false;
      if (!stopped) await consumer.stop();
    }
    expect(await bed.committed(groupId, topic)).toEqual(['0']);
  }, 90_000);
});
