import {
  devKafkaClientConfig,
  devKafkaConsumerConfig,
  devKafkaProducerConfig,
  KafkaApiKey,
  KafkaErrorCode,
  startDevKafka,
  type DevKafka,
} from '@eventpath/dev-infra';
import { Kafka, type Message, type Producer } from 'kafkajs';
import { BatchingProducer, type DeliveryReport } from './batching-producer';
import { TopicRecorder } from './test-support/topic-recorder';

describe('BatchingProducer delivery reports', () => {
  let broker: DevKafka;
  let kafka: Kafka;
  let recorder: TopicRecorder;
  const topics = ['offsets', 'two-topics-a', 'two-topics-b', 'bounded', 'retried', 'sticky'];
  beforeAll(async () => {
    broker = await startDevKafka({ topics: ['offsets:3', 'two-topics-a:2', 'two-topics-b:2', 'bounded:1', 'retried:3', 'sticky:8'] });
    kafka = new Kafka(devKafkaClientConfig(broker.brokers, 'producer-offsets'));
    recorder = await TopicRecorder.start(kafka, topics, devKafkaConsumerConfig(`recorder-${Date.now()}`));
  });
  afterAll(async () => {
    await recorder.stop();
    await broker.stop();
  });

  /** Counts Produce requests, i.e. how many kafkajs requests the sends were coalesced into. */
  function countProduceRequests(producer: BatchingProducer): () => number {
    let requests = 0;
    const inner = (producer as unknown as { producer: Producer }).producer;
    inner.on(inner.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'Produce') requests += 1;
    });
    return () => requests;
  }

  /** Each report names a distinct position, and the message stored there is the one sent. */
  async function expectReportsMatchTopic(sent: Array<{ report: DeliveryReport; value: string }>) {
    const positions = new Set(sent.map(({ report }) => `${report.topic}/${report.partition}/${report.offset}`));
    expect(positions.size).toBe(sent.length);
    for (const { report, value } of sent) {
      expect(await recorder.valueAt(report.topic, report.partition, report.offset)).toBe(value);
    }
  }

  it('coalesces concurrent sends into few requests and reports the partition and offset of every message', async () => {
    const producer = new BatchingProducer(kafka, { lingerMs: 20, producerConfig: devKafkaProducerConfig() });
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
        return producer.send('offsets', messages).then((reports) => reports.map((report, i) => ({ report, value: String(messages[i].value) })));
      });
      const sent = (await Promise.all(calls)).flat();
      expect(sent).toHaveLength(200);
      expect(sent.every(({ report }) => report.topic === 'offsets')).toBe(true);
      expect(new Set(sent.map(({ report }) => report.partition))).toEqual(new Set([0, 1, 2]));
      expect(requests()).toBeLessThan(5);
      await expectReportsMatchTopic(sent);
    } finally {
      await producer.disconnect();
    }
  });

  it('reports offsets per topic when one request carries several topics', async () => {
    const producer = new BatchingProducer(kafka, { lingerMs: 20, producerConfig: devKafkaProducerConfig() });
    await producer.connect();
    try {
      const send = (topic: string, n: number) =>
        producer.send(topic, [{ value: `${topic}-${n}` }]).then(([report]) => ({ report, value: `${topic}-${n}` }));
      const sent = await Promise.all([0, 1, 2, 3].flatMap((n) => [send('two-topics-a', n), send('two-topics-b', n)]));
      expect(sent.filter((s) => s.report.topic === 'two-topics-b')).toHaveLength(4);
      await expectReportsMatchTopic(sent);
    } finally {
      await producer.disconnect();
    }
  });

  it('sends a request as soon as it holds maxBatchBytes, without waiting for the linger window', async () => {
    const producer = new BatchingProducer(kafka, { lingerMs: 60_000, maxBatchBytes: 2000, producerConfig: devKafkaProducerConfig() });
    const requests = countProduceRequests(producer);
    await producer.connect();
    try {
      const value = 'x'.repeat(476); // 500 bytes each with the per-record estimate
      const sent = await Promise.all(Array.from({ length: 8 }, () => producer.send('bounded', [{ value }])));
      expect(sent.flat().map((r) => Number(r.offset)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      await expectReportsMatchTopic(sent.flat().map((report) => ({ report, value })));
      expect(requests()).toBe(2);
    } finally {
      await producer.disconnect();
    }
  });

  it('keeps each message on the partition it was first given when kafkajs retries the request', async () => {
    const producer = new BatchingProducer(kafka, { lingerMs: 5, producerConfig: devKafkaProducerConfig({ retry: { retries: 3, initialRetryTime: 50 } }) });
    const requests = countProduceRequests(producer);
    await producer.connect();
    try {
      await broker.injectErrors(KafkaApiKey.Produce, [KafkaErrorCode.NotLeaderOrFollower]);
      const values = Array.from({ length: 12 }, (_, i) => `retried ${i}`);
      const reports = await producer.send('retried', values.map((value) => ({ value })));
      expect(requests()).toBeGreaterThanOrEqual(2);
      await expectReportsMatchTopic(reports.map((report, i) => ({ report, value: values[i] })));
    } finally {
      await producer.disconnect();
    }
  });

  it('puts the unkeyed messages of one request on one partition and keyed ones where kafkajs would', async () => {
    const producer = new BatchingProducer(kafka, { lingerMs: 20, producerConfig: devKafkaProducerConfig() });
    const requests = countProduceRequests(producer);
    const bare = kafka.producer(devKafkaProducerConfig());
    await Promise.all([producer.connect(), bare.connect()]);
    try {
      const unkeyed = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send('sticky', [{ value: `u${i}` }])));
      expect(requests()).toBe(1);
      expect(new Set(unkeyed.flat().map((r) => r.partition)).size).toBe(1);

      const keys = Array.from({ length: 16 }, (_, i) => `customer-${i}`);
      const ours = await producer.send('sticky', keys.map((key) => ({ key, value: key })));
      // The same key always maps to the same partition as with a plain kafkajs producer.
      const bareReports = await Promise.all(keys.map((key) => bare.send({ topic: 'sticky', messages: [{ key, value: key }] })));
      expect(ours.map((r) => r.partition)).toEqual(bareReports.map(([meta]) => meta.partition));
      expect(new Set(ours.map((r) => r.partition)).size).toBeGreaterThan(1);
    } finally {
      await Promise.all([producer.disconnect(), bare.disconnect()]);
    }
  });
});
