import { canStartApacheKafka, eventually, useTestKafka, type TestKafka } from '@eventpath/dev-infra';
import type { Admin } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from '../dead-letter/dead-letter-message';
import { completeness, header, readTopic } from '../test-support/read-back';
import { startRelayStack, type RelayStack } from '../test-support/relay-stack';
import { useTestMainstream, type TestMainstream } from '../test-support/test-mainstream';
import { ID_HEADER, produceEvents, quickKafka, testEvents, topicSize } from '../test-support/test-events';

const describeOnRealKafka = canStartApacheKafka() ? describe : describe.skip;

describeOnRealKafka('records the mainstream cluster refuses go to the dead-letter topic (two Apache Kafka clusters)', () => {
  let fronting: TestKafka;
  let mainstream: TestMainstream;
  let mainstreamAdmin: Admin;
  let stack: RelayStack | undefined;

  beforeAll(async () => {
    [fronting, mainstream] = await Promise.all([useTestKafka(), useTestMainstream()]);
    mainstreamAdmin = quickKafka(mainstream.brokers, 'dead-letter-admin').admin();
    await mainstreamAdmin.connect();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await mainstreamAdmin?.disconnect();
    await Promise.all([fronting?.release(), mainstream?.release()]);
  });

  it('dead-letters a record over max.message.bytes and every record of a topic the mainstream lacks, with reason and origin; nothing else stops', async () => {
    const topic = await fronting.createUniqueTopic('poison', 2);
    await mainstream.createTopic(topic, 2, { 'max.message.bytes': '16384' });
    const orphan = await fronting.createUniqueTopic('orphan', 1);
    const deadLetterTopic = await fronting.createUniqueTopic('poison-dlq', 1);

    const events = testEvents(400, { keys: 4 });
    const poison = events[150];
    poison.value = poison.value.padEnd(40_000, 'x');
    const orphans = testEvents(30, { prefix: 'orphan' });
    const producer = quickKafka(fronting.brokers, 'poison-producer');
    await produceEvents(producer, topic, events, 50);
    await produceEvents(producer, orphan, orphans);
    const poisonOrigin = (await readTopic(fronting.bootstrap, topic)).find((r) => header(r, ID_HEADER) === poison.id);

    stack = await startRelayStack({
      frontingBrokers: fronting.brokers,
      mainstreamBrokers: mainstream.brokers,
      groupId: `poison-${Date.now()}`,
      topics: [topic, orphan],
      deadLetterTopic,
    });
    const healthy = events.filter((e) => e !== poison);
    await eventually(async () => (await topicSize(mainstreamAdmin, topic)) >= healthy.length && true, 60_000, 'the healthy records relayed');
    await eventually(async () => (await topicSize(stack!.frontingAdmin, deadLetterTopic)) >= 31 && true, 60_000, 'the dead letters written');
    await eventually(async () => (await stack!.lag.refresh())?.size === 3 && (await stack!.metric('eventpath_relay_consumer_lag')) === 0, 30_000, 'lag 0 on every partition');

    // Every healthy record reached the mainstream cluster, those after the poison on its partition too.
    const relayed = await readTopic(mainstream.bootstrap, topic);
    expect(completeness(healthy, relayed, ID_HEADER).missing).toEqual([]);
    expect(relayed.some((r) => header(r, ID_HEADER) === poison.id)).toBe(false);

    const letters = await readTopic(fronting.bootstrap, deadLetterTopic);
    expect(letters).toHaveLength(31);
    const tooLarge = letters.filter((l) => header(l, DEAD_LETTER_HEADERS.reason) === 'message-too-large');
    expect(tooLarge).toHaveLength(1);
    expect(header(tooLarge[0], ID_HEADER)).toBe(poison.id);
    expect(tooLarge[0].value).toBe(poison.value);
    expect(tooLarge[0].key).toBe(poison.key);
    expect(tooLarge[0].timestamp).toBe(poison.timestamp);
    expect(header(tooLarge[0], DEAD_LETTER_HEADERS.originTopic)).toBe(topic);
    expect(header(tooLarge[0], DEAD_LETTER_HEADERS.originPartition)).toBe(String(poisonOrigin?.partition));
    expect(header(tooLarge[0], DEAD_LETTER_HEADERS.originOffset)).toBe(String(poisonOrigin?.offset));
    expect(header(tooLarge[0], DEAD_LETTER_HEADERS.targetCluster)).toBe('mainstream');
    expect(header(tooLarge[0], DEAD_LETTER_HEADERS.targetTopic)).toBe(topic);
    expect(header(tooLarge[0], DEAD_LETTER_HEADERS.error)).toMatch(/^message-too-large: .*larger than the max message size/);

    const unknown = letters.filter((l) => header(l, DEAD_LETTER_HEADERS.reason) === 'unknown-topic');
    expect(completeness(orphans, unknown, ID_HEADER)).toEqual({ missing: [], duplicates: 0 });
    expect(unknown.every((l) => header(l, DEAD_LETTER_HEADERS.originTopic) === orphan)).toBe(true);

    expect(await stack.metric('eventpath_relay_dead_lettered_total', { topic, reason: 'message-too-large' })).toBe(1);
    expect(await stack.metric('eventpath_relay_dead_lettered_total', { topic: orphan, reason: 'unknown-topic' })).toBe(30);
    expect(await stack.metric('eventpath_dead_letters_written_total', { source: 'relay' })).toBe(31);
  });
});
