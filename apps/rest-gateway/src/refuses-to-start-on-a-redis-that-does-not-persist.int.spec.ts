import { NonDurableRedisError } from '@eventpath/queues';
import { startRedis, useTestKafka, type TestKafka } from '@eventpath/dev-infra';
import { startGatewayUnderTest } from './test-support/gateway-under-test';

describe('a Redis that would lose acknowledged failover events on a restart stops start-up', () => {
  let kafka: TestKafka;

  beforeAll(async () => {
    kafka = await useTestKafka();
  }, 120_000);
  afterAll(async () => {
    await kafka?.release();
  });

  it('refuses appendonly no, and appendfsync everysec unless FAILOVER_REDIS_DURABILITY=aof allows it', async () => {
    const noAof = await startRedis({ appendonly: false });
    const everysec = await startRedis({ appendfsync: 'everysec' });
    try {
      const start = (url: string, durability?: string) =>
        startGatewayUnderTest({ bootstrap: kafka.bootstrap, redisUrl: url, env: durability ? { FAILOVER_REDIS_DURABILITY: durability } : {} });
      await expect(start(noAof.url)).rejects.toBeInstanceOf(NonDurableRedisError);
      await expect(start(noAof.url, 'aof')).rejects.toThrow(/appendonly is no/);
      await expect(start(everysec.url)).rejects.toThrow(/appendfsync is everysec/);
      const allowed = await start(everysec.url, 'aof');
      await allowed.stop();
      const unchecked = await start(noAof.url, 'unchecked');
      await unchecked.stop();
    } finally {
      await Promise.all([noAof.stop(), everysec.stop()]);
    }
  });
});
