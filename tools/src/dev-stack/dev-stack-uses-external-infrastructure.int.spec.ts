import { Storage } from '@google-cloud/storage';
import Redis from 'ioredis';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevKafka } from '../dev-kafka';
import { startGcsEmulator } from '../gcs-emulator';
import { startRedis } from '../redis';
import { externalInfrastructureFromEnv, startDevStack } from './start-dev-stack';

/** FRONTING_KAFKA_BROKERS, MAINSTREAM_KAFKA_BROKERS, REDIS_URL and GCS_API_ENDPOINT name components the stack uses instead of starting its own. */
describe('the dev stack with external infrastructure', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dev-stack-external-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reads the external components from the environment, empty values counting as unset', () => {
    expect(externalInfrastructureFromEnv({ FRONTING_KAFKA_BROKERS: 'k1:9092', MAINSTREAM_KAFKA_BROKERS: '', REDIS_URL: 'redis://r:6379' })).toEqual({
      frontingBrokers: 'k1:9092',
      mainstreamBrokers: undefined,
      redisUrl: 'redis://r:6379',
      gcsApiEndpoint: undefined,
    });
  });

  it('starts only what is missing, creates the bucket where it is missing, and leaves external components running', async () => {
    const fronting = await startDevKafka({ brokers: 1, topics: ['events:3'] });
    const redis = await startRedis();
    const gcs = await startGcsEmulator();
    try {
      const stack = await startDevStack({
        topics: ['events:3'],
        dataDir,
        bucket: 'made-by-the-stack',
        gcsPort: 0,
        external: { frontingBrokers: fronting.bootstrap, redisUrl: redis.url, gcsApiEndpoint: gcs.url },
      });
      try {
        expect(stack.fronting.kind).toBe('external');
        expect(stack.mainstream.kind).toBe('dev');
        expect(stack.redis).toBeUndefined();
        expect(stack.gcs).toBeUndefined();
        expect(stack.env).toMatchObject({ FRONTING_KAFKA_BROKERS: fronting.bootstrap, REDIS_URL: redis.url, GCS_API_ENDPOINT: gcs.url });
        expect(stack.env.MAINSTREAM_KAFKA_BROKERS).not.toBe(fronting.bootstrap);
        const [exists] = await new Storage({ apiEndpoint: gcs.url, projectId: 'x' }).bucket('made-by-the-stack').exists();
        expect(exists).toBe(true);
      } finally {
        await stack.stop();
      }
      const client = new Redis(redis.url);
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
      expect(await fronting.topics()).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'events' })]));
    } finally {
      await Promise.allSettled([fronting.stop(), redis.stop(), gcs.stop()]);
    }
  }, 60_000);
});
