import { FailoverBufferFullError } from '../errors';
import { FailoverStreamReader } from './failover-stream-reader';
import { FailoverStreamWriter } from './failover-stream-writer';
import { failoverStreamKeys } from './stream-keys';
import { redisSuite } from './test-support/redis-suite';

const EVENT_BYTES = 64 * 1024;

describe('a failover stream in a Redis at maxmemory (noeviction)', () => {
  const suite = redisSuite();
  const redis = () => suite.redis;
  afterEach(() => redis().config('SET', 'maxmemory', '0'));

  const memory = async () => {
    const info = await redis().info('memory');
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1]);
    return { used: field('used_memory'), max: field('maxmemory') };
  };

  /** Appends `count` events of 64 KiB, one per call, with Redis's memory limit lifted. */
  async function fill(writer: FailoverStreamWriter, topic: string, count = 8): Promise<string[]> {
    await redis().config('SET', 'maxmemory', '0');
    const ids = Array.from({ length: count }, (_, i) => `${topic}-${i}`);
    for (const [i, id] of ids.entries()) await writer.append(topic, [{ id, value: Buffer.alloc(EVENT_BYTES, i) }]);
    return ids;
  }

  /**
   * Leaves Redis above maxmemory at rest, as the last append that fit, an
   * operator lowering the limit or another tenant of the instance can, and
   * shows that appends are then refused before anything is written.
   */
  async function overMaxmemory(writer: FailoverStreamWriter, topic: string): Promise<void> {
    await redis().config('SET', 'maxmemory', String((await memory()).used - 2 * EVENT_BYTES));
    const stored = await redis().xlen(failoverStreamKeys(topic).stream);
    const refused = writer.append(topic, [{ id: 'refused', value: 'x' }]);
    await expect(refused).rejects.toBeInstanceOf(FailoverBufferFullError);
    await expect(refused).rejects.toMatchObject({ reason: 'redis-memory' });
    expect(await redis().xlen(failoverStreamKeys(topic).stream)).toBe(stored);
    const { used, max } = await memory();
    expect(used).toBeGreaterThan(max);
  }

  async function drain(reader: FailoverStreamReader): Promise<string[]> {
    const drained: string[] = [];
    for (let batch = await reader.read(); batch.length > 0; batch = await reader.read()) {
      expect(await reader.ack(batch.map((e) => e.streamId))).toBe(batch.length);
      drained.push(...batch.map((e) => e.id));
    }
    return drained;
  }

  it('acknowledges and deletes entries while Redis is over maxmemory, which lets appends in again', async () => {
    const writer = new FailoverStreamWriter(redis(), { maxEntriesPerStream: 1000 });
    const reader = new FailoverStreamReader(suite.client(), 'acked', { consumer: 'w1', blockMs: 0, batchSize: 2 });
    expect(await reader.read()).toEqual([]); // the group exists before Redis fills up

    const accepted = await fill(writer, 'acked');
    await overMaxmemory(writer, 'acked');
    expect(await drain(reader)).toEqual(accepted);
    expect(await redis().xlen(failoverStreamKeys('acked').stream)).toBe(0);

    const { used, max } = await memory();
    expect(used).toBeLessThan(max);
    await writer.append('acked', [{ id: 'after', value: Buffer.alloc(EVENT_BYTES) }]);
  });

  it('lets readers that never ran create or join their group while Redis is over maxmemory', async () => {
    const writer = new FailoverStreamWriter(redis(), { maxEntriesPerStream: 1000 });
    const accepted = await fill(writer, 'fresh');
    await overMaxmemory(writer, 'fresh');

    const first = new FailoverStreamReader(suite.client(), 'fresh', { consumer: 'w1', blockMs: 0, batchSize: 1 });
    const second = new FailoverStreamReader(suite.client(), 'fresh', { consumer: 'w2', blockMs: 0, batchSize: 1 });
    const [a] = await first.read(); // creates the group
    const [b] = await second.read(); // finds it
    expect([a.id, b.id]).toEqual(accepted.slice(0, 2));
    await first.ack([a.streamId]);
    await second.ack([b.streamId]);
    expect([a.id, b.id, ...(await drain(first))]).toEqual(accepted);

    // A topic that has no stream yet: the reader creates an empty one with its group and waits.
    await fill(writer, 'filler');
    await overMaxmemory(writer, 'filler');
    const idle = new FailoverStreamReader(suite.client(), 'not-yet-written', { consumer: 'w1', blockMs: 0 });
    expect(await idle.read()).toEqual([]);
  });
});
