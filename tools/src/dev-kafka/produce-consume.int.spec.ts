import { CompressionTypes, Kafka, type Message } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { devKafkaClientConfig, devKafkaProducerConfig } from './kafka-test-settings';
import { startDevKafka, type DevKafka } from './start-dev-kafka';
import { consumeMessages, type ConsumedMessage } from './test-support/consume-messages';

const TOPIC = 'produce-consume';
const PARTITIONS = 3;

describe('producing to and consuming from the dev broker with kafkajs', () => {
  let broker: DevKafka;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startDevKafka({ topics: [`${TOPIC}:${PARTITIONS}`] });
    kafka = new Kafka(devKafkaClientConfig(broker.brokers, 'produce-consume-test'));
  });

  afterAll(() => broker.stop());

  it('gives back exactly the acknowledged messages, with keys, headers and gzip, in order per partition', async () => {
    const message = (i: number): Message => ({
      key: `key-${i % 7}`,
      value: JSON.stringify({ i, padding: 'x'.repeat(i % 50) }),
      headers: { 'event-id': `event-${i}`, source: Buffer.from('produce-consume-test') },
    });
    const producer = kafka.producer(devKafkaProducerConfig());
    await producer.connect();
    const gzipped = Array.from({ length: 60 }, (_, i) => message(i));
    const plain = Array.from({ length: 40 }, (_, i) => message(60 + i));
    const acks = [
      ...(await producer.send({ topic: TOPIC, acks: -1, compression: CompressionTypes.GZIP, messages: gzipped })),
      ...(await producer.send({ topic: TOPIC, acks: -1, messages: plain })),
    ];
    await producer.disconnect();
    expect(acks.every((ack) => ack.errorCode === 0)).toBe(true);

    const sent = [...gzipped, ...plain];
    const received = await consumeMessages(kafka, TOPIC, sent.length, `produce-consume-${randomUUID()}`);

    expect(received).toHaveLength(sent.length);
    const byEventId = new Map(received.map((m) => [m.headers['event-id'], m]));
    for (const original of sent) {
      const eventId = (original.headers as Record<string, string>)['event-id'];
      expect(byEventId.get(eventId)).toMatchObject({
        key: original.key,
        value: original.value,
        headers: { 'event-id': eventId, source: 'produce-consume-test' },
      });
    }
    // One key always lands on one partition, and a partition keeps send order.
    const partitionOfKey = new Map<string | undefined, Set<number>>();
    for (const m of received) partitionOfKey.set(m.key, (partitionOfKey.get(m.key) ?? new Set()).add(m.partition));
    expect([...partitionOfKey.values()].every((partitions) => partitions.size === 1)).toBe(true);
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const inPartition = received.filter((m) => m.partition === partition);
      expect(inPartition.map(sequence)).toEqual([...inPartition.map(sequence)].sort((a, b) => a - b));
      expect(inPartition.map((m) => Number(m.offset))).toEqual(inPartition.map((_, i) => i));
      expect(await broker.watermarks(TOPIC, partition)).toEqual({ low: 0, high: inPartition.length });
    }
  });
});

const sequence = (m: ConsumedMessage): number => (JSON.parse(m.value ?? '{}') as { i: number }).i;
