import { eventually, startRedis, type DevRedis } from '@eventpath/dev-infra';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import type { FailoverEvent } from './failover-event';
import { FailoverStreamReader } from './failover-stream-reader';
import { FailoverStreamWriter } from './failover-stream-writer';
import { failoverStreamKeys } from './stream-keys';

const events = (prefix: string, count: number): FailoverEvent[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, value: `payload ${i}` }));

describe('failover stream readers in a consumer group', () => {
  let server: DevRedis;
  let writerClient: Redis;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(server.url);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    server = await startRedis();
    writerClient = new Redis(server.url);
  });
  afterAll(async () => {
    for (const c of [writerClient, ...clients]) c.disconnect();
    await server.stop();
  });

  it('hands entries a dead consumer left unacknowledged to another consumer once they are idle long enough', async () => {
    const writer = new FailoverStreamWriter(writerClient, { maxEntriesPerStream: 100 });
    await writer.append('reclaim', events('e', 5));

    const deadClient = client();
    const dead = new FailoverStreamReader(deadClient, 'reclaim', { consumer: 'worker-a', blockMs: 0, batchSize: 3 });
    const taken = await dead.read();
    expect(taken.map((e) => e.id)).toEqual(['e-0', 'e-1', 'e-2']);
    // worker-a crashes before acknowledging: its connection goes away, its pending entries stay.
    deadClient.disconnect();

    const survivor = new FailoverStreamReader(client(), 'reclaim', { consumer: 'worker-b', blockMs: 0, claimIdleMs: 300 });
    const started = Date.now();
    // Not idle long enough yet: only the never-delivered entries come.
    const fresh = await survivor.read();
    expect(fresh.map((e) => e.id)).toEqual(['e-3', 'e-4']);
    await survivor.ack(fresh.map((e) => e.streamId));

    const reclaimed = await eventually(
      async () => {
        const ids = (await survivor.read()).map((e) => e.id);
        return ids.length > 0 && ids;
      },
      5000,
      "the dead consumer's entries to be reclaimed",
    );
    expect(reclaimed).toEqual(['e-0', 'e-1', 'e-2']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);

    const entries = await pendingOf(writerClient, 'reclaim', 'worker-b');
    expect(entries).toHaveLength(3);
    expect(await survivor.ack(entries)).toBe(3);
    expect(await writerClient.xlen(failoverStreamKeys('reclaim').stream)).toBe(0);
    expect(await writerClient.xpending(failoverStreamKeys('reclaim').stream, 'eventpath-failover')).toEqual([0, null, null, null]);
    expect(await writerClient.exists(failoverStreamKeys('reclaim').bytes)).toBe(0);
  });

  it('gives a consumer restarted under the same name its own unacknowledged entries first', async () => {
    const writer = new FailoverStreamWriter(writerClient, { maxEntriesPerStream: 100 });
    await writer.append('restart', events('r', 4));
    const before = client();
    expect((await new FailoverStreamReader(before, 'restart', { consumer: 'pod-1', blockMs: 0, batchSize: 2 }).read()).map((e) => e.id)).toEqual(['r-0', 'r-1']);
    before.disconnect();

    const after = new FailoverStreamReader(client(), 'restart', { consumer: 'pod-1', blockMs: 0, batchSize: 2 });
    expect((await after.read()).map((e) => e.id)).toEqual(['r-0', 'r-1']);
    expect((await after.read()).map((e) => e.id)).toEqual(['r-2', 'r-3']);
  });

  it('waits up to blockMs for new entries and returns them as soon as they are appended', async () => {
    const blocked = client();
    const reader = new FailoverStreamReader(blocked, 'blocking', { consumer: 'c', blockMs: 5000 });
    const id = await blocked.client('ID'); // asked first: the blocked connection answers nothing else
    const pending = reader.read();
    await eventually(async () => / flags=b .* cmd=xreadgroup /.test(String(await writerClient.client('LIST', 'ID', id))), 5000, 'the read to block');
    const writer = new FailoverStreamWriter(writerClient, { maxEntriesPerStream: 100 });
    const appendedAt = Date.now();
    await writer.append('blocking', events('b', 1));
    expect((await pending).map((e) => e.id)).toEqual(['b-0']);
    expect(Date.now() - appendedAt).toBeLessThan(1000);
  });

  it('recreates its group when the stream was deleted under it', async () => {
    const writer = new FailoverStreamWriter(writerClient, { maxEntriesPerStream: 100 });
    const reader = new FailoverStreamReader(client(), 'recreated', { consumer: 'c', blockMs: 0 });
    await writer.append('recreated', events('before', 1));
    await reader.ack((await reader.read()).map((e) => e.streamId));
    await writerClient.del(failoverStreamKeys('recreated').stream);
    await writer.append('recreated', events('after', 2));
    expect((await reader.read()).map((e) => e.id)).toEqual(['after-0', 'after-1']);
  });

  it('reports depth, bytes, pending, lag and the oldest entry age per topic', async () => {
    const registry = new Registry();
    const writer = new FailoverStreamWriter(writerClient, { maxEntriesPerStream: 100, registry });
    await writer.append('measured', events('m', 6));
    const reader = new FailoverStreamReader(client(), 'measured', { consumer: 'c', blockMs: 0, batchSize: 4, registry });
    const read = await reader.read();
    await reader.ack(read.slice(0, 1).map((e) => e.streamId));

    const value = async (name: string) =>
      (await registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels.topic === 'measured')?.value;
    const age = await eventually(async () => {
      const seconds = (await value('eventpath_failover_stream_oldest_age_seconds')) ?? 0;
      return seconds >= 0.3 && seconds;
    }, 5000, 'the oldest entry to be 0.3 s old');
    expect(age).toBeLessThan(5);
    expect(await value('eventpath_failover_stream_depth')).toBe(5);
    expect(await value('eventpath_failover_stream_pending')).toBe(3);
    expect(await value('eventpath_failover_stream_lag')).toBe(2);
    expect(await value('eventpath_failover_stream_bytes')).toBe(5 * ('m-0'.length + 'payload 0'.length));
    expect(await value('eventpath_failover_appended_total')).toBe(6);
    expect(await value('eventpath_failover_delivered_total')).toBe(4);
    expect(await value('eventpath_failover_acked_total')).toBe(1);
  });
});

async function pendingOf(redis: Redis, topic: string, consumer: string): Promise<string[]> {
  const rows = (await redis.xpending(failoverStreamKeys(topic).stream, 'eventpath-failover', '-', '+', 100, consumer)) as Array<[string]>;
  return rows.map(([id]) => id);
}
