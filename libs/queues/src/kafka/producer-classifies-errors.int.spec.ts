import {
  devKafkaClientConfig,
  devKafkaProducerConfig,
  KafkaApiKey,
  KafkaErrorCode,
  startDevKafka,
  type DevKafka,
} from '@eventpath/dev-infra';
import { Kafka } from 'kafkajs';
import { KafkaOperationError } from '../errors';
import { BatchingProducer } from './batching-producer';

describe('BatchingProducer errors', () => {
  let broker: DevKafka;
  let producer: BatchingProducer;
  beforeAll(async () => {
    broker = await startDevKafka({ topics: ['events:2'] });
    // Client-level retries govern reconnecting, so they decide how fast a send fails while the broker is down.
    const kafka = new Kafka(
      devKafkaClientConfig(broker.brokers, 'producer-errors', { retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 } }),
    );
    producer = new BatchingProducer(kafka, { lingerMs: 1, producerConfig: devKafkaProducerConfig() });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await broker.stop();
  });

  async function failure(send: Promise<unknown>): Promise<KafkaOperationError> {
    const error = await send.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KafkaOperationError);
    return error as KafkaOperationError;
  }

  it('rejects every coalesced send as broker-unavailable while the broker is down, and recovers after it is up', async () => {
    await broker.down(1);
    try {
      const started = Date.now();
      const sends = [producer.send('events', [{ value: 'a' }]), producer.send('events', [{ value: 'b' }])];
      const errors = await Promise.all(sends.map(failure));
      expect(errors.map((e) => e.kind)).toEqual(['broker-unavailable', 'broker-unavailable']);
      // The kafkajs error that ended the retries stays reachable.
      expect(errors[0].cause).toBeInstanceOf(Error);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await broker.up(1);
    }
    const [report] = await producer.send('events', [{ value: 'after the outage' }]);
    expect(Number(report.offset)).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ['MESSAGE_TOO_LARGE', KafkaErrorCode.MessageTooLarge, 'message-too-large'],
    ['TOPIC_AUTHORIZATION_FAILED', KafkaErrorCode.TopicAuthorizationFailed, 'auth'],
    ['NOT_ENOUGH_REPLICAS', KafkaErrorCode.NotEnoughReplicas, 'broker-unavailable'],
  ] as const)('classifies the broker answering %s as %s', async (_name, code, kind) => {
    // Enough errors to outlast kafkajs's retries where the code is retriable.
    await broker.injectErrors(KafkaApiKey.Produce, Array<number>(6).fill(code));
    try {
      expect((await failure(producer.send('events', [{ value: 'x' }]))).kind).toBe(kind);
    } finally {
      // Leave no injected error for the next test: spend what is left.
      for (let i = 0; i < 6; i++) {
        if (await producer.send('events', [{ value: 'drain' }]).then(() => true, () => false)) break;
      }
    }
  });
});
