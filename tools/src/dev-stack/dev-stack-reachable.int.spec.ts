import { Storage } from '@google-cloud/storage';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canStartApacheKafka } from '../test-kafka';
import type { StackKafkaKind } from './stack-kafka';
import { startDevStack, type DevStack } from './start-dev-stack';

const kinds: StackKafkaKind[] = canStartApacheKafka() ? ['dev', 'apache'] : ['dev'];

describe.each(kinds)('dev stack on %s Kafka', (kind) => {
  let stack: DevStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dev-stack-'));
    stack = await startDevStack({ topics: ['events:2'], dataDir, bucket: 'archive', gcsPort: 0, kafka: kind });
  }, 180_000);
  afterAll(async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('points every app variable at a reachable component', async () => {
    for (const variable of ['FRONTING_KAFKA_BROKERS', 'MAINSTREAM_KAFKA_BROKERS']) {
      const kafka = new Kafka({ brokers: stack.env[variable].split(','), logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      const [ack] = await producer.send({ topic: 'events', acks: -1, messages: [{ value: variable }] });
      expect(ack.errorCode).toBe(0);
      await producer.disconnect();
    }
    const redis = new Redis(stack.env.REDIS_URL);
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
    const storage = new Storage({ apiEndpoint: stack.env.GCS_API_ENDPOINT, projectId: 'dev' });
    const [exists] = await storage.bucket('archive').exists();
    expect(exists).toBe(true);
  });

  // The mock cluster cannot create topics through the admin API; an external cluster is a real Kafka.
  (kind === 'apache' ? it : it.skip)('creates the topics an external Kafka lacks, and keeps those it has', async () => {
    const external = stack.mainstream.bootstrap;
    const second = await startDevStack({
      topics: ['events:8', 'orders:4'],
      dataDir: join(dataDir, 'second'),
      bucket: 'archive',
      gcsPort: 0,
      external: { frontingBrokers: external, mainstreamBrokers: external },
    });
    await second.stop();
    expect([second.fronting.kind, second.mainstream.kind]).toEqual(['external', 'external']);
    const admin = new Kafka({ brokers: external.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: ['events', 'orders'] });
    await admin.disconnect();
    expect(Object.fromEntries(topics.map((topic) => [topic.name, topic.partitions.length]))).toEqual({ events: 2, orders: 4 });
  }, 60_000);

  it('keeps the two Kafka clusters independent', async () => {
    const fronting = stack.fronting;
    if (fronting.kind === 'external') throw new Error('the stack started its own fronting Kafka');
    if (fronting.kind === 'dev') await fronting.cluster.down(1);
    else await fronting.cluster.kill(1);
    try {
      const kafka = new Kafka({ brokers: stack.env.MAINSTREAM_KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      await expect(producer.send({ topic: 'events', messages: [{ value: 'x' }] })).resolves.toHaveLength(1);
      await producer.disconnect();
    } finally {
      if (fronting.kind === 'dev') await fronting.cluster.up(1);
      else await fronting.cluster.restart(1);
    }
  }, 120_000);
});
