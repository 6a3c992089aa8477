import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { CompressionTypes, Kafka } from 'kafkajs';
import { devKafkaClientConfig, devKafkaProducerConfig } from './kafka-test-settings';
import { startDevKafka, type DevKafka } from './start-dev-kafka';
import { consumeMessages } from './test-support/consume-messages';

// kcat is built on librdkafka's own client: a second, independent Kafka
// implementation checks that the broker speaks the protocol, not just
// whatever kafkajs happens to accept.
const KCAT = '/usr/bin/kcat';
const run = promisify(execFile);

interface KcatMetadata {
  brokers: Array<{ id: number; name: string }>;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number }> }>;
}

interface KcatRecord {
  partition: number;
  offset: number;
  key: string;
  payload: string;
  headers?: string[];
}

describe('kcat as a second client of the dev broker', () => {
  let broker: DevKafka;

  beforeAll(async () => {
    broker = await startDevKafka({ brokers: 3, topics: ['kafkajs-to-kcat:3', 'kcat-to-kafkajs:2'] });
  });

  afterAll(() => broker.stop());

  const kcat = async (args: string[], input?: string): Promise<string> => {
    const child = run(KCAT, ['-b', broker.bootstrap, ...args], { timeout: 10_000 });
    child.child.stdin?.end(input);
    return (await child).stdout;
  };

  it('lists every broker and the pre-created topics with their partition counts', async () => {
    const metadata = JSON.parse(await kcat(['-L', '-J'])) as KcatMetadata;

    expect(metadata.brokers.map(({ id, name }) => ({ id, name }))).toEqual(
      broker.brokerNodes.map(({ id, host, port }) => ({ id, name: `${host}:${port}` })),
    );
    const partitionCounts = Object.fromEntries(metadata.topics.map((t) => [t.topic, t.partitions.length]));
    expect(partitionCounts).toEqual({ 'kafkajs-to-kcat': 3, 'kcat-to-kafkajs': 2 });
  });

  it('reads what kafkajs produced: keys, values, headers, gzip', async () => {
    const kafka = new Kafka(devKafkaClientConfig(broker.brokers, 'kcat-test'));
    const producer = kafka.producer(devKafkaProducerConfig());
    await producer.connect();
    const messages = Array.from({ length: 30 }, (_, i) => ({
      key: `key-${i}`,
      value: `value-${i}`,
      headers: { 'event-id': `event-${i}` },
    }));
    await producer.send({ topic: 'kafkajs-to-kcat', acks: -1, compression: CompressionTypes.GZIP, messages });
    await producer.disconnect();

    const output = await kcat(['-C', '-t', 'kafkajs-to-kcat', '-e', '-J', '-q']);
    const records = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as KcatRecord);

    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(records.map(({ key, payload, headers }) => ({ key, value: payload, headers })).sort(byKey)).toEqual(
      messages.map(({ key, value, headers }) => ({ key, value, headers: ['event-id', headers['event-id']] })).sort(byKey),
    );
  });

  it('serves kafkajs what kcat produced', async () => {
    await kcat(['-P', '-t', 'kcat-to-kafkajs', '-K', ':', '-H', 'source=kcat', '-z', 'gzip'], 'a:1\nb:2\nc:3\n');

    const kafka = new Kafka(devKafkaClientConfig(broker.brokers, 'kcat-test'));
    const received = await consumeMessages(kafka, 'kcat-to-kafkajs', 3, `kcat-${randomUUID()}`);

    expect(received.map(({ key, value, headers }) => ({ key, value, headers })).sort((a, b) => String(a.key).localeCompare(String(b.key)))).toEqual([
      { key: 'a', value: '1', headers: { source: 'kcat' } },
      { key: 'b', value: '2', headers: { source: 'kcat' } },
      { key: 'c', value: '3', headers: { source: 'kcat' } },
    ]);
  });
});
