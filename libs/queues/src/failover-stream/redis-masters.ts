import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './run-script';

export const DEFAULT_READY_TIMEOUT_MS = 10_000;

/**
 * The servers a configuration check must ask: the client itself, or every
 * master of a Redis Cluster. A Cluster client knows its nodes only once it
 * is ready, so this waits for that (connecting a `lazyConnect` one) for at
 * most `readyTimeoutMs`, and fails rather than answer with no server at all:
 * a check over no server would pass without checking anything.
 */
export async function redisMasters(redis: RedisClient, readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<Redis[]> {
  if (!(redis instanceof Cluster)) return [redis];
  await clusterReady(redis, readyTimeoutMs);
  const masters = redis.nodes('master');
  if (masters.length === 0) throw new Error('the Redis Cluster client is ready but knows no master node: cannot check its configuration');
  return masters;
}

function clusterReady(cluster: Cluster, timeoutMs: number): Promise<void> {
  if (cluster.status === 'ready') return Promise.resolve();
  if (cluster.status === 'end' || cluster.status === 'disconnecting') {
    return Promise.reject(new Error(`the Redis Cluster client is closed (status ${cluster.status}): cannot check its configuration`));
  }
  if (cluster.status === 'wait') cluster.connect().catch(() => undefined); // lazyConnect; failures show as 'error' events
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error) => (lastError = error);
    const settle = (error?: Error) => {
      clearTimeout(timer);
      cluster.off('ready', onReady).off('end', onEnd).off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => settle();
    const onEnd = () => settle(new Error('the Redis Cluster client closed before it was ready: cannot check its configuration'));
    const timer = setTimeout(
      () =>
        settle(
          new Error(
            `the Redis Cluster client was not ready within ${timeoutMs} ms (status ${cluster.status}` +
              `${lastError ? `, last error: ${lastError.message}` : ''}): cannot check its configuration`,
          ),
        ),
      timeoutMs,
    );
    cluster.on('ready', onReady).on('end', onEnd).on('error', onError);
  });
}
