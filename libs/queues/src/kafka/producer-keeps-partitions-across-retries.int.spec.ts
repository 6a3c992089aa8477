import {
  devKafkaClientConfig,
  devKafkaConsumerConfig,
  devKafkaProducerConfig,
  KafkaApiKey,
  KafkaErrorCode,
  startDevKafka,
  type DevKafka,
} from '@eventpath/dev-infra';
import { Kafka, type Message } from 'kafkajs';
import { BatchingProducer } from './batching-producer';
import { countProduceRequests } from './test-support/produce-request-counter';
import { TopicRecorder } from './test-support/topic-recorder';

// A Produce request that fails once and is retried by kafkajs: the injected
// NOT_LEADER error is a fault only the dev broker can inject on demand.
describe('BatchingProducer across kafkajs retries (dev broker)', () => {
  let broker: DevKafka;
  let kafka: Kafka;
  let recorder: TopicRecorder;
  beforeAll(async () => {
    broker = await startDevKafka({ topics: ['retried:6'] });
    kafka = new Kafka(devKafkaClientConfig(broker.brokers, 'producer-retries'));
    recorder = await TopicRecorder.start(kafka, ['retried'], devKafkaConsumerConfig(`recorder-${Date.now()}`));
  });
  afterAll(async () => {
    await recorder.stop();
    await broker.stop();
  });

  it('keeps each message on the partition the partitioner first chose, and reports it there', async () => {
    // A partitioner that answers differently every time it is asked: were it
    // asked again for the retry, messages would move and the reports be wrong.
    let calls = 0;
    const fickle = () => () => (calls += 1) % 6;
    const producer = new BatchingProducer(kafka, {
      lingerMs: 5,
      producerConfig: devKafkaProducerConfig({ createPartitioner: fickle, retry: { retries: 3, initialRetryTime: 50 } }),
    });
    const requests = countProduceRequests(producer);
    await producer.connect();
    try {
      await broker.injectErrors(KafkaApiKey.Produce, [KafkaErrorCode.NotLeaderOrFollower]);
      const messages: Message[] = Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: `retried ${i}` }));
      const reports = await producer.send('retried', messages);
      expect(requests()).toBeGreaterThanOrEqual(2);
      expect(calls).toBe(12);
      expect(new Set(reports.map((r) => r.partition)).size).toBe(6);
      for (const [i, report] of reports.entries()) {
        expect(await recorder.valueAt('retried', report.partition, report.offset)).toBe(`retried ${i}`);
      }
    } finally {
      await producer.disconnect();
    }
  });
});
