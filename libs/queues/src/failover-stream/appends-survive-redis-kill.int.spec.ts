import { startRedis, type DevRedis } from '@eventpath/dev-infra';
import Redis from 'ioredis';
import type { FailoverEvent } from './failover-event';
import { FailoverStreamReader } from './failover-stream-reader';
import { FailoverStreamWriter } from './failover-stream-writer';

describe('failover stream across a Redis crash', () => {
  let server: DevRedis;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(() => server.stop());

  it('still holds every acknowledged append, and the group state, after SIGKILL and an AOF restart', async () => {
    const redis = new Redis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    try {
      const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 10_000 });
      const appended: FailoverEvent[] = [];
      for (let batch = 0; batch < 20; batch++) {
        const call = Array.from({ length: 25 }, (_, i) => ({
          id: `k${batch}-${i}`,
          key: `key-${i}`,
          value: Buffer.from(`value ${batch}/${i}`),
          headers: { 'x-batch': String(batch) },
        }));
        await writer.append('durable', call);
        appended.push(...call);
      }
      const reader = new FailoverStreamReader(redis, 'durable', { consumer: 'w', blockMs: 0, batchSize: 100 });
      const firstBatch = await reader.read();
      await reader.ack(firstBatch.map((e) => e.streamId));

      await server.kill();
      await server.restart();

      const after = new FailoverStreamReader(redis, 'durable', { consumer: 'w2', blockMs: 0, batchSize: 1000 });
      const remaining = await after.read();
      expect(remaining.map((e) => e.id)).toEqual(appended.slice(100).map((e) => e.id));
      expect(remaining.map((e) => e.value.toString())).toEqual(appended.slice(100).map((e) => e.value.toString()));
      expect(remaining.every((e, i) => e.headers['x-batch'].toString() === appended[100 + i].headers?.['x-batch'])).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});
