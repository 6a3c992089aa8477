import { eventually, seededRandom, startRedis, type DevRedis } from '@eventpath/dev-infra';
import Redis from 'ioredis';
import type { FailoverEvent } from './failover-event';
import { FailoverStreamReader } from './failover-stream-reader';
import { FailoverStreamWriter, type FailoverStreamWriterOptions } from './failover-stream-writer';
import { failoverStreamKeys } from './stream-keys';

const TOPIC = 'durable';
const keys = failoverStreamKeys(TOPIC);
const APPENDERS = 6;
const ACKED_BEFORE_KILL = 150;

/** A connected client that fails what is in flight when Redis dies and never resends it: only replies count as acknowledgements. */
async function noRetryClient(server: DevRedis): Promise<Redis> {
  const client = new Redis(server.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

interface Crash {
  /** Every call sent, by appender and call number, with its events' ids. */
  attempted: Map<string, string[]>;
  /** The calls whose append resolved. */
  acknowledged: Set<string>;
  /** Event ids in the stream after the restart, in stream order, with the byte counter. */
  stored: string[];
  storedBytes: number;
  counter: number;
}

/**
 * APPENDERS concurrent writers, each on its own connection, append calls of
 * 1-20 events of random size back to back; as soon as ACKED_BEFORE_KILL calls
 * were acknowledged Redis is killed with SIGKILL while appends are in flight,
 * then restarted from its data directory.
 */
async function crashUnderLoad(server: DevRedis, options: Partial<FailoverStreamWriterOptions>): Promise<Crash> {
  const random = seededRandom(17);
  const attempted = new Map<string, string[]>();
  const acknowledged = new Set<string>();
  const clients = await Promise.all(Array.from({ length: APPENDERS }, () => noRetryClient(server)));
  const failures: unknown[] = [];
  const appenders = clients.map(async (client, a) => {
    const writer = new FailoverStreamWriter(client, { maxEntriesPerStream: 10_000_000, ...options });
    for (let call = 0; ; call++) {
      const name = `a${a}-c${call}`;
      const events: FailoverEvent[] = Array.from({ length: 1 + Math.floor(random() * 20) }, (_, i) => ({
        id: `${name}-${i}`,
        value: Buffer.alloc(1 + Math.floor(random() * 2000), call % 256),
        headers: { 'x-call': name },
      }));
      attempted.set(name, events.map((e) => e.id));
      try {
        await writer.append(TOPIC, events);
      } catch (error) {
        failures.push(error); // once Redis is gone, this call may or may not have been applied
        return;
      }
      acknowledged.add(name);
    }
  });
  const stoppedEarly = Promise.all(appenders).then(() => {
    throw new Error(`every appender stopped before Redis was killed, the first with: ${String(failures[0])}`);
  });
  try {
    await Promise.race([eventually(() => acknowledged.size >= ACKED_BEFORE_KILL, 20_000, `${ACKED_BEFORE_KILL} acknowledged appends`), stoppedEarly]);
    await server.kill();
  } finally {
    await server.kill();
    await Promise.all(appenders);
    for (const client of clients) client.disconnect();
  }
  await server.restart();

  const redis = new Redis(server.url);
  try {
    const entries = await redis.xrange(keys.stream, '-', '+');
    const field = (fields: string[], name: string) => fields[fields.indexOf(name) + 1];
    return {
      attempted,
      acknowledged,
      stored: entries.map(([, fields]) => field(fields, 'id')),
      storedBytes: entries.reduce((sum, [, fields]) => sum + Number(field(fields, 'n')), 0),
      counter: Number((await redis.get(keys.bytes)) ?? 0),
    };
  } finally {
    redis.disconnect();
  }
}

/** The acknowledged events missing after the crash, and the calls only partly stored. */
function losses({ attempted, acknowledged, stored }: Crash) {
  const present = new Set(stored);
  const lost = [...acknowledged].flatMap((call) => attempted.get(call)!.filter((id) => !present.has(id)));
  const partial = [...attempted].filter(([, ids]) => ids.some((id) => present.has(id)) && !ids.every((id) => present.has(id)));
  return { lost, partial: partial.map(([call]) => call) };
}

describe('failover stream across a Redis crash', () => {
  it('holds every append acknowledged before a SIGKILL under load, each call whole and counted, and the group state', async () => {
    const server = await startRedis();
    try {
      // Group state before the crash: 100 entries delivered and acknowledged, 50 delivered and pending.
      const setup = new Redis(server.url);
      await new FailoverStreamWriter(setup, { maxEntriesPerStream: 1000 }).append(
        TOPIC,
        Array.from({ length: 150 }, (_, i) => ({ id: `setup-${i}`, value: `v${i}` })),
      );
      const before = new FailoverStreamReader(setup, TOPIC, { consumer: 'w', blockMs: 0, batchSize: 150 });
      const delivered = await before.read();
      await before.ack(delivered.slice(0, 100).map((e) => e.streamId));
      setup.disconnect();

      // The writers' own durability check (fsync-always by default) is part of what is tested:
      // against a Redis that fsyncs every second, or has no AOF, they refuse and nothing is acknowledged.
      const crash = await crashUnderLoad(server, {});
      expect(losses(crash)).toEqual({ lost: [], partial: [] });
      const stored = new Set(crash.stored);
      const attemptedIds = new Set([...crash.attempted.values()].flat());
      expect(crash.stored.filter((id) => !id.startsWith('setup-') && !attemptedIds.has(id))).toEqual([]);
      expect(crash.counter).toBe(crash.storedBytes);
      expect(crash.stored.slice(0, 50)).toEqual(delivered.slice(100).map((e) => e.id));

      const redis = new Redis(server.url);
      try {
        expect((await redis.xpending(keys.stream, 'eventpath-failover'))[0]).toBe(50);
        const after = new FailoverStreamReader(redis, TOPIC, { consumer: 'w2', blockMs: 0, batchSize: 100_000 });
        const fresh = (await after.read()).map((e) => e.id);
        expect(fresh).toEqual(crash.stored.slice(50));
        expect(fresh.filter((id) => stored.has(id))).toHaveLength(fresh.length);
      } finally {
        redis.disconnect();
      }
    } finally {
      await server.stop();
    }
  });

  it('detects lost acknowledged appends when Redis runs without AOF and the writer is told not to check (the control)', async () => {
    const server = await startRedis({ appendonly: false });
    try {
      const crash = await crashUnderLoad(server, { durability: 'unchecked' });
      expect(crash.stored).toEqual([]);
      expect(losses(crash).lost.length).toBeGreaterThanOrEqual(ACKED_BEFORE_KILL);
    } finally {
      await server.stop();
    }
  });
});
