import { eventually } from '@eventpath/dev-infra';
import { AtLeastOnceConsumer, type BatchHandler, type TopicPartitions } from './at-least-once-consumer';
import { startConsumerTestBed, type ConsumerTestBed } from './test-support/consumer-test-bed';

describe('AtLeastOnceConsumer across a rebalance', () => {
  let bed: ConsumerTestBed;
  let topic: string;
  beforeAll(async () => {
    bed = await startConsumerTestBed('rebalance-test');
    topic = await bed.topic('rebalanced', 2);
    await bed.produce(topic, [0, 1, 0, 1].map((partition, i) => ({ partition, value: `m${i}` })));
  });
  afterAll(() => bed?.release());

  it('ignores marks made for batches of the previous assignment; the new owners process and commit them again', async () => {
    const groupId = `rebalance-${Date.now()}`;
    const committed = () => bed.committed(groupId, topic);
    const heldMarks: Array<() => void> = [];
    const seenByFirst = new Set<string>();
    const revokedFromFirst: TopicPartitions[][] = [];
    const assignedToSecond: TopicPartitions[][] = [];

    // The first member holds on to the marks of what it receives first; what
    // comes again after the rebalance, it marks at once, like the second member.
    const holdFirstDelivery: BatchHandler = async (batch) => {
      for (const message of batch.messages) {
        const position = `${batch.partition}/${message.offset}`;
        if (seenByFirst.has(position)) batch.markDone(message.offset);
        else heldMarks.push(() => batch.markDone(message.offset));
        seenByFirst.add(position);
      }
    };
    const markAtOnce: BatchHandler = async (batch) => {
      for (const message of batch.messages) batch.markDone(message.offset);
    };
    const options = (extra: object) => ({
      groupId,
      topics: [topic],
      fromBeginning: true,
      commitIntervalMs: 100,
      // On real Kafka, kafkajs's default round-robin assigner; the dev broker's
      // settings bring their own (see testKafkaSettings).
      consumerConfig: bed.testKafka.consumerConfig(groupId),
      ...extra,
    });
    const first = new AtLeastOnceConsumer(bed.kafka, options({ onPartitionsRevoked: (a: TopicPartitions[]) => void revokedFromFirst.push(a) }), holdFirstDelivery);
    const second = new AtLeastOnceConsumer(bed.kafka, options({ onPartitionsAssigned: (a: TopicPartitions[]) => void assignedToSecond.push(a) }), markAtOnce);
    await first.start();
    try {
      await eventually(() => heldMarks.length === 4, 60_000, 'all four messages at the first member');
      await second.start();
      await eventually(() => revokedFromFirst.length === 1 && assignedToSecond.length === 1, 30_000, 'the rebalance');
      expect(revokedFromFirst[0]).toEqual([{ topic, partitions: [0, 1] }]);
      expect(assignedToSecond[0][0].partitions).toHaveLength(1);

      // Both partitions start again from the beginning at their new owners, which commit them.
      await eventually(async () => (await committed()).join() === '2,2', 15_000, 'both partitions committed by their new owners');

      // Work for the old assignment finishing late is neither an error (one of
      // the partitions is not the first member's any more) nor a commit.
      for (const mark of heldMarks) expect(mark).not.toThrow();
      await first.commit();
      expect(await committed()).toEqual(['2', '2']);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  }, 60_000);
});
