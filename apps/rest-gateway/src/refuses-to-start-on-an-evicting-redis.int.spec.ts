import { EvictingMemoryPolicyError } from '@eventpath/queues';
import { startRedis, useTestKafka, type TestKafka } from '@eventpath/dev-infra';
import { gatewayEnv, startGatewayUnderTest } from './test-support/gateway-under-test';
import { startGatewayProcess } from './test-support/gateway-process';

describe('an evicting Redis stops start-up', () => {
  let kafka: TestKafka;

  beforeAll(async () => {
    kafka = await useTestKafka();
  }, 120_000);
  afterAll(async () => {
    await kafka?.release();
  });

  it.each(['allkeys-lru', 'volatile-ttl'])('refuses to start on maxmemory-policy %s, saying how to fix it', async (policy) => {
    const redis = await startRedis({ maxmemoryPolicy: policy, maxmemory: '64mb' });
    try {
      const started = startGatewayUnderTest({ bootstrap: kafka.bootstrap, redisUrl: redis.url });
      await expect(started).rejects.toBeInstanceOf(EvictingMemoryPolicyError);
      await expect(started).rejects.toThrow(/maxmemory-policy is "[a-z-]+".*noeviction/);
    } finally {
      await redis.stop();
    }
  });

  it('exits the process with code 1 and the reason in its log', async () => {
    const redis = await startRedis({ maxmemoryPolicy: 'allkeys-lru', maxmemory: '64mb' });
    try {
      const started = startGatewayProcess(gatewayEnv({ bootstrap: kafka.bootstrap, redisUrl: redis.url }));
      await expect(started).rejects.toThrow(/exited \(1\) before it listened/);
      await expect(started).rejects.toThrow(/"msg":"start-up failed"/);
      await expect(started).rejects.toThrow(/EvictingMemoryPolicyError/);
    } finally {
      await redis.stop();
    }
  });
});
