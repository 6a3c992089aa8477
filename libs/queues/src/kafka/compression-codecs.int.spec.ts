import {
  canStartApacheKafka,
  consumeWithJavaClient,
  kcat,
  kcatReadAll,
  produceWithJavaClient,
  useTestKafka,
  type TestKafka,
} from '@eventpath/dev-infra';
import { CompressionTypes, Kafka } from 'kafkajs';
import { BatchingProducer } from './batching-producer';
import { registerCompressionCodecs } from './compression-codecs';
import { readTopic } from './test-support/read-topic';

const CODECS = [
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
  ['zstd', CompressionTypes.ZSTD],
] as const;

const byKey = <T extends { key: string | null }>(a: T, b: T) => String(a.key).localeCompare(String(b.key), 'en', { numeric: true });
// The Java client needs the Apache Kafka jars (absent in the no-Java mode).
const withJava = canStartApacheKafka() ? it : it.skip;

describe('compressed batches between kafkajs and other clients', () => {
  let kafka: TestKafka;
  let client: Kafka;

  beforeAll(async () => {
    registerCompressionCodecs();
    kafka = await useTestKafka();
    client = new Kafka(kafka.clientConfig('codecs'));
  });
  afterAll(() => kafka?.release());

  describe.each(CODECS)('%s', (name, type) => {
    it(`kafkajs reads what kcat (librdkafka) wrote with ${name}`, async () => {
      const topic = await kafka.createUniqueTopic(`kcat-${name}`, 2);
      const lines = Array.from({ length: 200 }, (_, i) => `k${i}:value ${i} ${'x'.repeat(i % 50)}`).join('\n');
      await kcat(kafka.bootstrap, ['-P', '-t', topic, '-K', ':', '-H', `codec=${name}`, '-z', name, '-X', 'linger.ms=50'], `${lines}\n`);
      const read = await readTopic(client, topic, 200, (group) => kafka.consumerConfig(group));
      expect(read.sort(byKey).map(({ key, value, headers }) => ({ key, value, headers }))).toEqual(
        Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: `value ${i} ${'x'.repeat(i % 50)}`, headers: { codec: name } })),
      );
    });

    withJava(`kafkajs reads what Apache Kafka's Java producer wrote with ${name}`, async () => {
      const topic = await kafka.createUniqueTopic(`java-${name}`, 2);
      const produced = await produceWithJavaClient(kafka.bootstrap, topic, name, 300);
      const read = await readTopic(client, topic, 300, (group) => kafka.consumerConfig(group));
      expect(read.sort(byKey).map(({ key, value, headers, partition, offset }) => ({ key, value, headers, partition, offset: Number(offset) }))).toEqual(
        produced.sort(byKey).map(({ key, partition, offset }) => ({
          key,
          value: `v${key.slice(1)}`,
          headers: { 'event-id': `e${key.slice(1)}` },
          partition,
          offset,
        })),
      );
    }, 120_000);

    it(`kcat and the Java consumer read what BatchingProducer wrote with ${name}`, async () => {
      const topic = await kafka.createUniqueTopic(`ours-${name}`, 2);
      const producer = new BatchingProducer(client, { compression: type, producerConfig: kafka.producerConfig() });
      await producer.connect();
      const messages = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: `value ${i} `.repeat(20), headers: { 'event-id': `e${i}` } }));
      const reports = (await Promise.all(messages.map((m) => producer.send(topic, [m])))).flat();
      await producer.disconnect();

      const expected = messages.map((m, i) => ({ key: m.key, value: m.value, partition: reports[i].partition, offset: Number(reports[i].offset) }));
      const byKcat = await kcatReadAll(kafka.bootstrap, topic);
      expect(byKcat.sort(byKey).map(({ key, payload, partition, offset, headers }) => ({ key, value: payload, partition, offset, headers }))).toEqual(
        expected.map((e) => ({ ...e, headers: ['event-id', `e${e.key.slice(1)}`] })),
      );
      if (canStartApacheKafka()) {
        const byJava = await consumeWithJavaClient(kafka.bootstrap, topic, 100);
        expect(byJava.sort(byKey).map(({ key, value, partition, offset }) => ({ key, value, partition, offset }))).toEqual(expected);
      }
    }, 120_000);
  });
});
