import { startApacheKafka, startRedis, type ApacheKafka, type DevRedis, type StartApacheKafkaOptions } from '@eventpath/dev-infra';
import type { RunningRestGateway } from '../rest-gateway';
import { startGatewayUnderTest } from './gateway-under-test';

/** A gateway on an Apache Kafka cluster and a redis-server of a test file's own, for tests that kill or hang them. */
export interface GatewayOnOwnCluster {
  cluster: ApacheKafka;
  redis: DevRedis;
  gateway: RunningRestGateway;
  stop(): Promise<void>;
}

export async function startGatewayOnOwnCluster(kafka: StartApacheKafkaOptions, env: Record<string, string>): Promise<GatewayOnOwnCluster> {
  const [cluster, redis] = await Promise.all([startApacheKafka(kafka), startRedis()]);
  const gateway = await startGatewayUnderTest({ bootstrap: cluster.bootstrap, redisUrl: redis.url, env }).catch(async (error: unknown) => {
    await Promise.all([cluster.stop(), redis.stop()]);
    throw error;
  });
  return {
    cluster,
    redis,
    gateway,
    stop: async () => {
      await gateway.stop();
      await Promise.all([redis.stop(), cluster.stop()]);
    },
  };
}
