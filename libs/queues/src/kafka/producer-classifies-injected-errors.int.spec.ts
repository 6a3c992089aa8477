import {
  devKafkaClientConfig,
  devKafkaProducerConfig,
  KafkaApiKey,
  KafkaErrorCode,
  startDevKafka,
  type DevKafka,
} from '@eventpath/dev-infra';
import { Kafka } from 'kafkajs';
import { expectFailure } from './test-support/expect-failure';
import { BatchingProducer } from './batching-producer';

// Error codes a healthy Apache Kafka will not produce on demand (authorization
// needs an ACL setup): injected by the dev broker, the one fault-injection tool.
describe('BatchingProducer classifies injected broker errors (dev broker)', () => {
  let broker: DevKafka;
  let producer: BatchingProducer;
  beforeAll(async () => {
    broker = await startDevKafka({ topics: ['events:2'] });
    const kafka = new Kafka(devKafkaClientConfig(broker.brokers, 'producer-errors', { retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 } }));
    producer = new BatchingProducer(kafka, { lingerMs: 1, producerConfig: devKafkaProducerConfig() });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await broker.stop();
  });

  it.each([
    ['MESSAGE_TOO_LARGE', KafkaErrorCode.MessageTooLarge, 'message-too-large'],
    ['TOPIC_AUTHORIZATION_FAILED', KafkaErrorCode.TopicAuthorizationFailed, 'auth'],
    ['NOT_ENOUGH_REPLICAS', KafkaErrorCode.NotEnoughReplicas, 'broker-unavailable'],
    // The topic is in the metadata: the answering broker no longer leads the partition.
    ['UNKNOWN_TOPIC_OR_PARTITION', KafkaErrorCode.UnknownTopicOrPartition, 'broker-unavailable'],
  ] as const)('classifies the broker answering %s (code %s) as %s', async (_name, code, kind) => {
    // Enough errors to outlast kafkajs's retries where the code is retriable.
    await broker.injectErrors(KafkaApiKey.Produce, Array<number>(6).fill(code));
    try {
      expect((await expectFailure(producer.send('events', [{ value: 'x' }]))).kind).toBe(kind);
    } finally {
      // Leave no injected error for the next test: spend what is left.
      for (let i = 0; i < 6; i++) {
        if (await producer.send('events', [{ value: 'drain' }]).then(() => true, () => false)) break;
      }
    }
  });
});
