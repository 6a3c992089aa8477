import { kcatReadAll, useTestKafka, type TestKafka } from '@eventpath/dev-infra';
import { CompressionTypes, Kafka } from 'kafkajs';
import { BatchingProducer } from './batching-producer';
import { countProduceRequests } from './test-support/produce-request-counter';

// The broker (started with Kafka's defaults) refuses a record batch over
// message.max.bytes, 1 MiB + 12: a coalesced request estimated too low fails
// every caller in it.
describe('BatchingProducer against the default message.max.bytes', () => {
  let test: TestKafka;
  let kafka: Kafka;
  beforeAll(async () => {
    test = await useTestKafka();
    kafka = new Kafka(test.clientConfig('max-bytes'));
  });
  afterAll(() => test?.release());

  it.each([
    ['uncompressed', CompressionTypes.None],
    ['snappy (incompressible values)', CompressionTypes.Snappy],
  ] as const)('coalesces thousands of header-heavy sends into batches the broker takes (%s)', async (_name, compression) => {
    const topic = await test.createUniqueTopic('max-bytes', 1);
    const producer = new BatchingProducer(kafka, { lingerMs: 50, compression, producerConfig: test.producerConfig() });
    const requests = countProduceRequests(producer);
    await producer.connect();
    try {
      // Per message 20 one-byte headers: 4 encoded bytes each, where a flat
      // per-message allowance counts 2; 30 random bytes of value defeat compression.
      const sends = Array.from({ length: 16_000 }, (_, i) =>
        producer.send(topic, [
          {
            value: Buffer.from(Array.from({ length: 30 }, (_, b) => (i * 31 + b * 97) % 251)),
            headers: Object.fromEntries(Array.from({ length: 20 }, (_, h) => [String.fromCharCode(97 + h), 'x'])),
          },
        ]),
      );
      const outcomes = await Promise.allSettled(sends);
      const failed = outcomes.filter((o) => o.status === 'rejected');
      expect(failed.map((f) => String((f as PromiseRejectedResult).reason)).slice(0, 1)).toEqual([]);
      // Coalesced all the same: a handful of requests near 1 MiB each.
      expect(requests()).toBeGreaterThanOrEqual(2);
      expect(requests()).toBeLessThan(8);
    } finally {
      await producer.disconnect();
    }
    const stored = await kcatReadAll(test.bootstrap, topic);
    expect(stored).toHaveLength(16_000);
  }, 120_000);
});
