import Redis from 'ioredis';
import { createConnection } from 'node:net';
import { startRedis, type DevRedis } from './start-redis';

describe('startRedis with ioredis', () => {
  let redis: DevRedis;
  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(() => redis.stop());

  it('runs with AOF on and a non-evicting memory policy', async () => {
    const client = new Redis(redis.url);
    try {
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    } finally {
      client.disconnect();
    }
  });

  it('keeps data written before a SIGKILL after restart (AOF replay)', async () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    try {
      await client.xadd('stream', '*', 'event', 'one');
      await client.set('key', 'value');
      await redis.kill();
      await expect(connectRefused(redis.port)).resolves.toBe(true);
      await redis.restart();
      expect(await client.get('key')).toBe('value');
      expect(await client.xlen('stream')).toBe(1);
    } finally {
      client.disconnect();
    }
  });

  it('names the Debian package when redis-server is missing', async () => {
    await expect(startRedis({ binary: 'redis-server-not-installed' })).rejects.toThrow(/Debian package redis-server/);
  });
});

function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}
