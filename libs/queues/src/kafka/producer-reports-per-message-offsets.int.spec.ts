import { useTestKafka, type TestKafka } from '@eventpath/dev-infra';
import { Kafka, type Message } from 'kafkajs';
import { BatchingProducer, type DeliveryReport } from './batching-producer';
import { countProduceRequests } from './test-support/produce-request-counter';
import { TopicRecorder } from './test-support/topic-recorder';

describe('BatchingProducer delivery reports', () => {
  let test: TestKafka;
  let kafka: Kafka;
  let recorder: TopicRecorder;
  const topic: Record<string, string> = {};
  beforeAll(async () => {
    test = await useTestKafka();
    for (const [name, partitions] of [['offsets', 3], ['two-topics-a', 2], ['two-topics-b', 2], ['bounded', 1], ['sticky', 8], ['custom', 4]] as const) {
      topic[name] = await test.createUniqueTopic(name, partitions);
    }
    kafka = new Kafka(test.clientConfig('producer-offsets'));
    recorder = await TopicRecorder.start(kafka, Object.values(topic), test.consumerConfig(`recorder-${Date.now()}`));
  });
  afterAll(async () => {
    await recorder?.stop();
    await test?.release();
  });

  /** Each report names a distinct position, and the message stored there is the one sent. */
  async function expectReportsMatchTopic(sent: Array<{ report: DeliveryReport; value: string }>) {
    const positions = new Set(sent.map(({ report }) => `${report.topic}/${report.partition}/${report.offset}`));
    expect(positions.size).toBe(sent.length);
    for (const { report, value } of sent) {
      expect(await recorder.valueAt(report.topic, report.partition, report.offset)).toBe(value);
    }
  }

  it('coalesces concurrent sends into few requests and reports the partition and offset of every message', async () => {
    const producer = new BatchingProducer(kafka, { lingerMs: 20, producerConfig: test.producerConfig() });
    const requests = countProduceRequests(producer);
    await producer.connect();
    try {
      const calls = Array.from({ length: 40 }, (_, call) => {
        const messages: Message[] = Array.from({ length: 5 }, (_, i) => ({
          // Keyed, unkeyed and pinned messages, so every partitioning path is covered.
          key: i % 3 === 0 ? `key-${call}-${i}` : null,
          partition: i % 3 === 1 ? call % 3 : undefined,
          value: `value ${call}/${i}`,
        }));
        return producer.send(topic['offsets'], messages).then((reports) => reports.map((report, i) => ({ report, value: String(messages[i].value) })));
      });
      const sent = (await Promise.all(calls)).flat();
      expect(sent).toHaveLength(200);
      expect(sent.every(({ report }) => report.topic === topic['offsets'])).toBe(true);
      expect(new Set(sent.map(({ report }) => report.partition))).toEqual(new Set([0, 1, 2]));
      expect(requests()).toBeLessThan(5);
      await expectReportsMatchTopic(sent);
    } finally {
      await producer.disconnect();
    }
  });

  it('reports offsets per topic when one request carries several topics', async () => {
    const producer = new BatchingProducer(kafka, { lingerMs: 20, producerConfig: test.producerConfig() });
    await producer.connect();
    try {
      const send = (name: string, n: number) =>
        producer.send(name, [{ value: `${name}-${n}` }]).then(([report]) => ({ report, value: `${name}-${n}` }));
      const sent = await Promise.all([0, 1, 2, 3].flatMap((n) => [send(topic['two-topics-a'], n), send(topic['two-topics-b'], n)]));
      expect(sent.filter((s) => s.report.topic === topic['two-topics-b'])).toHaveLength(4);
      await expectReportsMatchTopic(sent);
    } finally {
      await producer.disconnect();
    }
  });

  it('sends a request as soon as it holds maxBatchBytes, without waiting for the linger window', async () => {
    // 4 records of at most 500 bytes each (see record-size-bound.ts) and the batch header.
    const producer = new BatchingProducer(kafka, { lingerMs: 60_000, maxBatchBytes: 4 * 500 + 61, producerConfig: test.producerConfig() });
    const requests = countProduceRequests(producer);
    await producer.connect();
    try {
      // Bound of each record: length 2 + attributes 1 + deltas 15 + null key 1 + value length 2 + 478 + header count 1 = 500.
      const value = 'x'.repeat(478);
      const sent = await Promise.all(Array.from({ length: 8 }, () => producer.send(topic['bounded'], [{ value }])));
      expect(sent.flat().map((r) => Number(r.offset)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      await expectReportsMatchTopic(sent.flat().map((report) => ({ report, value })));
      expect(requests()).toBe(2);
    } finally {
      await producer.disconnect();
    }
  });

  it('puts the unkeyed messages of one request on one partition and keyed ones where kafkajs would', async () => {
    const producer = new BatchingProducer(kafka, { lingerMs: 20, producerConfig: test.producerConfig() });
    const requests = countProduceRequests(producer);
    const bare = kafka.producer(test.producerConfig());
    await Promise.all([producer.connect(), bare.connect()]);
    try {
      const unkeyed = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send(topic['sticky'], [{ value: `u${i}` }])));
      expect(requests()).toBe(1);
      expect(new Set(unkeyed.flat().map((r) => r.partition)).size).toBe(1);

      const keys = Array.from({ length: 16 }, (_, i) => `customer-${i}`);
      const ours = await producer.send(topic['sticky'], keys.map((key) => ({ key, value: key })));
      // The same key always maps to the same partition as with a plain kafkajs producer.
      const bareReports = await Promise.all(keys.map((key) => bare.send({ topic: topic['sticky'], messages: [{ key, value: key }] })));
      expect(ours.map((r) => r.partition)).toEqual(bareReports.map(([meta]) => meta.partition));
      expect(new Set(ours.map((r) => r.partition)).size).toBeGreaterThan(1);
    } finally {
      await Promise.all([producer.disconnect(), bare.disconnect()]);
    }
  });

  it('reports the partition a custom partitioner chose, even where the message named another', async () => {
    // A partitioner that routes by a header and ignores `partition`.
    const byRegion = () => ({ message }: { message: Message }) => (String(message.headers?.['region']) === 'eu' ? 3 : 1);
    const producer = new BatchingProducer(kafka, { lingerMs: 5, producerConfig: test.producerConfig({ createPartitioner: byRegion }) });
    await producer.connect();
    try {
      const messages: Message[] = Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `c${i}`, headers: { region: i % 2 ? 'eu' : 'us' } }));
      const reports = await producer.send(topic['custom'], messages);
      expect(reports.map((r) => r.partition)).toEqual(messages.map((_, i) => (i % 2 ? 3 : 1)));
      await expectReportsMatchTopic(reports.map((report, i) => ({ report, value: `c${i}` })));
    } finally {
      await producer.disconnect();
    }
  });
});
