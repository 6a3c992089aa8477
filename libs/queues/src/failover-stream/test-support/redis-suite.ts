import { startRedis, type DevRedis, type StartRedisOptions } from '@eventpath/dev-infra';
import Redis from 'ioredis';

export interface RedisSuite {
  server: DevRedis;
  /** A client shared by the tests of the block. */
  redis: Redis;
  /** Another client (e.g. one per reader, whose reads block), disconnected after the block. */
  client(): Redis;
}

/** One redis-server for the calling describe block: started before its tests, stopped after them. */
export function redisSuite(options?: StartRedisOptions): RedisSuite {
  const clients: Redis[] = [];
  const suite: RedisSuite = {
    server: undefined as unknown as DevRedis,
    redis: undefined as unknown as Redis,
    client() {
      const client = new Redis(suite.server.url);
      clients.push(client);
      return client;
    },
  };
  beforeAll(async () => {
    suite.server = await startRedis(options);
    suite.redis = suite.client();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await suite.server?.stop();
  });
  return suite;
}
