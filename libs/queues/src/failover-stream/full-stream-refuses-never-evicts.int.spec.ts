import { startRedis, type DevRedis } from '@eventpath/dev-infra';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import { FailoverBufferFullError } from '../errors';
import type { FailoverEvent } from './failover-event';
import { FailoverStreamReader } from './failover-stream-reader';
import { FailoverStreamWriter } from './failover-stream-writer';
import { failoverStreamKeys } from './stream-keys';

const events = (prefix: string, count: number, bytes = 10): FailoverEvent[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, value: Buffer.alloc(bytes, i % 256) }));

async function storedIds(redis: Redis, topic: string): Promise<string[]> {
  const entries = await redis.xrange(failoverStreamKeys(topic).stream, '-', '+');
  return entries.map(([, fields]) => fields[fields.indexOf('id') + 1]);
}

describe('a full failover stream', () => {
  let server: DevRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('refuses a call that would pass the entry cap as a whole, keeps every stored event, and accepts again after acks', async () => {
    const registry = new Registry();
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 10, registry });
    await writer.append('capped', events('a', 8));

    const refused = writer.append('capped', events('b', 3));
    await expect(refused).rejects.toBeInstanceOf(FailoverBufferFullError);
    await expect(refused).rejects.toMatchObject({ topic: 'capped', reason: 'entries' });
    expect(await storedIds(redis, 'capped')).toEqual(events('a', 8).map((e) => e.id));

    await writer.append('capped', events('c', 2));
    await expect(writer.append('capped', events('d', 1))).rejects.toMatchObject({ reason: 'entries' });
    const refusedMetric = await registry.getSingleMetric('eventpath_failover_append_refused_total')?.get();
    expect(refusedMetric?.values).toEqual([{ labels: { topic: 'capped', reason: 'entries' }, value: 4 }]);

    const reader = new FailoverStreamReader(redis, 'capped', { consumer: 'w1', blockMs: 0, batchSize: 3 });
    await reader.ack((await reader.read()).map((e) => e.streamId));
    await writer.append('capped', events('e', 3));
    expect(await redis.xlen(failoverStreamKeys('capped').stream)).toBe(10);
  });

  it('refuses by bytes and frees the bytes of acknowledged events', async () => {
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 1000, maxBytesPerStream: 1000 });
    // Each event counts its id ('x-0': 3 bytes) and its value (97 bytes).
    await writer.append('bytes', events('x', 9, 97));
    expect(Number(await redis.get(failoverStreamKeys('bytes').bytes))).toBe(900);
    await expect(writer.append('bytes', [{ id: 'big', value: Buffer.alloc(98) }])).rejects.toMatchObject({ reason: 'bytes' });
    await writer.append('bytes', [{ id: 'fits', value: Buffer.alloc(96) }]);

    const reader = new FailoverStreamReader(redis, 'bytes', { consumer: 'w1', blockMs: 0, batchSize: 2 });
    const read = await reader.read();
    await reader.ack(read.map((e) => e.streamId));
    // Acknowledging twice (another consumer may have reclaimed them) frees the bytes once.
    await reader.ack(read.map((e) => e.streamId));
    expect(Number(await redis.get(failoverStreamKeys('bytes').bytes))).toBe(800);
    await writer.append('bytes', [{ id: 'again', value: Buffer.alloc(195) }]);
  });

  it('frees the bytes of an entry once when one ack call names it several times, so the byte cap still holds', async () => {
    const keys = failoverStreamKeys('duplicate-acks');
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 1000, maxBytesPerStream: 1000 });
    await writer.append('duplicate-acks', events('x', 9, 97)); // 9 × 100 bytes
    const reader = new FailoverStreamReader(redis, 'duplicate-acks', { consumer: 'w1', blockMs: 0, batchSize: 2 });
    const [first, second] = await reader.read();
    // The same entry three times, also spelled with a leading zero in its sequence number.
    const [ms, seq] = first.streamId.split('-');
    expect(await reader.ack([first.streamId, second.streamId, first.streamId, `${ms}-0${seq}`])).toBe(2);
    expect(Number(await redis.get(keys.bytes))).toBe(700);
    expect(await redis.xlen(keys.stream)).toBe(7);

    await writer.append('duplicate-acks', [{ id: 'y-0', value: Buffer.alloc(297) }]);
    await expect(writer.append('duplicate-acks', [{ id: 'y-1', value: Buffer.alloc(1) }])).rejects.toMatchObject({ reason: 'bytes' });
  });

  it('refuses malformed ids in an ack before anything is acknowledged or deleted', async () => {
    const keys = failoverStreamKeys('bad-acks');
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 1000, maxBytesPerStream: 1000 });
    await writer.append('bad-acks', events('x', 3, 97));
    const reader = new FailoverStreamReader(redis, 'bad-acks', { consumer: 'w1', blockMs: 0 });
    const read = await reader.read();
    await expect(reader.ack([read[0].streamId, 'not-an-id'])).rejects.toThrow(TypeError);
    // A bare millisecond part would make XRANGE match every entry of that millisecond.
    await expect(reader.ack([read[0].streamId.split('-')[0]])).rejects.toThrow(TypeError);
    expect(await redis.xlen(keys.stream)).toBe(3);
    expect(Number(await redis.get(keys.bytes))).toBe(300);
  });

  it('turns Redis refusing writes for lack of memory into a buffer-full error without losing stored events', async () => {
    const writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 1_000_000 });
    const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    await redis.config('SET', 'maxmemory', String(used + 2 * 1024 * 1024));
    try {
      const accepted: string[] = [];
      let refusal: unknown;
      for (let batch = 0; batch < 200 && !refusal; batch++) {
        const call = events(`m${batch}`, 50, 1024);
        try {
          await writer.append('memory', call);
          accepted.push(...call.map((e) => e.id));
        } catch (error) {
          refusal = error;
        }
      }
      expect(refusal).toBeInstanceOf(FailoverBufferFullError);
      expect((refusal as FailoverBufferFullError).reason).toBe('redis-memory');
      expect(await storedIds(redis, 'memory')).toEqual(accepted);
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
  });
});
