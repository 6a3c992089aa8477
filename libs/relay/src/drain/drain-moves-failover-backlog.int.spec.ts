import { canStartApacheKafka, eventually, startApacheKafka, startRedis, useTestKafka, type ApacheKafka, type DevRedis, type TestKafka } from '@eventpath/dev-infra';
import { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { FailoverStreamReader, FailoverStreamWriter, failoverStreamKeys } from '@eventpath/queues';
import { DEAD_LETTER_HEADERS } from '../dead-letter/dead-letter-message';
import { startDrainStack, type DrainStack, type DrainStackOptions } from '../test-support/drain-stack';
import { completeness, expectedHeaders, header, readTopic, type StoredRecord } from '../test-support/read-back';
import { ID_HEADER, quickKafka, testEvents, toFailoverEvent, topicSize, type TestEvent } from '../test-support/test-events';

// The drain's target cluster is SIGKILLed in one test: a cluster of this file's own, beside a real redis-server.
const describeOnRealKafka = canStartApacheKafka() ? describe : describe.skip;

describeOnRealKafka('draining the failover streams into Kafka (Apache Kafka + redis-server)', () => {
  let target: ApacheKafka;
  let deadLetterKafka: TestKafka;
  let server: DevRedis;
  let redis: Redis;
  let writer: FailoverStreamWriter;
  let admin: Admin;
  const stacks: DrainStack[] = [];
  const connections: Redis[] = [];
  let n = 0;

  beforeAll(async () => {
    // One after the other: each picks free ports, and a port picked but not yet bound is not free for long.
    target = await startApacheKafka({ brokers: 1 });
    [deadLetterKafka, server] = await Promise.all([useTestKafka(), startRedis()]);
    redis = new Redis(server.url);
    // The gateway's own failover code writes the backlog.
    writer = new FailoverStreamWriter(redis, { maxEntriesPerStream: 1_000_000 });
    admin = quickKafka(target.brokers, 'drain-test-admin').admin();
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.stop().catch(() => undefined)));
    await admin?.disconnect().catch(() => undefined);
    for (const connection of [...connections, redis]) connection?.disconnect();
    await Promise.all([target?.stop(), deadLetterKafka?.release(), server?.stop()]);
  });

  const newTopic = async (partitions = 3, config?: Record<string, string>) => {
    const topic = `drain-${Date.now()}-${n++}`;
    await target.createTopic(topic, partitions, 1, config);
    return topic;
  };
  const drain = async (options: Partial<DrainStackOptions> & { topics: string[]; deadLetterTopic?: string }) => {
    const stack = await startDrainStack({
      redisUrl: server.url,
      targetBrokers: target.brokers,
      deadLetterBrokers: deadLetterKafka.brokers,
      deadLetterTopic: options.deadLetterTopic ?? 'unused-dead-letters',
      consumer: `worker-${n++}`,
      ...options,
    });
    stacks.push(stack);
    return stack;
  };
  /** A worker that read a batch and died before producing it. */
  const deadWorker = (topic: string, consumer: string, batchSize: number) => {
    const connection = redis.duplicate();
    connections.push(connection);
    return new FailoverStreamReader(connection, topic, { consumer, batchSize });
  };
  const append = async (topic: string, events: TestEvent[]) => {
    for (let i = 0; i < events.length; i += 100) await writer.append(topic, events.slice(i, i + 100).map(toFailoverEvent));
  };
  const streamLength = (topic: string) => redis.xlen(failoverStreamKeys(topic).stream);
  const drained = (topic: string, count: number) =>
    eventually(async () => (await topicSize(admin, topic)) >= count && (await streamLength(topic)) === 0, 90_000, `${count} events of ${topic} drained`);

  it('moves a backlog written by the gateway into Kafka with id, key, value, headers and timestamp, oldest first, then deletes it', async () => {
    const [first, second] = [await newTopic(), await newTopic()];
    const events = testEvents(1200, { keys: 12 });
    const others = testEvents(300, { prefix: 'other' });
    await append(first, events);
    await append(second, others);
    const stack = await drain({ topics: [first, second] });
    await drained(first, events.length);
    await drained(second, others.length);

    const records = await readTopic(target.bootstrap, first);
    expect(completeness(events, records, ID_HEADER)).toEqual({ missing: [], duplicates: 0 });
    const byId = new Map(records.map((r) => [header(r, ID_HEADER), r]));
    for (const event of events) {
      const record = byId.get(event.id) as StoredRecord;
      expect(record.key).toBe(event.key);
      expect(record.value).toBe(event.value);
      expect(record.timestamp).toBe(event.timestamp);
      // The gateway's headers, as it wrote them (a stream entry keeps one value per header name).
      const gateway = expectedHeaders({ ...event, headers: toFailoverEvent(event).headers });
      expect(record.headers).toEqual(expect.arrayContaining(gateway));
    }
    // Oldest first: each key's events are in the order they were appended.
    const ranks = new Map<string, number[]>();
    for (const record of [...records].sort((a, b) => a.offset - b.offset)) {
      // Unkeyed events are spread over partitions: no order among them.
      if (record.key === null) continue;
      const key = record.key;
      ranks.set(key, [...(ranks.get(key) ?? []), JSON.parse(record.value as string).rank]);
    }
    for (const list of ranks.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
    expect(Number((await redis.get(failoverStreamKeys(first).bytes)) ?? 0)).toBe(0);
    expect(await stack.metric('eventpath_drain_events_total', { topic: first, target: 'fronting' })).toBe(events.length);
    expect(await stack.metric('eventpath_failover_stream_depth', { topic: first })).toBe(0);
  });

  it('acknowledges nothing while Kafka is down, keeps its entries from being reclaimed, and delivers them all once Kafka is back', async () => {
    const topic = await newTopic();
    await admin.disconnect();
    await target.kill(1);
    const events = testEvents(400, { prefix: 'down' });
    try {
      await append(topic, events);
      const [a, b] = [await drain({ topics: [topic], claimIdleMs: 1500 }), await drain({ topics: [topic], claimIdleMs: 1500 })];

      const pending = async () => Number(((await redis.xpending(failoverStreamKeys(topic).stream, 'eventpath-failover')) as unknown[])[0]);
      await eventually(async () => (await pending()) > 0 && true, 30_000, 'entries delivered to the workers');
      // Several claim periods pass while both workers retry.
      await eventually(async () => (await a.metric('eventpath_drain_send_retries_total')) >= 8 && true, 60_000, 'retries over several claim periods');
      expect(await streamLength(topic)).toBe(events.length);
      expect((await a.metric('eventpath_failover_reclaimed_total')) + (await b.metric('eventpath_failover_reclaimed_total'))).toBe(0);
    } finally {
      await target.restart(1);
    }
    admin = quickKafka(target.brokers, 'drain-test-admin-2').admin();
    await admin.connect();
    await drained(topic, events.length);
    const { missing, duplicates } = completeness(events, await readTopic(target.bootstrap, topic), ID_HEADER);
    expect(missing).toEqual([]);
    expect(duplicates).toBe(0);
  }, 180_000);

  it('takes over the entries a dead worker left pending', async () => {
    const topic = await newTopic();
    const events = testEvents(250, { prefix: 'orphaned' });
    await append(topic, events);
    expect(await deadWorker(topic, 'dead-worker', 150).read()).toHaveLength(150);
    const stack = await drain({ topics: [topic], claimIdleMs: 1000 });
    await drained(topic, events.length);
    expect(completeness(events, await readTopic(target.bootstrap, topic), ID_HEADER).missing).toEqual([]);
    expect(await stack.metric('eventpath_failover_reclaimed_total', { topic })).toBe(150);
  });

  it('dead-letters an event Kafka refuses for good, with its delivery count, and moves on', async () => {
    const topic = await newTopic(1, { 'max.message.bytes': '16384' });
    const deadLetterTopic = await deadLetterKafka.createUniqueTopic('drain-dlq', 1);
    const events = testEvents(60, { prefix: 'poison' });
    const poison = events[20];
    poison.value = poison.value.padEnd(40_000, 'x');
    await append(topic, events);
    // Delivered once to a worker that died, then reclaimed: its second delivery.
    await deadWorker(topic, 'dead-worker-2', 100).read();
    const stack = await drain({ topics: [topic], claimIdleMs: 1000, deadLetterTopic });
    await drained(topic, events.length - 1);

    const letters = await readTopic(deadLetterKafka.bootstrap, deadLetterTopic);
    expect(letters).toHaveLength(1);
    expect(header(letters[0], ID_HEADER)).toBe(poison.id);
    expect(letters[0].value).toBe(poison.value);
    expect(header(letters[0], DEAD_LETTER_HEADERS.reason)).toBe('message-too-large');
    expect(header(letters[0], DEAD_LETTER_HEADERS.originStream)).toBe(failoverStreamKeys(topic).stream);
    expect(header(letters[0], DEAD_LETTER_HEADERS.originStreamId)).toMatch(/^\d+-\d+$/);
    expect(header(letters[0], DEAD_LETTER_HEADERS.deliveryCount)).toBe('2');
    expect(completeness(events.filter((e) => e !== poison), await readTopic(target.bootstrap, topic), ID_HEADER).missing).toEqual([]);
    expect(await stack.metric('eventpath_drain_dead_lettered_total', { topic, reason: 'message-too-large' })).toBe(1);
    expect(await stack.metric('eventpath_drain_dead_letter_delivery_count', { topic }, 'count')).toBe(1);
    expect(await stack.metric('eventpath_drain_dead_letter_delivery_count', { topic }, 'sum')).toBe(2);
  });

  it('drains no faster than its rate limit', async () => {
    const topic = await newTopic();
    const events = testEvents(200, { prefix: 'limited' });
    await append(topic, events);
    const started = performance.now();
    const stack = await drain({ topics: [topic], eventsPerSecond: 50, batchSize: 25 });
    await drained(topic, events.length);
    // 50 at once, then 50 per second: 200 take at least three seconds.
    expect(performance.now() - started).toBeGreaterThanOrEqual(2900);
    expect(await stack.metric('eventpath_drain_rate_limited_seconds_total')).toBeGreaterThan(1);
  });
});
