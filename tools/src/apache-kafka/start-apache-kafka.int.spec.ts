import { Kafka, logLevel, type Producer } from 'kafkajs';
import { eventually } from '../test-support';
import { ApacheKafkaNodeError } from './errors';
import { startApacheKafka, type ApacheKafka } from './start-apache-kafka';

async function readAll(kafka: Kafka, topic: string, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `read-${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
  try {
    await eventually(() => values.length >= count, 30_000, `${count} messages read back from ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return values;
}

describe('a single-node Apache Kafka (KRaft)', () => {
  let cluster: ApacheKafka;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    cluster = await startApacheKafka({ brokers: 1, topics: ['basics:3', { name: 'configured', partitions: 2, config: { 'max.message.bytes': '2048' } }] });
    kafka = new Kafka({ clientId: 'launcher-test', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
    await cluster?.stop();
  });

  it('is a real broker: acks=all produce, consume back, topics with their settings', async () => {
    const [report] = await producer.send({ topic: 'basics', acks: -1, messages: [{ key: 'k', value: 'v0' }] });
    expect(report.errorCode).toBe(0);
    expect(await readAll(kafka, 'basics', 1)).toEqual(['v0']);

    const described = await cluster.describeTopic('basics');
    expect(described.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual([
      [0, 1, [1], [1]],
      [1, 1, [1], [1]],
      [2, 1, [1], [1]],
    ]);
    // The topic setting reached the broker: a record over 2 KiB is refused there.
    await expect(
      producer.send({ topic: 'configured', acks: -1, messages: [{ value: Buffer.alloc(4096) }] }),
    ).rejects.toThrow(/too large|larger/i);
    await expect(cluster.createTopic('basics', 1)).rejects.toThrow(/exists/);
    // No auto-creation: an unknown topic stays unknown.
    await expect(
      kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 1 } }).send({ topic: 'nope', messages: [{ value: 'x' }] }),
    ).rejects.toThrow();
  });

  it('keeps acknowledged data across SIGKILL and restart of the node', async () => {
    await cluster.createTopic('survives', 1);
    await producer.send({ topic: 'survives', acks: -1, messages: Array.from({ length: 50 }, (_, i) => ({ value: `m${i}` })) });
    const pidBefore = cluster.nodes()[0].pid as number;
    await cluster.kill(1);
    expect(cluster.nodes()[0].state).toBe('stopped');
    expect(() => process.kill(pidBefore, 0)).toThrow(/ESRCH/);
    await cluster.restart(1);
    expect(cluster.nodes()[0].state).toBe('running');
    expect(cluster.nodes()[0].pid).not.toBe(pidBefore);
    const fresh = new Kafka({ clientId: 'after-restart', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
    const values = await readAll(fresh, 'survives', 50);
    expect(values).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
  }, 120_000);

  it('pauses a node (SIGSTOP) so requests time out, and resumes it (SIGCONT)', async () => {
    await cluster.createTopic('hung', 1);
    const impatient = new Kafka({
      clientId: 'impatient',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
      requestTimeout: 1500,
      retry: { retries: 0 },
    }).producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await impatient.connect();
    const sends = (value: string) => () =>
      impatient.send({ topic: 'hung', acks: -1, messages: [{ value }] }).then(() => true, () => false);
    // The first send may meet a leader that is still being elected.
    await eventually(sends('before'), 30_000, 'a send to succeed before the pause');
    cluster.pause(1);
    try {
      expect(cluster.nodes()[0].state).toBe('paused');
      const started = Date.now();
      await expect(impatient.send({ topic: 'hung', acks: -1, messages: [{ value: 'during' }] })).rejects.toThrow(/timed out|timeout/i);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      cluster.resume(1);
    }
    await eventually(sends('after'), 30_000, 'a send to succeed after resume');
    await impatient.disconnect();
  }, 90_000);

  it('names a node it does not have', async () => {
    await expect(cluster.kill(7)).rejects.toThrow(ApacheKafkaNodeError);
    expect(() => cluster.pause(0)).toThrow(/no node 0: this cluster has nodes 1..1/);
    expect(() => cluster.resume(1)).toThrow(/not paused/);
  });
});
