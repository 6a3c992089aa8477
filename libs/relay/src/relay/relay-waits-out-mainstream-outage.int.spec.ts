import { setTimeout as pause } from 'node:timers/promises';
import { canStartApacheKafka, eventually, startApacheKafka, useTestKafka, type ApacheKafka, type TestKafka } from '@eventpath/dev-infra';
import type { Admin, Producer } from 'kafkajs';
import { completeness, readTopic } from '../test-support/read-back';
import { startRelayStack, type RelayStack } from '../test-support/relay-stack';
import { ID_HEADER, quickKafka, testEvents, toKafkaMessage, topicSize, type TestEvent } from '../test-support/test-events';

// The mainstream cluster is SIGKILLed: a cluster of this file's own. EVENTPATH_RELAY_LONG=1 keeps it down longer under more load.
const describeOnRealKafka = canStartApacheKafka() ? describe : describe.skip;
const LONG = process.env['EVENTPATH_RELAY_LONG'] === '1';
const LOAD = { perTick: LONG ? 100 : 40, tickMs: 100 };
/** Lag the outage must build up before the broker comes back. */
const OUTAGE_LAG = LONG ? 30_000 : 1_200;

describeOnRealKafka('the relay while the mainstream cluster is down (SIGKILL of its broker, then a restart)', () => {
  let fronting: TestKafka;
  let mainstream: ApacheKafka;
  let stack: RelayStack;
  let load: Producer;
  let mainstreamAdmin: Admin;

  beforeAll(async () => {
    [fronting, mainstream] = await Promise.all([useTestKafka(), startApacheKafka({ brokers: 1 })]);
  }, 120_000);

  afterAll(async () => {
    await load?.disconnect().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    await mainstreamAdmin?.disconnect().catch(() => undefined);
    await Promise.all([fronting?.release(), mainstream?.stop()]);
  });

  it('pauses, commits nothing, lets lag grow, and resumes by itself: nothing missing, lag back to 0', async () => {
    const topic = await fronting.createUniqueTopic('outage', 4);
    await mainstream.createTopic(topic, 4);
    const deadLetterTopic = await fronting.createUniqueTopic('outage-dlq', 1);
    const groupId = `outage-${Date.now()}`;
    stack = await startRelayStack({ frontingBrokers: fronting.brokers, mainstreamBrokers: mainstream.brokers, groupId, topics: [topic], deadLetterTopic, lagIntervalMs: 250 });
    let crashed: unknown;
    stack.relay.closed.catch((error: unknown) => (crashed = error));
    mainstreamAdmin = quickKafka(mainstream.brokers, 'outage-admin').admin();
    await mainstreamAdmin.connect();

    // A steady load on the fronting cluster for the whole test, as live traffic.
    load = quickKafka(fronting.brokers, 'outage-load').producer({ allowAutoTopicCreation: false });
    await load.connect();
    const sent: TestEvent[] = [];
    let producing = true;
    const loading = (async () => {
      for (let tick = 0; producing; tick++) {
        const events = testEvents(LOAD.perTick, { from: tick * LOAD.perTick, keys: 16 });
        await load.send({ topic, acks: -1, messages: events.map(toKafkaMessage) });
        sent.push(...events);
        await pause(LOAD.tickMs);
      }
    })();
    const lag = async () => [...((await stack.lag.refresh()) ?? new Map<string, number>()).values()].reduce((a, b) => a + b, 0);
    const committed = async () =>
      (await stack.frontingAdmin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.map((p) => `${p.partition}@${p.offset}`).sort();

    await eventually(async () => (await topicSize(mainstreamAdmin, topic)) >= 300 && true, 60_000, 'the relay running');
    await mainstreamAdmin.disconnect();
    await mainstream.kill(1);

    await eventually(async () => (await stack.metric('eventpath_relay_paused_partitions')) === 4, 60_000, 'every partition paused');
    let maxLag = await eventually(async () => {
      const now = await lag();
      return now >= 200 && now;
    }, 60_000, 'lag building up');
    const committedDuringOutage = await committed();
    maxLag = await eventually(async () => {
      const now = await lag();
      return now >= maxLag + OUTAGE_LAG && now;
    }, 180_000, 'lag growing further');
    // Nothing could be acknowledged, so nothing was committed, and the relay stayed up.
    expect(await committed()).toEqual(committedDuringOutage);
    expect(stack.relay.running).toBe(true);
    expect(crashed).toBeUndefined();
    expect(await stack.metric('eventpath_relay_send_retries_total', { kind: 'broker-unavailable' })).toBeGreaterThan(0);

    await mainstream.restart(1);
    await eventually(async () => (await stack.metric('eventpath_relay_paused_partitions')) === 0, 60_000, 'every partition resumed');
    producing = false;
    await loading;

    mainstreamAdmin = quickKafka(mainstream.brokers, 'outage-admin-2').admin();
    await mainstreamAdmin.connect();
    await eventually(async () => {
      const [size, now] = [await topicSize(mainstreamAdmin, topic), await lag()];
      if (process.env['RELAY_TEST_LOG']) console.error(`caught up ${size}/${sent.length}, lag ${now}, buffered ${await stack.metric('eventpath_relay_buffered_records')}`);
      return size >= sent.length && now === 0;
    }, 120_000, 'catching up to lag 0');
    expect(await stack.metric('eventpath_relay_consumer_lag')).toBe(0);

    const { missing, duplicates } = completeness(sent, await readTopic(mainstream.bootstrap, topic), ID_HEADER);
    console.log(`mainstream outage: ${sent.length} sent, max lag ${maxLag}, ${missing.length} missing, ${duplicates} duplicates (allowed)`);
    expect(missing).toEqual([]);
    expect(crashed).toBeUndefined();
  }, 400_000);
});
