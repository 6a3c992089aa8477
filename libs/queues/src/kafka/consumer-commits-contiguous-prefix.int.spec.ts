import { devKafkaClientConfig, devKafkaConsumerConfig, devKafkaProducerConfig, startDevKafka, type DevKafka } from '@eventpath/dev-infra';
import { Kafka, type Admin } from 'kafkajs';
import { eventually } from '@eventpath/dev-infra';
import { sleep } from '../test-support/async-helpers';
import { KafkaOperationError } from '../errors';
import { AtLeastOnceConsumer, type TopicPartitions } from './at-least-once-consumer';

describe('AtLeastOnceConsumer', () => {
  let broker: DevKafka;
  let kafka: Kafka;
  let admin: Admin;
  let group = 0;
  const freshGroup = () => `at-least-once-${Date.now()}-${++group}`;

  beforeAll(async () => {
    broker = await startDevKafka({ topics: ['prefix:1', 'paused:2', 'crashing:1'] });
    kafka = new Kafka(devKafkaClientConfig(broker.brokers, 'consumer-tests'));
    admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer(devKafkaProducerConfig());
    await producer.connect();
    await producer.send({ topic: 'prefix', messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
    await producer.send({ topic: 'crashing', messages: [{ value: 'poison' }] });
    await producer.disconnect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await broker.stop();
  });

  async function committed(groupId: string, topic: string): Promise<string[]> {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
  }

  it('commits only the contiguous prefix of offsets marked done, as later gaps fill', async () => {
    const groupId = freshGroup();
    const marks = new Map<string, () => void>();
    const consumer = new AtLeastOnceConsumer(
      kafka,
      { groupId, topics: ['prefix'], fromBeginning: true, commitIntervalMs: 100, consumerConfig: devKafkaConsumerConfig(groupId) },
      async (batch) => {
        for (const message of batch.messages) marks.set(message.offset, () => batch.markDone(message.offset));
      },
    );
    await consumer.start();
    try {
      await eventually(() => marks.size === 10, 15_000, 'all 10 messages delivered');
      for (const offset of ['9', '0', '2', '1', '5', '4', '7', '8']) marks.get(offset)?.();
      await eventually(async () => (await committed(groupId, 'prefix'))[0] === '3', 5000, 'commit of offset 3');
      // Several commit intervals later it still has not moved past the gap at 3.
      await sleep(400);
      expect(await committed(groupId, 'prefix')).toEqual(['3']);

      marks.get('3')?.();
      await eventually(async () => (await committed(groupId, 'prefix'))[0] === '6', 5000, 'commit of offset 6');
      marks.get('6')?.();
      await eventually(async () => (await committed(groupId, 'prefix'))[0] === '10', 5000, 'commit of offset 10');
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
        topics: ['paused'],
        commitIntervalMs: 100,
        consumerConfig: devKafkaConsumerConfig(groupId),
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
    const producer = kafka.producer(devKafkaProducerConfig());
    await producer.connect();
    try {
      await eventually(() => assigned.length === 1, 15_000, 'the assignment');
      expect(assigned[0]).toEqual([{ topic: 'paused', partitions: [0, 1] }]);

      consumer.pause([{ topic: 'paused', partitions: [0] }]);
      await producer.send({ topic: 'paused', messages: [{ value: 'p0-a', partition: 0 }, { value: 'p1-a', partition: 1 }] });
      await eventually(() => delivered.some((d) => d.value === 'p1-a'), 5000, 'the message on partition 1');
      await sleep(500);
      expect(delivered.filter((d) => d.partition === 0)).toEqual([]);

      consumer.resume([{ topic: 'paused', partitions: [0] }]);
      await eventually(() => delivered.some((d) => d.value === 'p0-a'), 5000, 'the message on partition 0 after resume');
    } finally {
      await producer.disconnect();
      await consumer.stop();
    }
    expect(revoked).toEqual([[{ topic: 'paused', partitions: [0, 1] }]]);
  });

  it('rejects `closed` with the classified error when kafkajs gives up instead of restarting', async () => {
    const groupId = freshGroup();
    const consumer = new AtLeastOnceConsumer(
      kafka,
      {
        groupId,
        topics: ['crashing'],
        fromBeginning: true,
        consumerConfig: devKafkaConsumerConfig(groupId, { retry: { retries: 0, restartOnFailure: async () => false } }),
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
    expect(await committed(groupId, 'crashing')).toEqual(['-1']);
  });
});
