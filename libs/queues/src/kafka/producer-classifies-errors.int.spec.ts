import { canStartApacheKafka, startApacheKafka, type ApacheKafka } from '@eventpath/dev-infra';
import { Kafka, logLevel } from 'kafkajs';
import { PartialDeliveryError } from '../errors';
import { BatchingProducer } from './batching-producer';
import { expectFailure } from './test-support/expect-failure';

// Each test here stops, kills or hangs the broker, so the file has an
// Apache Kafka node of its own.
const describeOnApacheKafka = canStartApacheKafka() ? describe : describe.skip;

describeOnApacheKafka('BatchingProducer errors on Apache Kafka', () => {
  let cluster: ApacheKafka;
  let producer: BatchingProducer;

  beforeAll(async () => {
    cluster = await startApacheKafka({
      brokers: 1,
      topics: ['events:2', { name: 'small-records', partitions: 1, config: { 'max.message.bytes': '4096' } }],
    });
    // Client-level retries govern reconnecting, so they decide how fast a send fails while the broker is away.
    const kafka = new Kafka({
      clientId: 'producer-errors',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
      requestTimeout: 2000,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
    });
    producer = new BatchingProducer(kafka, { lingerMs: 1, metadataMaxAgeMs: 1000, producerConfig: { retry: { retries: 1, initialRetryTime: 100 } } });
    await producer.connect();
  }, 120_000);
  afterAll(async () => {
    await producer?.disconnect();
    await cluster?.stop();
  });

  const sendsAgain = async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await producer.send('events', [{ value: 'after' }]).then(() => true, () => false)) return true;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return false;
  };

  it('rejects every coalesced send as broker-unavailable while the node is down, and recovers after its restart', async () => {
    await cluster.kill(1);
    try {
      const started = Date.now();
      const errors = await Promise.all([producer.send('events', [{ value: 'a' }]), producer.send('events', [{ value: 'b' }])].map(expectFailure));
      expect(errors.map((e) => e.kind)).toEqual(['broker-unavailable', 'broker-unavailable']);
      expect(errors.some((e) => e instanceof PartialDeliveryError)).toBe(false);
      // The kafkajs error that ended the retries stays reachable.
      expect(errors[0].cause).toBeInstanceOf(Error);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await cluster.restart(1);
    }
    // The same producer object recovers by itself.
    expect(await sendsAgain()).toBe(true);
  }, 120_000);

  it('classifies a hung (SIGSTOPped) node as broker-unavailable once the request times out, and recovers on resume', async () => {
    expect(await sendsAgain()).toBe(true);
    cluster.pause(1);
    try {
      const started = Date.now();
      const error = await expectFailure(producer.send('events', [{ value: 'during' }]));
      expect(error.kind).toBe('broker-unavailable');
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      cluster.resume(1);
    }
    expect(await sendsAgain()).toBe(true);
  }, 120_000);

  it('classifies a record over the topic max.message.bytes as message-too-large and an unknown topic as unknown-topic', async () => {
    expect((await expectFailure(producer.send('small-records', [{ value: Buffer.alloc(8192) }]))).kind).toBe('message-too-large');
    expect((await expectFailure(producer.send('no-such-topic', [{ value: 'x' }]))).kind).toBe('unknown-topic');
    // The topic's other sends are unaffected.
    const [report] = await producer.send('small-records', [{ value: 'fits' }]);
    expect(report.partition).toBe(0);
  }, 60_000);

  it('refuses sends after disconnect() as fatal at once', async () => {
    const other = new BatchingProducer(new Kafka({ clientId: 'closed', brokers: cluster.brokers, logLevel: logLevel.NOTHING }));
    await other.connect();
    await other.disconnect();
    const error = await expectFailure(other.send('events', [{ value: 'late' }]));
    expect(error.kind).toBe('fatal');
    expect(error.message).toMatch(/disconnected/);
  });
});
