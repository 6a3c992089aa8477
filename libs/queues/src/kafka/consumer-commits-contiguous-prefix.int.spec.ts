import { eventually, type TestKafka } from '@eventpath/dev-infra';
import type { Kafka } from 'kafkajs';
import { KafkaOperationError } from '../errors';
import { AtLeastOnceConsumer, type TopicPartitions } from './at-least-once-consumer';
import { startConsumerTestBed, type ConsumerTestBed } from './test-support/consumer-test-bed';

describe('AtLeastOnceConsumer', () => {
  let bed: ConsumerTestBed;
  let testKafka: TestKafka;
  let kafka: Kafka;
  let topics: { prefix: string; paused: string; crashing: string };
  let group = 0;
  const freshGroup = () => `at-least-once-${Date.now()}-${++group}`;
  const committed = (groupId: string, topic: string) => bed.committed(groupId, topic);

  beforeAll(async () => {
    bed = await startConsumerTestBed('consumer-tests');
    ({ testKafka, kafka } = bed);
    topics = { prefix: await bed.topic('prefix', 1), paused: await bed.topic('paused', 2), crashing: await bed.topic('crashing', 1) };
    await bed.produce(topics.prefix, Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })));
    await bed.produce(topics.crashing, [{ value: 'poison' }]);
  });
  afterAll(() => bed?.release());

  it('commits only the contiguous prefix of offsets marked done, as later gaps fill', async () => {
    const groupId = freshGroup();
    const marks = new Map<string, () => void>();
    const consumer = new AtLeastOnceConsumer(
      kafka,
      {
        groupId,
        topics: [topics.prefix],
        fromBeginning: true,
        commitIntervalMs: 100,
        consumerConfig: testKafka.consumerConfig(groupId),
      },
      async (batch) => {
        for (const message of batch.messages) marks.set(message.offset, () => batch.markDone(message.offset));
      },
    );
    await consumer.start();
    try {
      await eventually(() => marks.size === 10, 30_000, 'all 10 messages delivered');
      for (const offset of ['9', '0', '2', '1', '5', '4', '7', '8']) marks.get(offset)?.();
      await eventually(async () => (await committed(groupId, topics.prefix))[0] === '3', 10_000, 'commit of offset 3');
      // Commits made now, with 3 still pending, do not move past the gap.
      for (let i = 0; i < 3; i++) {
        await consumer.commit();
        expect(await committed(groupId, topics.prefix)).toEqual(['3']);
      }

      marks.get('3')?.();
      await consumer.commit();
      expect(await committed(groupId, topics.prefix)).toEqual(['6']);
      marks.get('6')?.();
      await consumer.commit();
      expect(await committed(groupId, topics.prefix)).toEqual(['10']);
    } finally {
      await consumer.stop();
    }
  });

  it('pauses and resumes single partitions and reports assignment and revocation', async () => {
    const groupId = freshGroup();
    const assigned: TopicPartitions[][] = [];
    const revoked: TopicPartitions[][] = [];
    const delivered: Array<{ partition: number; value: string }> = [];
    const consumer = new AtLeastOnceConsumer(
      kafka,
      {
        groupId,
        topics: [topics.paused],
        commitIntervalMs: 100,
        consumerConfig: testKafka.consumerConfig(groupId),
        onPartitionsAssigned: (assignment) => void assigned.push(assignment),
        onPartitionsRevoked: (assignment) => void revoked.push(assignment),
      },
      async (batch) => {
        for (const message of batch.messages) {
          delivered.push({ partition: batch.partition, value: message.value?.toString() ?? '' });
          batch.markDone(message.offset);
        }
      },
    );
    await consumer.start();
    const producer = kafka.producer(testKafka.producerConfig());
    await producer.connect();
    try {
      await eventually(() => assigned.length === 1, 30_000, 'the assignment');
      expect(assigned[0]).toEqual([{ topic: topics.paused, partitions: [0, 1] }]);

      consumer.pause([{ topic: topics.paused, partitions: [0] }]);
      await producer.send({ topic: topics.paused, messages: [{ value: 'p0-a', partition: 0 }, { value: 'p1-a', partition: 1 }] });
      // Both partitions are fetched from the same broker in the same requests:
      // several later deliveries of partition 1, each produced after the
      // previous one arrived, mean partition 0 was fetched past and held back.
      await eventually(() => delivered.some((d) => d.value === 'p1-a'), 10_000, 'the message on partition 1');
      for (const value of ['p1-b', 'p1-c', 'p1-d']) {
        await producer.send({ topic: topics.paused, messages: [{ value, partition: 1 }, { value: `p0-${value}`, partition: 0 }] });
        await eventually(() => delivered.some((d) => d.value === value), 10_000, `${value} on partition 1`);
      }
      expect(delivered.filter((d) => d.partition === 0)).toEqual([]);

      consumer.resume([{ topic: topics.paused, partitions: [0] }]);
      await eventually(() => delivered.filter((d) => d.partition === 0).length === 4, 10_000, 'the messages on partition 0 after resume');
      expect(delivered.filter((d) => d.partition === 0).map((d) => d.value)).toEqual(['p0-a', 'p0-p1-b', 'p0-p1-c', 'p0-p1-d']);
    } finally {
      await producer.disconnect();
      await consumer.stop();
    }
    expect(revoked).toEqual([[{ topic: topics.paused, partitions: [0, 1] }]]);
  });

  it('rejects `closed` with the classified error when kafkajs gives up instead of restarting', async () => {
    const groupId = freshGroup();
    const consumer = new AtLeastOnceConsumer(
      kafka,
      {
        groupId,
        topics: [topics.crashing],
        fromBeginning: true,
        consumerConfig: testKafka.consumerConfig(groupId, { retry: { retries: 0, restartOnFailure: async () => false } }),
      },
      async () => {
        throw new Error('cannot handle this batch');
      },
    );
    await consumer.start();
    const outcome = await consumer.closed.then(
      () => 'closed without an error',
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(KafkaOperationError);
    expect((outcome as Error).message).toMatch(/cannot handle this batch/);
    // The new group's partition was anchored at its first offset before the
    // batch was handed over; nothing past the poison message is committed.
    expect(await committed(groupId, topics.crashing)).toEqual(['0']);
  });
});
