import { eventually } from '../test-support';
import { Kafka, KafkaJSError, type Consumer, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import {
  DEV_KAFKA_FAST_FAIL_RETRY,
  devKafkaClientConfig,
  devKafkaConsumerConfig,
  devKafkaProducerConfig,
} from './kafka-test-settings';
import { startDevKafka, type DevKafka } from './start-dev-kafka';

const TOPIC = 'outage';
const OUTAGE_MS = 1500;

describe('a broker outage scripted through the launcher', () => {
  let broker: DevKafka;
  let producer: Producer;
  let consumer: Consumer;
  const consumed = new Set<string>();
  const consumerCrashes: Error[] = [];

  beforeAll(async () => {
    broker = await startDevKafka({ topics: [`${TOPIC}:2`] });
    const failFast = new Kafka(devKafkaClientConfig(broker.brokers, 'outage-producer', { retry: DEV_KAFKA_FAST_FAIL_RETRY }));
    producer = failFast.producer(devKafkaProducerConfig());
    const patient = new Kafka(devKafkaClientConfig(broker.brokers, 'outage-consumer'));
    consumer = patient.consumer(devKafkaConsumerConfig(`outage-${randomUUID()}`));
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    consumer.on(consumer.events.CRASH, ({ payload }) => consumerCrashes.push(payload.error));
    await consumer.run({ eachMessage: async ({ message }) => void consumed.add(String(message.key)) });
  });

  afterAll(async () => {
    await Promise.all([producer.disconnect(), consumer.disconnect()]);
    await broker.stop();
  });

  const send = (key: string) => producer.send({ topic: TOPIC, acks: -1, messages: [{ key, value: key }] });

  it('fails sends fast while down, and the same producer and consumer deliver everything acknowledged after up', async () => {
    const acknowledged: string[] = [];
    for (let i = 0; i < 20; i++) {
      await send(`before-${i}`);
      acknowledged.push(`before-${i}`);
    }
    await eventually(() => acknowledged.every((key) => consumed.has(key)), 10_000, 'every message consumed');

    await broker.down(1);
    const started = Date.now();
    await expect(send('during')).rejects.toBeInstanceOf(KafkaJSError);
    expect(Date.now() - started).toBeLessThan(1000);
    // Long enough for the consumer's fetches and heartbeats to fail too.
    await new Promise((wait) => setTimeout(wait, OUTAGE_MS));

    await broker.up(1);
    // The first sends after `up` may still meet the connection kafkajs saw
    // refused; the producer reconnects by itself within a few attempts.
    for (let i = 0; i < 20; i++) {
      const key = `after-${i}`;
      await retryFor(() => send(key), 5_000);
      acknowledged.push(key);
    }

    await eventually(() => acknowledged.every((key) => consumed.has(key)), 15_000, 'every message consumed');
    expect(acknowledged.filter((key) => !consumed.has(key))).toEqual([]);
    expect(consumerCrashes).toEqual([]);
  });
});


async function retryFor<T>(attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((wait) => setTimeout(wait, 100));
    }
  }
}
