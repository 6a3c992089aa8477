import { eventually } from '@eventpath/dev-infra';
import { Kafka, KafkaJSError, type ConsumerConfig } from 'kafkajs';
import { AtLeastOnceConsumer, type TopicPartitions } from './at-least-once-consumer';
import { startConsumerTestBed, type ConsumerTestBed } from './test-support/consumer-test-bed';

/**
 * `kafka`, except that the first commit of done work (any offset but the
 * anchor 0) its consumers make fails, as one refused during a rebalance or
 * by a moving coordinator would. The broker is real; only that one failure
 * is injected, so it comes at a known moment.
 */
function failingFirstCommit(kafka: Kafka): Kafka {
  const consumer = kafka.consumer.bind(kafka);
  let failed = false;
  kafka.consumer = (config: ConsumerConfig) => {
    const created = consumer(config);
    const commitOffsets = created.commitOffsets.bind(created);
    created.commitOffsets = async (offsets) => {
      if (!failed && offsets.some((o) => o.offset !== '0')) {
        failed = true;
        throw new KafkaJSError('injected commit failure', { retriable: true });
      }
      return commitOffsets(offsets);
    };
    return created;
  };
  return kafka;
}

describe('AtLeastOnceConsumer with an onError that throws', () => {
  let bed: ConsumerTestBed;
  let topic: string;

  beforeAll(async () => {
    bed = await startConsumerTestBed('on-error-test');
    topic = await bed.topic('on-error-throws', 1);
    await bed.produce(topic, Array.from({ length: 5 }, (_, i) => ({ value: `m${i}` })));
  });
  afterAll(() => bed?.release());

  it('still commits, and still runs its hooks, after onError threw for a failed commit and a failed hook', async () => {
    const groupId = `on-error-${Date.now()}`;
    const reported: string[] = [];
    const revoked: TopicPartitions[][] = [];
    const consumer = new AtLeastOnceConsumer(
      failingFirstCommit(new Kafka(bed.testKafka.clientConfig('on-error-consumer'))),
      {
        groupId,
        topics: [topic],
        fromBeginning: true,
        commitIntervalMs: 100,
        consumerConfig: bed.testKafka.consumerConfig(groupId),
        onPartitionsAssigned: () => {
          throw new Error('the assign hook fails');
        },
        onPartitionsRevoked: (assignment) => void revoked.push(assignment),
        onError: (error) => {
          reported.push(String(error));
          throw new Error('onError fails as well');
        },
      },
      async (batch) => {
        for (const message of batch.messages) batch.markDone(message.offset);
      },
    );
    await consumer.start();
    try {
      await eventually(() => reported.some((e) => /injected commit failure/.test(e)), 30_000, 'the failed commit reported');
      // The commits after the failed one go through.
      await eventually(async () => (await bed.committed(groupId, topic))[0] === '5', 10_000, 'offset 5 committed after the failure');
      expect(reported.some((e) => /the assign hook fails/.test(e))).toBe(true);
    } finally {
      await consumer.stop();
    }
    // The hook chain survived the throwing onError: the revoke hook ran on stop.
    expect(revoked).toEqual([[{ topic, partitions: [0] }]]);
  });
});
