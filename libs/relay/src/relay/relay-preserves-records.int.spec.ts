import { canStartApacheKafka, eventually, useTestKafka, type TestKafka } from '@eventpath/dev-infra';
import { Partitioners, type Admin } from 'kafkajs';
import { expectedHeaders, header, readTopic, type StoredRecord } from '../test-support/read-back';
import { startRelayStack, type RelayStack } from '../test-support/relay-stack';
import { useTestMainstream, type TestMainstream } from '../test-support/test-mainstream';
import { ID_HEADER, produceEvents, quickKafka, testEvents, topicSize, type TestEvent } from '../test-support/test-events';
import { TopicMapping } from '../topics/topic-mapping';

// Two real clusters: the run's shared Kafka as the fronting one, a second Apache Kafka as the mainstream one.
const describeOnRealKafka = canStartApacheKafka() ? describe : describe.skip;

describeOnRealKafka('the relay keeps every record as it was (two Apache Kafka clusters)', () => {
  let fronting: TestKafka;
  let mainstream: TestMainstream;
  let mainstreamAdmin: Admin;
  const stacks: RelayStack[] = [];

  beforeAll(async () => {
    [fronting, mainstream] = await Promise.all([useTestKafka(), useTestMainstream()]);
    mainstreamAdmin = quickKafka(mainstream.brokers, 'relay-preserves-admin').admin();
    await mainstreamAdmin.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(stacks.map((stack) => stack.stop()));
    await mainstreamAdmin?.disconnect();
    await Promise.all([fronting?.release(), mainstream?.release()]);
  });

  const relayed = async (topic: string, count: number) =>
    eventually(async () => (await topicSize(mainstreamAdmin, topic)) >= count && true, 60_000, `${count} records in mainstream ${topic}`);

  const byId = (records: StoredRecord[]) => new Map(records.map((r) => [header(r, ID_HEADER) as string, r]));

  it('relays key, value, headers and timestamp of every record, keeps per-key order, and places keys as Kafka would', async () => {
    const topic = await fronting.createUniqueTopic('preserve', 3);
    await mainstream.createTopic(topic, 5);
    const deadLetterTopic = await fronting.createUniqueTopic('preserve-dlq', 1);
    const events = testEvents(3000, { keys: 25 });
    await produceEvents(quickKafka(fronting.brokers, 'preserve-producer'), topic, events);

    const stack = await startRelayStack({
      frontingBrokers: fronting.brokers,
      mainstreamBrokers: mainstream.brokers,
      groupId: `preserve-${Date.now()}`,
      topics: [topic],
      deadLetterTopic,
    });
    stacks.push(stack);
    await relayed(topic, events.length);
    await eventually(async () => (await stack.lag.refresh())?.size === 3 && (await stack.metric('eventpath_relay_consumer_lag')) === 0, 30_000, 'lag 0');

    const records = await readTopic(mainstream.bootstrap, topic);
    expect(records).toHaveLength(events.length);
    const stored = byId(records);
    for (const event of events) {
      const record = stored.get(event.id) as StoredRecord;
      expect(record).toBeDefined();
      expect(record.key).toBe(event.key);
      expect(record.value).toBe(event.value);
      expect(record.timestamp).toBe(event.timestamp);
      expect(record.headers).toEqual(expectedHeaders(event));
    }
    // Per key: one partition, the one kafkajs's (Java-compatible murmur2) partitioner picks, and the events in order.
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = (await mainstreamAdmin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions;
    const keyed = new Map<string, StoredRecord[]>();
    for (const record of [...records].sort((a, b) => a.offset - b.offset)) {
      if (record.key === null) continue;
      keyed.set(record.key, [...(keyed.get(record.key) ?? []), record]);
    }
    expect(keyed.size).toBe(25);
    for (const [key, list] of keyed) {
      const expected = partitioner({ topic, partitionMetadata, message: { key, value: null } });
      expect(new Set(list.map((r) => r.partition))).toEqual(new Set([expected]));
      expect(list.map((r) => JSON.parse(r.value as string).rank)).toEqual(list.map((_, i) => i));
    }
    expect(await stack.metric('eventpath_relay_records_total', { topic })).toBe(events.length);
    expect(await stack.metric('eventpath_relay_dead_lettered_total')).toBe(0);
  });

  it('keeps partition numbers and renames topics when configured to', async () => {
    const topic = await fronting.createUniqueTopic('same-partition', 4);
    const renamed = `${topic}-main`;
    await mainstream.createTopic(renamed, 4);
    const deadLetterTopic = await fronting.createUniqueTopic('same-partition-dlq', 1);
    const events: TestEvent[] = testEvents(400, { keys: 40 });
    await produceEvents(quickKafka(fronting.brokers, 'same-partition-producer'), topic, events);
    const frontingRecords = byId(await readTopic(fronting.bootstrap, topic));

    const stack = await startRelayStack({
      frontingBrokers: fronting.brokers,
      mainstreamBrokers: mainstream.brokers,
      groupId: `same-partition-${Date.now()}`,
      topics: [topic],
      deadLetterTopic,
      mapping: TopicMapping.of({ [topic]: renamed }),
      partitioning: 'same-partition',
    });
    stacks.push(stack);
    await relayed(renamed, events.length);

    const records = await readTopic(mainstream.bootstrap, renamed);
    expect(records).toHaveLength(events.length);
    for (const record of records) {
      const origin = frontingRecords.get(header(record, ID_HEADER) as string) as StoredRecord;
      expect(record.partition).toBe(origin.partition);
      // Same partition, same order: the offsets match one to one.
      expect(record.offset).toBe(origin.offset);
    }
  });
});
