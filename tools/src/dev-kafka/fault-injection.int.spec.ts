import { Kafka, type Producer } from 'kafkajs';
import { KafkaApiKey, KafkaErrorCode } from './dev-kafka-control';
import { DEV_KAFKA_FAST_FAIL_RETRY, devKafkaClientConfig, devKafkaProducerConfig } from './kafka-test-settings';
import { startDevKafka, type DevKafka } from './start-dev-kafka';

const TOPIC = 'faults';
const REQUEST_TIMEOUT_MS = 500;

describe('faults injected through the launcher', () => {
  let broker: DevKafka;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startDevKafka({ topics: [`${TOPIC}:1`] });
    const kafka = new Kafka(
      devKafkaClientConfig(broker.brokers, 'fault-injection-test', {
        retry: DEV_KAFKA_FAST_FAIL_RETRY,
        requestTimeout: REQUEST_TIMEOUT_MS,
      }),
    );
    producer = kafka.producer(devKafkaProducerConfig());
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await broker.stop();
  });

  const send = (value: string) => producer.send({ topic: TOPIC, acks: -1, messages: [{ value }] });
  const high = async () => (await broker.watermarks(TOPIC, 0)).high;

  it('fails the next produce request with an injected non-retriable error, then serves again', async () => {
    const before = await high();
    await broker.injectErrors(KafkaApiKey.Produce, [KafkaErrorCode.TopicAuthorizationFailed]);

    await expect(send('refused')).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
    await send('accepted');
    expect(await high()).toBe(before + 1);
  });

  it('lets kafkajs retry injected retriable errors without writing the message twice', async () => {
    const before = await high();
    await broker.injectErrors(KafkaApiKey.Produce, [KafkaErrorCode.NotLeaderOrFollower]);

    await send('retried');
    expect(await high()).toBe(before + 1);
  });

  it('delays responses by the injected round-trip time, enough to trip the request timeout', async () => {
    await broker.setRtt(1, 300);
    const started = Date.now();
    await send('slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);

    await broker.setRtt(1, REQUEST_TIMEOUT_MS * 3);
    await expect(send('too slow')).rejects.toThrow(/Request Produce.*timed out/);

    await broker.setRtt(-1, 0);
    await send('fast again');
  });
});
