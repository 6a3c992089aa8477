import { Kafka } from 'kafkajs';
import { DevKafkaChannelClosedError, DevKafkaCommandError, DevKafkaStartError } from './errors';
import { devKafkaClientConfig, devKafkaProducerConfig } from './kafka-test-settings';
import { startDevKafka, type DevKafka } from './start-dev-kafka';
import { acceptsConnections } from './test-support/accepts-connections';

describe('the launcher’s commands', () => {
  let broker: DevKafka;

  beforeAll(async () => {
    broker = await startDevKafka({ brokers: 2, topics: ['orders:3', { name: 'payments', partitions: 1 }] });
  });

  afterAll(() => broker.stop());

  it('reports every broker, in id order, in the bootstrap list', () => {
    expect(broker.brokerNodes.map((node) => node.id)).toEqual([1, 2]);
    expect(broker.brokers).toEqual(broker.brokerNodes.map((node) => `${node.host}:${node.port}`));
    expect(broker.bootstrap).toBe(broker.brokers.join(','));
  });

  it('creates topics and lists them with their partition counts', async () => {
    await broker.createTopic('refunds', 5);

    await expect(broker.createTopic('refunds', 5)).rejects.toThrow(/already exists/);
    await expect(broker.createTopic('bad/name', 1)).rejects.toBeInstanceOf(DevKafkaCommandError);
    expect(sortByName(await broker.topics())).toEqual([
      { name: 'orders', partitions: 3 },
      { name: 'payments', partitions: 1 },
      { name: 'refunds', partitions: 5 },
    ]);
  });

  it('reports watermarks of what was produced, without creating unknown topics', async () => {
    const kafka = new Kafka(devKafkaClientConfig(broker.brokers, 'launcher-commands-test'));
    const producer = kafka.producer(devKafkaProducerConfig());
    await producer.connect();
    await producer.send({ topic: 'payments', acks: -1, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.disconnect();

    expect(await broker.watermarks('payments', 0)).toEqual({ low: 0, high: 3 });
    expect(await broker.watermarks('orders', 2)).toEqual({ low: 0, high: 0 });
    await expect(broker.watermarks('payments', 1)).rejects.toThrow(/has 1 partitions/);
    await expect(broker.watermarks('no-such-topic', 0)).rejects.toThrow(/unknown topic/);
    expect((await broker.topics()).map((topic) => topic.name)).not.toContain('no-such-topic');
  });

  it('takes a broker down and up again on the same port', async () => {
    const { port } = broker.brokerNodes[1];

    await broker.down(2);
    expect(await acceptsConnections(port)).toBe(false);
    expect(await acceptsConnections(broker.brokerNodes[0].port)).toBe(true);

    await broker.up(2);
    expect(await acceptsConnections(port)).toBe(true);
  });

  it('refuses bad commands with the launcher’s reason, and keeps serving', async () => {
    await expect(broker.down(3)).rejects.toThrow('broker id must be 1..2');
    await expect(broker.setRtt(0, 10)).rejects.toThrow(/-1 for all/);
    await expect(broker.down(1.5)).rejects.toThrow(TypeError);
    await expect(broker.createTopic('two words', 1)).rejects.toThrow(TypeError);
    expect(await broker.command('frobnicate')).toEqual({
      ok: false,
      error: expect.stringContaining('unknown command frobnicate') as unknown,
    });
    expect(await broker.command('errors 0 2 6')).toEqual({ ok: false, error: expect.stringContaining('usage') as unknown });
    expect(await broker.topics()).toHaveLength(3);
  });
});

describe('the launcher’s life cycle', () => {
  it('exits when its stdin closes', async () => {
    const broker = await startDevKafka();
    await broker.stop();
    await broker.exited;
    expect(await acceptsConnections(broker.brokerNodes[0].port)).toBe(false);
  });

  it('fails waiting commands with a typed error when the launcher dies', async () => {
    const broker = await startDevKafka({ topics: ['t:1'] });
    process.kill(broker.pid, 'SIGKILL');
    await broker.exited;

    await expect(broker.topics()).rejects.toBeInstanceOf(DevKafkaChannelClosedError);
    await broker.stop();
  });

  it('reports a launcher that refuses to start, with its stderr', async () => {
    await expect(startDevKafka({ brokers: 0 })).rejects.toThrow(DevKafkaStartError);
    await expect(startDevKafka({ topics: ['bad/name:2'] })).rejects.toThrow(/bad\/name:2.*topic names use only/s);
  });
});

const sortByName = <T extends { name: string }>(items: T[]): T[] => [...items].sort((a, b) => a.name.localeCompare(b.name));
