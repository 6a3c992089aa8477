import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Kafka, type Producer } from 'kafkajs';
import { eventually } from '../test-support';
import { KafkaApiKey } from './dev-kafka-control';
import { devKafkaClientConfig, devKafkaProducerConfig } from './kafka-test-settings';
import { startDevKafka, type DevKafka } from './start-dev-kafka';
import { startKcatConsumer, type KcatConsumer } from './test-support/kcat-consumer';
import { spawnTsx, type TsxProcess } from './test-support/tsx-process';

const MEMBER_SCRIPT = path.join(__dirname, 'test-support', 'group-member.ts');
const TOPIC = 'protocols';

/**
 * Members of one group that list different assignment protocols first. librdkafka 2.0.2's
 * mock cluster aborts on them (SIGABRT: every broker gone); the launcher refuses the
 * JoinGroup with INCONSISTENT_GROUP_PROTOCOL, as real Kafka does, or moves a protocol the
 * group's members share to the front. kcat (librdkafka's consumer, `range,roundrobin` by
 * default) and kafkajs (`RoundRobinAssigner`) share none.
 */
describe('consumer group members with different assignment protocols', () => {
  let broker: DevKafka;
  let producer: Producer;
  let launcherLog = '';
  const kcats: KcatConsumer[] = [];
  const members: TsxProcess[] = [];

  beforeAll(async () => {
    broker = await startDevKafka({ topics: [`${TOPIC}:2`], onLog: (text) => (launcherLog += text) });
    producer = new Kafka(devKafkaClientConfig(broker.brokers, 'protocols-test')).producer(devKafkaProducerConfig());
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(kcats.splice(0).map((kcat) => kcat.stop()));
    for (const member of members.splice(0)) {
      member.child.kill('SIGKILL');
      await member.closed;
    }
  });

  afterAll(async () => {
    await producer.disconnect();
    await broker.stop();
  });

  const kcat = (group: string, strategy: string) => {
    const consumer = startKcatConsumer(broker.bootstrap, group, TOPIC, strategy);
    kcats.push(consumer);
    return consumer;
  };

  const kafkajsMember = (group: string) => {
    const member = spawnTsx(MEMBER_SCRIPT, ['--bootstrap', broker.bootstrap, '--topic', TOPIC, '--group', group]);
    members.push(member);
    return member;
  };

  /** Whether the launcher still serves: it answers a command and has not exited. */
  async function expectBrokerAlive(): Promise<void> {
    const exited = await Promise.race([broker.exited, new Promise((resolve) => setTimeout(resolve, 100, 'running'))]);
    expect(exited).toBe('running');
    expect(await broker.topics()).toEqual(expect.arrayContaining([{ name: TOPIC, partitions: 2 }]));
  }

  const send = async (value: string) =>
    void (await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: value, value }] }));

  it('refuses a kafkajs member joining a kcat group with INCONSISTENT_GROUP_PROTOCOL, and the kcat member keeps consuming', async () => {
    const group = `kcat-first-${randomUUID()}`;
    const librdkafka = kcat(group, 'range,roundrobin');
    await librdkafka.waitForEvent(/assigned: protocols \[0\], protocols \[1\]/);

    const crashed = await kafkajsMember(group).waitForLine((line) => line.event === 'crashed', 30_000);
    // kafkajs's text for INCONSISTENT_GROUP_PROTOCOL.
    expect(crashed.error).toMatch(/supported protocols are incompatible/);
    await expectBrokerAlive();
    expect(launcherLog).toMatch(/INCONSISTENT_GROUP_PROTOCOL/);

    const value = `after-refusal-${randomUUID()}`;
    await send(value);
    await eventually(() => librdkafka.messages.includes(value), 15_000, 'kcat to consume a new message');
  });

  it('refuses kcat joining a kafkajs group, and the kafkajs member keeps consuming', async () => {
    const group = `kafkajs-first-${randomUUID()}`;
    const member = kafkajsMember(group);
    await member.waitForLine((line) => line.event === 'joined');

    const librdkafka = kcat(group, 'range,roundrobin');
    await librdkafka.waitForEvent(/JoinGroup failed: Broker: Inconsistent group protocol/);
    await expectBrokerAlive();

    const value = `kafkajs-keeps-${randomUUID()}`;
    await send(value);
    await member.waitForLine((line) => line.event === 'consumed' && line.key === value);
  });

  it('lets two kcat members whose protocol lists share one, in different order, split the partitions', async () => {
    const group = `kcat-orders-${randomUUID()}`;
    const first = kcat(group, 'range,roundrobin');
    await first.waitForEvent(/assigned: protocols \[0\], protocols \[1\]/);
    const second = kcat(group, 'roundrobin,range');

    await second.waitForEvent(/assigned: protocols \[\d\]$/);
    await first.waitForEvent(/assigned: protocols \[\d\]$/);
    await expectBrokerAlive();
    expect(launcherLog).toMatch(/protocol range moved first/);
  });

  it('still applies a JoinGroup error injected with the errors command, to the next JoinGroup only', async () => {
    const GROUP_AUTHORIZATION_FAILED = 30;
    await broker.injectErrors(KafkaApiKey.JoinGroup, [GROUP_AUTHORIZATION_FAILED]);
    const group = `injected-${randomUUID()}`;

    const refused = await kafkajsMember(group).waitForLine((line) => line.event === 'crashed', 30_000);
    expect(refused.error).toMatch(/Not authorized to access group/);
    await kafkajsMember(group).waitForLine((line) => line.event === 'joined');
  });
});
