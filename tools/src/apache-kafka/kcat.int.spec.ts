import { randomUUID } from 'node:crypto';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { consumeMessages } from '../dev-kafka/test-support/consume-messages';
import { kcat, kcatReadAll } from '../test-support/kcat';
import { startApacheKafka, type ApacheKafka } from './start-apache-kafka';

describe('kcat and kafkajs on Apache Kafka', () => {
  let cluster: ApacheKafka;
  let kafka: Kafka;

  beforeAll(async () => {
    cluster = await startApacheKafka({ brokers: 1, topics: ['kafkajs-to-kcat:3', 'kcat-to-kafkajs:2'] });
    kafka = new Kafka({ clientId: 'kcat-test', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  }, 120_000);
  afterAll(() => cluster?.stop());

  it('reads what kafkajs wrote: keys, values, headers, and the offsets kafkajs was told', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const messages = Array.from({ length: 30 }, (_, i) => ({
      key: `key-${i}`,
      value: `value-${i}`,
      headers: { 'event-id': `event-${i}`, source: 'kafkajs' },
    }));
    const reported: Array<{ key: string; partition: number; offset: number }> = [];
    for (const message of messages) {
      const [report] = await producer.send({ topic: 'kafkajs-to-kcat', acks: -1, compression: CompressionTypes.GZIP, messages: [message] });
      reported.push({ key: message.key, partition: report.partition, offset: Number(report.baseOffset) });
    }
    await producer.disconnect();

    const records = await kcatReadAll(cluster.bootstrap, 'kafkajs-to-kcat');

    const byKey = <T extends { key: string | null }>(a: T, b: T) => String(a.key).localeCompare(String(b.key));
    expect(records.map(({ key, payload, headers }) => ({ key, value: payload, headers })).sort(byKey)).toEqual(
      messages
        .map(({ key, value, headers }) => ({ key, value, headers: ['event-id', headers['event-id'], 'source', 'kafkajs'] }))
        .sort(byKey),
    );
    expect(records.map(({ key, partition, offset }) => ({ key, partition, offset })).sort(byKey)).toEqual(reported.sort(byKey));
    expect(new Set(reported.map((r) => r.partition)).size).toBeGreaterThan(1);
  });

  it('serves kafkajs what kcat wrote', async () => {
    await kcat(cluster.bootstrap, ['-P', '-t', 'kcat-to-kafkajs', '-K', ':', '-H', 'source=kcat', '-z', 'gzip'], 'a:1\nb:2\nc:3\n');
    const received = await consumeMessages(kafka, 'kcat-to-kafkajs', 3, `kcat-${randomUUID()}`);
    expect(
      received.map(({ key, value, headers }) => ({ key, value, headers })).sort((a, b) => String(a.key).localeCompare(String(b.key))),
    ).toEqual([
      { key: 'a', value: '1', headers: { source: 'kcat' } },
      { key: 'b', value: '2', headers: { source: 'kcat' } },
      { key: 'c', value: '3', headers: { source: 'kcat' } },
    ]);
  });
});
