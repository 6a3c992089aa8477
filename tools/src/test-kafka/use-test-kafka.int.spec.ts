import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { eventually } from '../test-support';
import { SHARED_TEST_KAFKA_ENV, startSharedTestKafka, useTestKafka, type TestKafka } from './use-test-kafka';
import type { TestKafkaKind } from './test-kafka-kind';

async function roundTrip(kafka: TestKafka): Promise<string[]> {
  const topic = await kafka.createUniqueTopic('round-trip', 2);
  const client = new Kafka(kafka.clientConfig('round-trip'));
  const producer = client.producer(kafka.producerConfig());
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
  await producer.disconnect();
  const consumer = client.consumer(kafka.consumerConfig(`g-${randomUUID()}`));
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
  await eventually(() => values.length === 2, 30_000, 'both messages consumed');
  await consumer.disconnect();
  return values.sort();
}

describe('useTestKafka', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each<TestKafkaKind>(['apache', 'dev'])('starts a %s Kafka of its own outside a shared run', async (kind) => {
    delete process.env[SHARED_TEST_KAFKA_ENV];
    process.env['EVENTPATH_TEST_KAFKA'] = kind;
    const kafka = await useTestKafka({ topics: ['given:3'] });
    try {
      expect(kafka.kind).toBe(kind);
      expect(await roundTrip(kafka)).toEqual(['1', '2']);
    } finally {
      await kafka.release();
    }
  }, 120_000);

  it('uses the shared Kafka of a run, and an external cluster by its bootstrap list', async () => {
    const { shared, stop } = await startSharedTestKafka('apache');
    try {
      process.env[SHARED_TEST_KAFKA_ENV] = JSON.stringify(shared);
      const sharedUse = await useTestKafka();
      expect(sharedUse.bootstrap).toBe(shared.bootstrap);
      expect(await roundTrip(sharedUse)).toEqual(['1', '2']);
      await sharedUse.release();

      delete process.env[SHARED_TEST_KAFKA_ENV];
      process.env['EVENTPATH_TEST_KAFKA'] = 'external';
      process.env['EVENTPATH_TEST_KAFKA_BROKERS'] = shared.bootstrap;
      const external = await useTestKafka();
      expect(external.kind).toBe('external');
      expect(await roundTrip(external)).toEqual(['1', '2']);
      await external.release();
      // Releasing a shared or external Kafka leaves it running.
      const again = await useTestKafka();
      expect(await roundTrip(again)).toEqual(['1', '2']);
      await again.release();
    } finally {
      await stop();
    }
  }, 120_000);
});
